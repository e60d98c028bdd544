/** One entry of the append-only event log, as stored on every terminal and exchanged by sync. */
export interface StoredEvent<P = unknown> {
  /** The database (terminal) that wrote it. */
  origin: string;
  /** Per-origin sequence, 1, 2, 3 … with no gaps. */
  seq: number;
  /** Hybrid logical clock, encoded (see hlc.ts); the total order of the log. */
  hlc: string;
  type: string;
  /** Site (本庁舎, 支所 …) the event belongs to; sync scopes pulls by it. */
  site: string;
  visitId: string | null;
  payload: P;
}

export function compareEvents(a: Pick<StoredEvent, 'hlc' | 'origin' | 'seq'>, b: Pick<StoredEvent, 'hlc' | 'origin' | 'seq'>): number {
  if (a.hlc !== b.hlc) return a.hlc < b.hlc ? -1 : 1;
  if (a.origin !== b.origin) return a.origin < b.origin ? -1 : 1;
  return a.seq - b.seq;
}

/** Version vector: the highest contiguous seq held per origin. */
export type VersionVector = Record<string, number>;
