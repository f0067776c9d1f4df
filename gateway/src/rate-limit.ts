/** A per-principal token bucket, in memory. */
export class RateLimiter {
  readonly #rate: number;
  readonly #burst: number;
  readonly #buckets = new Map<string, { tokens: number; at: number }>();
  readonly #now: () => number;
  readonly #maxEntries: number;

  constructor(
    ratePerSecond: number,
    burst: number,
    now: () => number = () => Date.now(),
    maxEntries = 100_000,
  ) {
    this.#rate = ratePerSecond;
    this.#burst = burst;
    this.#now = now;
    this.#maxEntries = maxEntries;
  }

  /** Takes a token; returns 0 when allowed, else the seconds until one is available. */
  take(principal: string): number {
    const now = this.#now();
    let b = this.#buckets.get(principal);
    if (!b) {
      if (this.#buckets.size >= this.#maxEntries) {
        const first = this.#buckets.keys().next();
        if (!first.done) this.#buckets.delete(first.value);
      }
      b = { tokens: this.#burst, at: now };
      this.#buckets.set(principal, b);
    } else {
      b.tokens = Math.min(this.#burst, b.tokens + ((now - b.at) / 1000) * this.#rate);
      b.at = now;
    }
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - b.tokens) / this.#rate));
  }
}
