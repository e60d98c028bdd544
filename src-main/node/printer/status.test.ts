import { describe, expect, test } from 'vitest';
import { isStatusByte, parseStatusBytes } from './status';

describe('DLE EOT status parsing', () => {
  test('healthy printer', () => {
    const s = parseStatusBytes([0x12, 0x12, 0x12, 0x12]);
    expect(s).toMatchObject({ state: 'online', coverOpen: false, paper: 'ok', error: null, summary: 'online' });
  });
  test('cover open makes the printer offline', () => {
    const s = parseStatusBytes([0x12 | 0x08, 0x12 | 0x04, 0x12, 0x12]);
    expect(s).toMatchObject({ state: 'offline', coverOpen: true, summary: 'cover open' });
  });
  test('paper near end keeps printing; paper out stops', () => {
    expect(parseStatusBytes([0x12, 0x12, 0x12, 0x12 | 0x0c])).toMatchObject({ state: 'online', paper: 'near-end', summary: 'paper near end' });
    expect(parseStatusBytes([0x1a, 0x32, 0x12, 0x7e])).toMatchObject({ state: 'offline', paper: 'out', summary: 'paper out' });
  });
  test('errors', () => {
    expect(parseStatusBytes([0x1a, 0x52, 0x1a, 0x12])).toMatchObject({ state: 'offline', error: 'cutter' });
    expect(parseStatusBytes([0x1a, 0x52, 0x32, 0x12])).toMatchObject({ error: 'unrecoverable' });
    expect(parseStatusBytes([0x1a, 0x52, 0x52, 0x12])).toMatchObject({ error: 'auto-recoverable' });
  });
  test('offline with no cause given', () => {
    expect(parseStatusBytes([0x1a])).toMatchObject({ state: 'offline', paper: 'unknown', summary: 'offline' });
  });
  test('status byte shape', () => {
    expect(isStatusByte(0x12)).toBe(true);
    expect(isStatusByte(0x7e)).toBe(true);
    expect(isStatusByte(0x41)).toBe(false);
    expect(isStatusByte(0x92)).toBe(false);
  });
});
