/** Events main pushes to renderers (IPC `send`, or the browser-mode event stream). */
export interface PushMap {
  /** New events reached this terminal's log (local or from sync): screens re-read what they show. */
  events: { types: string[]; visitIds: string[] };
  /** A printer's state changed (printing, paper out, offline …). */
  printer: { terminal: string; printer: string; state: string; message?: string; jobId?: string };
  /** Sync state: online/offline, last sync, events waiting to go out. */
  sync: { state: 'online' | 'offline' | 'disabled' | 'error'; lastSyncAt?: string; outbox: number; message?: string; quarantined?: number };
  /** A number was called: the display chimes and speaks. */
  call: { number: number; counter: string; department: string; lang: string; recall: boolean };
}
export type PushName = keyof PushMap;
export interface PushMessage<K extends PushName = PushName> {
  name: K;
  data: PushMap[K];
}
