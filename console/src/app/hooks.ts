/** Small hooks every page uses: an action with its busy state, error and result. */
import { useCallback, useRef, useState } from 'react';

import { ApiError, newIdempotencyKey } from './api';

/**
 * One attempt at a write: its `Idempotency-Key`, and `once`, which makes a value (a signed payload)
 * once per attempt. A retry of an attempt whose answer was lost (no connection, 502-504) sends the
 * same key with the same signed body, so the gateway replays the first result instead of writing twice.
 */
export interface Attempt {
  readonly idempotencyKey: string;
  once<V>(make: () => Promise<V>): Promise<V>;
}

/** The state of an action a person starts (a button, a form). */
export interface ActionState<T, A extends unknown[] = []> {
  readonly busy: boolean;
  readonly error: unknown;
  readonly result: T | undefined;
  readonly run: (...args: A) => Promise<T | undefined>;
  readonly reset: () => void;
}

const retryable = (err: unknown): boolean =>
  err instanceof ApiError &&
  (err.status === 0 || err.status === 502 || err.status === 503 || err.status === 504);

/** What an attempt keeps between tries: its key and the values `once` made, in order. */
interface KeptAttempt {
  readonly args: string;
  readonly idempotencyKey: string;
  readonly values: Promise<unknown>[];
}

/**
 * An action. `fn` gets the attempt; the attempt is kept for the next run with the same arguments only
 * after a retryable failure, so a retry is the same write and anything else is a new one.
 */
export function useAction<T, A extends unknown[] = []>(
  fn: (attempt: Attempt, ...args: A) => Promise<T>,
): ActionState<T, A> {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [result, setResult] = useState<T | undefined>(undefined);
  const kept = useRef<KeptAttempt | null>(null);
  const run = useCallback(
    async (...args: A) => {
      setBusy(true);
      // The last answer goes as the new attempt starts: it is not the answer to this one.
      setError(undefined);
      setResult(undefined);
      const key = JSON.stringify(args);
      const attempt: KeptAttempt =
        kept.current?.args === key
          ? kept.current
          : { args: key, idempotencyKey: newIdempotencyKey(), values: [] };
      kept.current = null;
      // `once` counts its calls from the start on every try: the n-th call gets the n-th value.
      let calls = 0;
      const view: Attempt = {
        idempotencyKey: attempt.idempotencyKey,
        once: <V>(make: () => Promise<V>): Promise<V> => {
          const index = calls++;
          const value = attempt.values[index] ?? make();
          attempt.values[index] = value;
          return value as Promise<V>;
        },
      };
      try {
        const value = await fn(view, ...args);
        setResult(value);
        return value;
      } catch (err) {
        if (retryable(err)) kept.current = attempt;
        setError(err);
        return undefined;
      } finally {
        setBusy(false);
      }
    },
    [fn],
  );
  const reset = useCallback(() => {
    setError(undefined);
    setResult(undefined);
  }, []);
  return { busy, error, result, run, reset };
}
