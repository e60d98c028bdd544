/**
 * The bytes of one pull answer, written in place into a buffer kept from one answer to the next.
 *
 * A 2,000-event page is about 800 KB. Built as one string and then encoded, it needed two fresh
 * allocations of that size per page (the flattened string and its UTF-8 Buffer), and on these
 * machines the first touch of fresh memory is what costs: about 11 µs per 4 KiB page. A
 * 50,000-event catch-up made the server fault in some 6,000 pages that way (1,400 now, all told).
 * Written here, the same bytes land in memory the process already holds.
 *
 * Only JSON text is written: JSON.stringify output and payload text the stores wrote with it. Such
 * text holds no lone surrogate (JSON.stringify escapes them), so its UTF-8 is exact.
 */
export class PageBytes {
  private buf: Buffer;
  private used = 0;

  constructor(initialBytes = 64 * 1024) {
    this.buf = Buffer.allocUnsafe(initialBytes);
  }

  /** Appends text as UTF-8. */
  write(text: string): void {
    // A UTF-16 unit never takes more than 3 bytes (a surrogate pair: 4 for 2 units).
    const worst = this.used + text.length * 3;
    if (worst > this.buf.length) this.grow(worst);
    this.used += this.buf.write(text, this.used);
  }

  /** Appends bytes as they are (a received answer's chunks). */
  append(chunk: Uint8Array): void {
    if (this.used + chunk.length > this.buf.length) this.grow(this.used + chunk.length);
    this.buf.set(chunk, this.used);
    this.used += chunk.length;
  }

  /** Forgets what was written (the buffer is kept for the next answer). */
  clear(): void {
    this.used = 0;
  }

  get length(): number {
    return this.used;
  }

  /** The bytes in the buffer (not a copy: valid until the next write or clear). */
  bytes(): Buffer {
    return this.buf.subarray(0, this.used);
  }

  text(): string {
    return this.buf.toString('utf8', 0, this.used);
  }

  /** The memory held, written or not. */
  get capacity(): number {
    return this.buf.length;
  }

  private grow(atLeast: number): void {
    const next = Buffer.allocUnsafe(Math.max(atLeast, this.buf.length * 2));
    this.buf.copy(next, 0, 0, this.used);
    this.buf = next;
  }
}

/**
 * Page buffers for answers in flight. On the server, an answer's buffer is lent while the socket
 * still sends it and comes back once the response has handed its last byte to the operating
 * system; a response that closes before that keeps it (it is dropped, never reused while a write
 * may still read it). On a terminal, an answer is received into one and decoded from it.
 */
export class PageBytesPool {
  private readonly free: PageBytes[] = [];

  /** `keep` buffers are kept, none larger than `largestKeptBytes` (a rare huge page is not held for good). */
  constructor(
    private readonly keep = 4,
    private readonly largestKeptBytes = 8 * 1024 * 1024,
  ) {}

  take(): PageBytes {
    const page = this.free.pop() ?? new PageBytes();
    page.clear();
    return page;
  }

  give(page: PageBytes): void {
    if (this.free.length < this.keep && page.capacity <= this.largestKeptBytes && !this.free.includes(page)) this.free.push(page);
  }

  /** Buffers waiting to be lent (for tests). */
  get idle(): number {
    return this.free.length;
  }
}
