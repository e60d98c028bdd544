import { EventEmitter } from 'node:events';
import { noAnswerStatus, type PrinterStatus } from './status';
import type { PrinterTransport } from './transport';

/**
 * Asks a printer how it is every few seconds and tells the UI when that changes ("paper out",
 * "cover open", "offline"), so staff see a problem before a visitor's ticket fails to print.
 *
 * Events: 'status' (every poll), 'change' (status, previous | null) when the summary differs.
 */
export interface StatusPollerOptions {
  intervalMs?: number;
  /** Time one poll may take; a printer that stays silent reads as 'no-answer'. */
  timeoutMs?: number;
}

export interface StatusPollerEvents {
  status: [PrinterStatus];
  change: [PrinterStatus, PrinterStatus | null];
}

export class StatusPoller extends EventEmitter<StatusPollerEvents> {
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private last: PrinterStatus | null = null;
  readonly intervalMs: number;
  readonly timeoutMs: number;

  constructor(
    private readonly transport: PrinterTransport,
    opts: StatusPollerOptions = {},
  ) {
    super();
    this.intervalMs = opts.intervalMs ?? 5_000;
    this.timeoutMs = opts.timeoutMs ?? 1_000;
  }

  get current(): PrinterStatus | null {
    return this.last;
  }

  start(): this {
    if (this.running) return this;
    this.running = true;
    void this.tick();
    return this;
  }

  stop(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** One poll now (also what the timer runs). Never rejects. */
  async pollOnce(): Promise<PrinterStatus> {
    let st: PrinterStatus;
    let timer: NodeJS.Timeout | undefined;
    try {
      // The transport has its own timeout; this one also covers waiting behind a long print job.
      st = await Promise.race([
        this.transport.status(this.timeoutMs),
        new Promise<PrinterStatus>((resolve) => {
          timer = setTimeout(() => resolve(noAnswerStatus(this.timeoutMs)), this.timeoutMs * 2 + 100);
        }),
      ]);
    } catch (e) {
      st = { state: 'unreachable', coverOpen: false, paper: 'unknown', error: null, summary: (e as Error).message, raw: [] };
    } finally {
      clearTimeout(timer);
    }
    const prev = this.last;
    this.last = st;
    this.emit('status', st);
    if (!prev || prev.summary !== st.summary || prev.state !== st.state) this.emit('change', st, prev);
    return st;
  }

  private async tick(): Promise<void> {
    if (!this.running) return;
    await this.pollOnce();
    // Next poll is scheduled after this one ends, so slow printers never pile up requests.
    if (this.running) this.timer = setTimeout(() => void this.tick(), this.intervalMs);
  }
}
