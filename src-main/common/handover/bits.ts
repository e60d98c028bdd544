/**
 * A bit-level writer/reader for the hand-over code. Packing the facts bit by bit keeps a typical
 * household under ~40 bytes, so the QR stays small enough for a phone screen and a cheap scanner.
 */
export class BitWriter {
  private bits: number[] = [];

  write(value: number, width: number): void {
    if (!Number.isInteger(value) || value < 0 || value >= 2 ** width) throw new RangeError(`value ${value} does not fit in ${width} bits`);
    for (let i = width - 1; i >= 0; i--) this.bits.push(Math.floor(value / 2 ** i) % 2);
  }

  /** Unsigned number of any size: 3 value bits per group, then a "more follows" bit. */
  writeUvar(value: number): void {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`not a count: ${value}`);
    const groups: number[] = [];
    let v = value;
    do {
      groups.unshift(v % 8);
      v = Math.floor(v / 8);
    } while (v > 0);
    groups.forEach((g, i) => {
      this.write(g, 3);
      this.write(i < groups.length - 1 ? 1 : 0, 1);
    });
  }

  bytes(): Uint8Array {
    const out = new Uint8Array(Math.ceil(this.bits.length / 8));
    this.bits.forEach((b, i) => {
      if (b) out[i >> 3]! |= 0x80 >> (i & 7);
    });
    return out;
  }
}

export class BitReader {
  private at = 0;
  constructor(private readonly data: Uint8Array) {}

  read(width: number): number {
    let v = 0;
    for (let i = 0; i < width; i++) {
      if (this.at >= this.data.length * 8) throw new RangeError('the code ends too early');
      const bit = (this.data[this.at >> 3]! >> (7 - (this.at & 7))) & 1;
      v = v * 2 + bit;
      this.at++;
    }
    return v;
  }

  readUvar(): number {
    let v = 0;
    for (let n = 0; n < 18; n++) {
      v = v * 8 + this.read(3);
      if (this.read(1) === 0) return v;
    }
    throw new RangeError('a count in the code is too long');
  }

  /** Only zero padding may follow the last field: anything else means the code was altered. */
  onlyPaddingLeft(): boolean {
    const total = this.data.length * 8;
    if (total - this.at >= 8) return false;
    while (this.at < total) if (this.read(1) !== 0) return false;
    return true;
  }
}

/** CRC-16/CCITT-FALSE: catches a mistyped or half-scanned code before any fact is believed. */
export function crc16(data: Uint8Array): number {
  let crc = 0xffff;
  for (const byte of data) {
    crc ^= byte << 8;
    for (let i = 0; i < 8; i++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/**
 * RFC 4648 base32 without padding. Upper-case letters and digits only: a QR stores them in its
 * compact alphanumeric mode, and a USB scanner types them the same on a US or a JIS keyboard
 * layout (base64's `_`, `+` and `/` sit on different keys there).
 */
export function toBase32(data: Uint8Array): string {
  let out = '';
  let buf = 0;
  let n = 0;
  for (const byte of data) {
    buf = (buf << 8) | byte;
    n += 8;
    while (n >= 5) {
      out += B32[(buf >> (n - 5)) & 31];
      n -= 5;
    }
    buf &= (1 << n) - 1;
  }
  if (n > 0) out += B32[(buf << (5 - n)) & 31];
  return out;
}

/** Null when a character is not base32 (case-insensitive: a scanner with Caps Lock on still reads). */
export function fromBase32(text: string): Uint8Array | null {
  const out: number[] = [];
  let buf = 0;
  let n = 0;
  for (const ch of text.toUpperCase()) {
    const v = B32.indexOf(ch);
    if (v < 0) return null;
    buf = (buf << 5) | v;
    n += 5;
    if (n >= 8) {
      out.push((buf >> (n - 8)) & 0xff);
      n -= 8;
    }
    buf &= (1 << n) - 1;
  }
  // Leftover bits must be fewer than one character and zero: otherwise toBase32 did not write it.
  if (n >= 5 || buf !== 0) return null;
  return Uint8Array.from(out);
}
