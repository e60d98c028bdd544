import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loggedIO } from './appLog';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('loggedIO', () => {
  it('writes <data>/logs/app.log: a start line, every printed line with its level, a stop line; still prints', () => {
    const data = mkdtempSync(join(tmpdir(), 'madoguchi-log-'));
    dirs.push(data);
    const out: string[] = [];
    const err: string[] = [];
    const io = loggedIO({ out: (l) => out.push(l), err: (l) => err.push(l), readStdin: async () => '' }, data, 'web');
    io.out('Madoguchi browser mode: http://127.0.0.1:8080/');
    io.err('printer: paper out');
    io.stop(0);
    expect(out).toEqual(['Madoguchi browser mode: http://127.0.0.1:8080/']);
    expect(err).toEqual(['printer: paper out']);
    const lines = readFileSync(join(data, 'logs', 'app.log'), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^\d{4}-\d{2}-\d{2}T\S+Z INFO  web started \(pid \d+/);
    expect(lines[1]).toMatch(/ INFO  Madoguchi browser mode: http:\/\/127\.0\.0\.1:8080\/$/);
    expect(lines[2]).toMatch(/ WARN  printer: paper out$/);
    expect(lines[3]).toMatch(/ INFO  web stopped \(exit 0\)$/);
  });
});
