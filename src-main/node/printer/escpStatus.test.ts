import { describe, expect, it } from 'vitest';
import { escpReplyComplete, escpReplyFields, escpStatusRequest, parseEscpStatusReply, parseUsbPortStatus } from './escpStatus';

const text = (s: string) => Buffer.from(s, 'latin1');
/** "@BDC ST2\r\n", a 2-byte length, then fields (type, length, value). */
function st2(fields: Array<[number, number[]]>): Buffer {
  const body = Buffer.concat(fields.map(([t, v]) => Buffer.from([t, v.length, ...v])));
  const len = Buffer.alloc(2);
  len.writeUInt16LE(body.length);
  return Buffer.concat([text('\0@BDC ST2\r\n'), len, body]);
}

describe('ESC/P status (remote mode)', () => {
  it('asks in remote mode and leaves it again, moving no paper', () => {
    const req = escpStatusRequest();
    expect(req.toString('hex')).toBe('1b285208000052454d4f544531' + '5354' + '02000001' + '1b000000');
    expect(req.includes(Buffer.from([0x0c]))).toBe(false); // no form feed
    expect(req.includes(Buffer.from([0x1b, 0x40]))).toBe(false); // no ESC @: the printer's settings stay
  });

  it('reads the text reply: idle is online, paper out and cover open are named', () => {
    expect(parseEscpStatusReply(text('@BDC ST\r\nST:04;\f'), 1000)).toMatchObject({ state: 'online', summary: 'online', paper: 'ok', raw: [4] });
    expect(parseEscpStatusReply(text('@BDC ST\r\nST:02;\f'), 1000)).toMatchObject({ state: 'online', summary: 'online (busy)' });
    expect(parseEscpStatusReply(text('@BDC ST\r\nST:00;ER:06;\f'), 1000)).toMatchObject({ state: 'offline', paper: 'out', summary: 'paper out', raw: [0, 6] });
    expect(parseEscpStatusReply(text('@BDC ST\r\nST:00;ER:02;\f'), 1000)).toMatchObject({ state: 'offline', coverOpen: true, summary: 'cover open' });
    expect(parseEscpStatusReply(text('@BDC ST\r\nST:00;ER:04;\f'), 1000)).toMatchObject({ state: 'offline', summary: 'paper jam', error: 'other' });
    expect(parseEscpStatusReply(text('@BDC ST\r\nST:05;\f'), 1000)).toMatchObject({ state: 'offline', summary: 'paused (offline on the panel)' });
    expect(parseEscpStatusReply(text('@BDC ST\r\nST:00;ER:7A;\f'), 1000)).toMatchObject({ state: 'offline', summary: 'error code 7a' });
  });

  it('reads the binary ST2 reply of newer models', () => {
    const reply = st2([[0x01, [0x00]], [0x02, [0x06]], [0x19, [0x41, 0x42]]]);
    expect(escpReplyComplete(reply)).toBe(true);
    expect(escpReplyComplete(reply.subarray(0, reply.length - 1))).toBe(false);
    expect(escpReplyFields(reply)).toEqual({ st: 0, er: 6 });
    expect(parseEscpStatusReply(st2([[0x01, [0x04]]]), 1000).state).toBe('online');
  });

  it('knows when a text reply is whole, also after bytes that came before it', () => {
    expect(escpReplyComplete(text('@BDC ST\r\nST:04;'))).toBe(false);
    expect(escpReplyComplete(text('xx@BDC ST\r\nST:04;ER:06;\f'))).toBe(true);
    expect(escpReplyComplete(text('@BDC ST\r\nST:04;IQ:101010;\r\n'))).toBe(true);
    expect(escpReplyComplete(Buffer.alloc(0))).toBe(false);
  });

  it('silence or garbage is no answer, never online', () => {
    expect(parseEscpStatusReply(Buffer.alloc(0), 800)).toMatchObject({ state: 'no-answer', summary: 'no ESC/P status answer within 800 ms' });
    expect(parseEscpStatusReply(text('\x12\x12'), 800).state).toBe('no-answer');
    expect(parseEscpStatusReply(text('@BDC ST\r\nIQ:10;'), 800).state).toBe('no-answer');
  });
});

describe('USB printer class port status', () => {
  it('reads paper empty, selected and no-error bits', () => {
    expect(parseUsbPortStatus(0x18)).toMatchObject({ state: 'online', paper: 'ok' });
    expect(parseUsbPortStatus(0x38)).toMatchObject({ state: 'offline', paper: 'out', summary: 'paper out' });
    expect(parseUsbPortStatus(0x08)).toMatchObject({ state: 'offline', summary: 'offline' });
    expect(parseUsbPortStatus(0x10)).toMatchObject({ state: 'offline', summary: 'error', error: 'other' });
  });
});
