import type { ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/tmp';
import { CLI, REPO, runCliProcess, terminalConfig, tsxProcess, type TerminalDef } from './sync-support';

/**
 * Acceptance of the public wait board, with real processes on loopback: a `status-relay`, a
 * `sync-server … --publish`, a kiosk issuing tickets with `ticket issue` and pushing them with
 * `sync once`, and a counter process that calls one of them. The relay must show that number
 * called at that counter within 10 s, and nothing personal.
 */
const KEY = 'acceptance-publish-key-2026';
const { dir, cleanup } = tempDir('madoguchi-status-board-');
const procs: ChildProcess[] = [];
afterAll(async () => {
  if (process.env.KEEP_STATUS_BOARD) console.log('kept', dir);
  for (const p of procs) if (p.exitCode === null) p.kill('SIGTERM');
  await Promise.all(procs.map((p) => (p.exitCode !== null ? null : new Promise((ok) => p.once('exit', ok)))));
  if (!process.env.KEEP_STATUS_BOARD) cleanup();
});

function startProcess(args: string[], ready: RegExp): Promise<{ proc: ChildProcess; match: RegExpExecArray; stderr: string[] }> {
  const proc = tsxProcess([CLI, ...args]);
  procs.push(proc);
  const stderr: string[] = [];
  proc.stderr!.setEncoding('utf8').on('data', (d: string) => stderr.push(d));
  return new Promise((ok, fail) => {
    let out = '';
    const timer = setTimeout(() => fail(new Error(`${args[0]} did not start: ${stderr.join('')}`)), 60_000);
    proc.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const m = ready.exec(out);
      if (m) {
        clearTimeout(timer);
        ok({ proc, match: m, stderr });
      }
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`${args[0]} exited with ${code}: ${stderr.join('')}`));
    });
  });
}

async function enroll(serverDir: string, id: string, role: string): Promise<string> {
  const r = await runCliProcess(['sync-server', 'enroll', '--data', serverDir, '--terminal', id, '--role', role, '--format', 'json']);
  expect(r.code, r.err).toBe(0);
  return (JSON.parse(r.out) as { token: string }).token;
}

describe('public wait board, end to end on loopback', () => {
  it('issues tickets, a counter calls one, and the relay shows that number called at that counter — nothing personal', async () => {
    const serverDir = join(dir, 'server');
    mkdirSync(serverDir, { recursive: true });
    const kioskTok = await enroll(serverDir, 'kiosk-east-1', 'kiosk');
    const counterTok = await enroll(serverDir, 'counter-shimin-3', 'counter');

    const relay = await startProcess(['status-relay', '--port', '0', '--key', KEY], /status relay: (http:\/\/127\.0\.0\.1:\d+)/);
    const relayUrl = relay.match[1]!;
    const server = await startProcess(
      ['sync-server', '--port', '0', '--insecure-http', '--data', serverDir, '--publish', `${relayUrl}/publish`, '--publish-key', KEY, '--publish-interval', '1'],
      /sync server: (http:\/\/127\.0\.0\.1:\d+)/,
    );
    const serverUrl = server.match[1]!;

    const stations = [{ id: 'east', from: 1001, to: 1999 }];
    const kioskDef: TerminalDef = { id: 'kiosk-east-1', role: 'kiosk', site: 'honcho', station: 'east' };
    const counterDef: TerminalDef = { id: 'counter-shimin-3', role: 'counter', site: 'honcho', department: 'shimin', counter: '3' };
    const kioskDir = join(dir, 'kiosk');
    const counterDir = join(dir, 'counter');
    for (const [d, def, token] of [[kioskDir, kioskDef, kioskTok], [counterDir, counterDef, counterTok]] as const) {
      mkdirSync(d, { recursive: true });
      const cfg = { ...terminalConfig(def, stations, { server: serverUrl, token }), statusBoard: { url: relayUrl } };
      writeFileSync(join(d, 'config.json'), JSON.stringify(cfg, null, 2));
    }

    const printed = join(dir, 'printed');
    const issued = await runCliProcess(['ticket', 'issue', '--data', kioskDir, '--event', 'moving-in', '--count', '3', '--lang', 'vi', '--printer', `file:${printed}`]);
    expect(issued.code, issued.err).toBe(0);
    const tickets = issued.out.trim().split('\n').map((l) => JSON.parse(l) as { number: number; visitId: string; estimatedWaitMinutes: number | null });
    expect(tickets).toHaveLength(3);
    for (const t of tickets) expect(typeof t.estimatedWaitMinutes).toBe('number');
    // The printed ticket carries the status QR: the relay's page for that number, in the ticket's language.
    const job = readdirSync(printed).sort()[0]!;
    expect(readFileSync(join(printed, job)).toString('latin1')).toContain(`${relayUrl}/s/honcho/${tickets[0]!.number}?lang=vi`);

    const pushed = await runCliProcess(['sync', 'once', '--data', kioskDir]);
    expect(pushed.code, pushed.err).toBe(0);

    const target = tickets[1]!;
    const counter = tsxProcess([resolve(REPO, 'tests/integration/status-counter-proc.ts'), counterDir, String(target.number)]);
    procs.push(counter);
    let out = '';
    let err = '';
    counter.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
    counter.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
    const code = await new Promise<number | null>((ok) => counter.once('exit', ok));
    expect(code, err).toBe(0);
    expect(out).toContain(`called ${target.number} 3`);

    // Within 10 s of the call, the relay shows it (published every second).
    const deadline = Date.now() + 10_000;
    let body = '';
    let status: Record<string, unknown> = {};
    while (Date.now() < deadline) {
      const r = await fetch(`${relayUrl}/status/honcho/${target.number}.json`);
      body = await r.text();
      status = JSON.parse(body) as Record<string, unknown>;
      if (status.state === 'called') break;
      await new Promise((ok) => setTimeout(ok, 200));
    }
    expect(status, `${body}\n${server.stderr.join('')}\n${relay.stderr.join('')}`).toMatchObject({ site: 'honcho', number: target.number, state: 'called', counter: '3' });
    expect(Object.keys(status).sort()).toEqual(['ahead', 'counter', 'estimateMinutes', 'number', 'site', 'state', 'updatedAt']);

    // The others still wait, with how many are ahead and an estimate; nothing identifies anybody.
    const other = (await (await fetch(`${relayUrl}/status/honcho/${tickets[2]!.number}.json`)).json()) as Record<string, unknown>;
    expect(other).toMatchObject({ state: 'waiting', counter: null });
    expect(typeof other.ahead).toBe('number');
    expect(typeof other.estimateMinutes).toBe('number');
    for (const text of [body, JSON.stringify(other)]) {
      for (const t of tickets) expect(text).not.toContain(t.visitId);
      expect(text).not.toMatch(/moving-in|tennyu|kiosk|east|shimin|test-clerk|"lang"|"facts"/);
    }
    const page = await fetch(`${relayUrl}/s/honcho/${target.number}?lang=vi`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Đang gọi bạn');
  }, 180_000);
});
