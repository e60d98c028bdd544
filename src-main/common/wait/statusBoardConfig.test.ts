import { describe, expect, it } from 'vitest';
import { AppError } from '../errors';
import { parseConfig } from '../config/schema';

const base = { node: { id: 'kiosk-east' }, stations: [{ id: 'east', name: '東口', range: { from: 1001, to: 1999 } }], terminals: [{ id: 'kiosk-east', role: 'kiosk', station: 'east' }] };

describe('config: statusBoard (the status relay the ticket QR opens)', () => {
  it('is optional and takes an http(s) URL', () => {
    expect(parseConfig(base).statusBoard).toBeUndefined();
    expect(parseConfig({ ...base, statusBoard: { url: 'https://status.city.example' } }).statusBoard).toEqual({ url: 'https://status.city.example' });
  });

  it.each([
    [{ url: 'not a url' }, /statusBoard\.url/],
    [{ url: 'ftp://status.city.example' }, /statusBoard\.url: must be an http/],
    [{}, /statusBoard\.url/],
  ])('refuses %j naming the field', (statusBoard, msg) => {
    let err: unknown;
    try {
      parseConfig({ ...base, statusBoard });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).field).toBe('statusBoard.url');
    expect((err as AppError).message).toMatch(msg);
  });
});
