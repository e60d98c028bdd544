/**
 * The summary statistics the daily report prints. Definitions are fixed here and documented in
 * docs/report-layout.md so an auditor can recompute every figure from the event log:
 * - mean: arithmetic mean;
 * - median: middle value, or the mean of the two middle values for an even count;
 * - p90: nearest rank, the value at position ceil(0.9 × n) of the ascending list (1-based).
 */
export interface DurationStats {
  /** How many samples (visits or stops) the figure is over. */
  count: number;
  /** Seconds; null when there is no sample. */
  mean: number | null;
  median: number | null;
  p90: number | null;
  /** Sum of the samples in seconds (lets fiscal-year means be merged from days). */
  sum: number;
}

export function sortedAsc(values: readonly number[]): number[] {
  return [...values].sort((a, b) => a - b);
}

export function median(sorted: readonly number[]): number | null {
  const n = sorted.length;
  if (n === 0) return null;
  const mid = n >> 1;
  return n % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Nearest-rank percentile (p in 0..100) of an ascending list. */
export function percentile(sorted: readonly number[], p: number): number | null {
  const n = sorted.length;
  if (n === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * n));
  return sorted[Math.min(n, rank) - 1]!;
}

export function summarize(values: readonly number[]): DurationStats {
  const s = sortedAsc(values);
  const sum = s.reduce((a, b) => a + b, 0);
  return { count: s.length, mean: s.length ? sum / s.length : null, median: median(s), p90: percentile(s, 90), sum };
}

/** Seconds between two ISO instants, or null when either is missing or the order is reversed. */
export function secondsBetween(from: string | undefined, to: string | undefined): number | null {
  if (!from || !to) return null;
  const d = (Date.parse(to) - Date.parse(from)) / 1000;
  return Number.isFinite(d) && d >= 0 ? d : null;
}

/** A mean kept as sum and count, so days add up to a fiscal year. */
export interface MeanParts {
  sum: number;
  n: number;
}

export function meanOf(p: MeanParts): number | null {
  return p.n > 0 ? p.sum / p.n : null;
}

export function addParts(a: MeanParts, b: MeanParts): MeanParts {
  return { sum: a.sum + b.sum, n: a.n + b.n };
}
