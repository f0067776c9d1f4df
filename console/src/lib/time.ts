/** Times as the oversight pages use them: form inputs to ISO instants, and a range cut into buckets. */

/** The ISO instant of a `datetime-local` or `date` input's value (the person's time zone); '' stays ''. */
export function isoOfLocal(value: string): string {
  if (value === '') return '';
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? '' : date.toISOString();
}

/** A `date` input's value for `date` (the person's time zone). */
export function dateInputOf(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${String(date.getFullYear())}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** One slice of a time range. */
export interface Bucket {
  readonly from: string;
  readonly to: string;
  readonly label: string;
}

/**
 * `[from, to)` cut into at most `max` equal buckets of whole hours or days (a day when the range is
 * over two days), labelled by their start.
 */
export function bucketsOf(fromMs: number, toMs: number, max = 12): Bucket[] {
  const span = Math.max(toMs - fromMs, 1);
  const unit = span > 2 * 86_400_000 ? 86_400_000 : 3_600_000;
  const size = Math.max(unit, Math.ceil(span / max / unit) * unit);
  const buckets: Bucket[] = [];
  for (let start = fromMs; start < toMs; start += size) {
    const end = Math.min(start + size, toMs);
    const date = new Date(start);
    buckets.push({
      from: new Date(start).toISOString(),
      to: new Date(end).toISOString(),
      label:
        unit === 86_400_000
          ? date.toLocaleDateString(undefined, { month: 'short', day: 'numeric' })
          : date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' }),
    });
  }
  return buckets;
}
