import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../../tests/support/tmp';
import { AppError } from '../../common/errors';
import type { TerminalProfile } from '../../common/config/schema';
import { LOCK_MINUTES, MAX_FAILURES, StaffDirectory } from './staff';
import { KDF } from './pin';
import { migration } from '../store/migrations/003-staff';

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((f) => f()));

const counter: TerminalProfile = { id: 'counter-shimin-1', role: 'counter', department: 'shimin', counter: '1', printers: {}, kioskMode: false };

function open(clock: () => number = Date.now) {
  const t = tempDir();
  cleanups.push(t.cleanup);
  const db = new Database(join(t.dir, 'db.sqlite'));
  cleanups.unshift(() => db.close());
  return { db, dir: new StaffDirectory(db, clock) };
}

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof AppError ? e.code : 'not-app-error';
  }
  return undefined;
}

async function codeAsync(fn: () => Promise<unknown>): Promise<string | undefined> {
  try {
    await fn();
  } catch (e) {
    return e instanceof AppError ? e.code : 'not-app-error';
  }
  return undefined;
}

describe('staff sign-in', () => {
  it('migration 003 is version 3 named staff', () => {
    expect(migration).toMatchObject({ version: 3, slug: 'staff' });
  });

  it('stores only a salted scrypt hash: two staff with the same PIN have different salts and hashes', () => {
    const { db, dir } = open();
    dir.add({ id: 'a1', name: 'A', role: 'counter', department: 'shimin', pin: '4321' });
    dir.add({ id: 'b1', name: 'B', role: 'counter', department: 'shimin', pin: '4321' });
    const rows = db.prepare('SELECT pin_salt, pin_hash, kdf FROM staff').all() as Array<{ pin_salt: Buffer; pin_hash: Buffer; kdf: string }>;
    expect(rows[0]!.kdf).toBe(`scrypt:N=${KDF.N},r=8,p=1,len=32`);
    expect(rows[0]!.pin_salt.equals(rows[1]!.pin_salt)).toBe(false);
    expect(rows[0]!.pin_hash.equals(rows[1]!.pin_hash)).toBe(false);
    expect(rows[0]!.pin_hash.toString('latin1')).not.toContain('4321');
  });

  it('names the field for bad input and refuses a duplicate id', () => {
    const { dir } = open();
    const field = (input: Parameters<StaffDirectory['add']>[0]) => {
      try {
        dir.add(input);
      } catch (e) {
        return (e as AppError).field;
      }
      return undefined;
    };
    const ok = { id: 'x1', name: 'X', role: 'counter', department: 'shimin', pin: '1234' };
    expect(field({ ...ok, id: 'bad id' })).toBe('id');
    expect(field({ ...ok, role: 'boss' })).toBe('role');
    expect(field({ ...ok, department: 'Shimin!' })).toBe('department');
    expect(field({ ...ok, pin: '12' })).toBe('pin');
    expect(field({ ...ok, pin: '12ab' })).toBe('pin');
    expect(field(ok)).toBeUndefined();
    expect(code(() => dir.add(ok))).toBe('conflict');
  });

  it('signs in, resolves the token (stored only as a digest), signs out', async () => {
    const { db, dir } = open();
    dir.add({ id: 'a1', name: '市民 花子', role: 'counter', department: 'shimin', pin: '4321' });
    const s = await dir.signIn('a1', '4321', counter);
    expect(s.staff).toMatchObject({ id: 'a1', role: 'counter', department: 'shimin' });
    expect(dir.resolve(s.token)).toMatchObject({ id: 'a1', name: '市民 花子', role: 'counter', department: 'shimin', terminal: 'counter-shimin-1' });
    const stored = db.prepare('SELECT token_hash FROM staff_sessions').pluck().all() as string[];
    expect(stored).toHaveLength(1);
    expect(stored[0]).not.toBe(s.token);
    expect(dir.resolve('not-a-token')).toBeUndefined();
    dir.signOut(s.token);
    expect(dir.resolve(s.token)).toBeUndefined();
  });

  it(`locks the id after ${MAX_FAILURES} wrong PINs for ${LOCK_MINUTES} minutes, even for the right PIN; then opens again`, async () => {
    let now = Date.parse('2026-04-01T00:00:00Z');
    const { dir } = open(() => now);
    dir.add({ id: 'a1', name: 'A', role: 'counter', department: 'shimin', pin: '4321' });
    for (let i = 1; i < MAX_FAILURES; i++) expect(await codeAsync(() => dir.signIn('a1', '0000', counter))).toBe('unauthenticated');
    expect(await codeAsync(() => dir.signIn('a1', '0000', counter))).toBe('locked-out');
    expect(await codeAsync(() => dir.signIn('a1', '4321', counter))).toBe('locked-out');
    expect(dir.get('a1')?.lockedUntil).toBe('2026-04-01T00:15:00.000Z');
    now += LOCK_MINUTES * 60_000 - 1000;
    expect(await codeAsync(() => dir.signIn('a1', '4321', counter))).toBe('locked-out');
    now += 2000;
    expect((await dir.signIn('a1', '4321', counter)).staff.id).toBe('a1');
    // A success resets the count: four more failures do not lock.
    for (let i = 1; i < MAX_FAILURES; i++) expect(await codeAsync(() => dir.signIn('a1', '9999', counter))).toBe('unauthenticated');
    expect((await dir.signIn('a1', '4321', counter)).staff.id).toBe('a1');
  });

  it('an unknown id fails like a wrong PIN; sessions expire after 12 hours; roles and departments gate the terminal', async () => {
    let now = Date.parse('2026-04-01T00:00:00Z');
    const { dir } = open(() => now);
    expect(await codeAsync(() => dir.signIn('ghost', '1234', counter))).toBe('unauthenticated');
    dir.add({ id: 'k1', name: 'K', role: 'counter', department: 'kaigo', pin: '1111' });
    dir.add({ id: 'c1', name: 'C', role: 'concierge', department: 'shimin', pin: '1111' });
    dir.add({ id: 's1', name: 'S', role: 'supervisor', department: 'shimin', pin: '1111' });
    expect(await codeAsync(() => dir.signIn('k1', '1111', counter))).toBe('forbidden');
    expect(await codeAsync(() => dir.signIn('c1', '1111', counter))).toBe('forbidden');
    const kiosk: TerminalProfile = { id: 'kiosk-east', role: 'kiosk', station: 'east', printers: {}, kioskMode: false };
    expect(dir.resolve((await dir.signIn('c1', '1111', kiosk)).token)?.role).toBe('kiosk');
    const s = await dir.signIn('s1', '1111', counter);
    now += 12 * 3_600_000 - 1;
    expect(dir.resolve(s.token)).toBeDefined();
    now += 2;
    expect(dir.resolve(s.token)).toBeUndefined();
  });

  it('locks an id per device: wrong PINs from one device do not lock the clerk out at their own counter', async () => {
    const { dir } = open();
    dir.add({ id: 'a1', name: 'A', role: 'counter', department: 'shimin', pin: '4321' });
    for (let i = 1; i < MAX_FAILURES; i++) expect(await codeAsync(() => dir.signIn('a1', '0000', counter, 'stranger'))).toBe('unauthenticated');
    expect(await codeAsync(() => dir.signIn('a1', '0000', counter, 'stranger'))).toBe('locked-out');
    expect(await codeAsync(() => dir.signIn('a1', '4321', counter, 'stranger'))).toBe('locked-out');
    const s = await dir.signIn('a1', '4321', counter, 'counter-pc');
    expect(dir.resolve(s.token)).toMatchObject({ terminal: 'counter-shimin-1', device: 'counter-pc' });
  });

  it('parallel wrong PINs on one device cannot slip past the lock-out (counted before the check)', async () => {
    const { dir } = open();
    dir.add({ id: 'a1', name: 'A', role: 'counter', department: 'shimin', pin: '4321' });
    const codes = await Promise.all(Array.from({ length: 12 }, () => codeAsync(() => dir.signIn('a1', '0000', counter, 'd1'))));
    expect(codes.filter((c) => c === 'unauthenticated')).toHaveLength(MAX_FAILURES - 1);
    expect(codes.filter((c) => c === 'locked-out')).toHaveLength(12 - (MAX_FAILURES - 1));
  });
});
