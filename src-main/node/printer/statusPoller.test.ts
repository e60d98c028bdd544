import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import type { PrinterStatus } from './status';
import { StatusPoller } from './statusPoller';
import { openTransport } from './transport';

test('the poller emits a change when the printer goes away and when it comes back, not on every poll', async () => {
  const root = mkdtempSync(join(tmpdir(), 'madoguchi-poll-'));
  const dir = join(root, 'spool');
  mkdirSync(dir);
  const poller = new StatusPoller(openTransport(`file:${dir}`), { intervalMs: 20, timeoutMs: 500 });
  const changes: PrinterStatus[] = [];
  let polls = 0;
  poller.on('change', (s) => changes.push(s));
  poller.on('status', () => polls++);
  const waitFor = async (cond: () => boolean) => {
    for (let i = 0; i < 500 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
    expect(cond()).toBe(true);
  };
  poller.start();
  await waitFor(() => polls >= 3);
  expect(changes.map((c) => c.state)).toEqual(['online']);
  // A plain file where the folder should be: the file printer cannot recreate its folder.
  rmSync(dir, { recursive: true });
  writeFileSync(dir, 'in the way');
  await waitFor(() => changes.length === 2);
  expect(changes[1]!.state).toBe('unreachable');
  expect(changes[1]!.summary).toContain(dir);
  rmSync(dir);
  await waitFor(() => changes.length === 3);
  expect(changes[2]!.state).toBe('online');
  poller.stop();
  await new Promise((r) => setTimeout(r, 30)); // a poll already under way may still finish
  const after = polls;
  await new Promise((r) => setTimeout(r, 80));
  expect(polls).toBe(after);
  expect(poller.current?.state).toBe('online');
  rmSync(root, { recursive: true, force: true });
});
