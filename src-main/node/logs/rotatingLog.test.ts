import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../../tests/support/tmp';
import { RotatingLog } from './rotatingLog';

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));
function folder(): string {
  const t = tempDir('madoguchi-log-');
  cleanups.push(t.cleanup);
  return join(t.dir, 'logs');
}

describe('RotatingLog', () => {
  it('writes one line per entry with time and level, escaping newlines, appending across restarts', () => {
    const dir = folder();
    const at = Date.parse('2026-04-01T00:30:00Z');
    const log = new RotatingLog({ dir, name: 'app', clock: () => at });
    log.info('started');
    log.error('renderer gone', new Error('boom\nsecond line'));
    log.close();
    const again = new RotatingLog({ dir, name: 'app', clock: () => at });
    again.warn('again', { port: 'COM3' });
    again.close();
    const lines = readFileSync(join(dir, 'app.log'), 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe('2026-04-01T00:30:00.000Z INFO  started');
    expect(lines[1]).toMatch(/^2026-04-01T00:30:00\.000Z ERROR renderer gone Error: boom\\nsecond line\\n {4}at /);
    expect(lines[2]).toBe('2026-04-01T00:30:00.000Z WARN  again {"port":"COM3"}');
  });

  it('rotates at the size limit and keeps only the newest files', () => {
    const dir = folder();
    const log = new RotatingLog({ dir, name: 'app', maxBytes: 200, keep: 2 });
    for (let i = 0; i < 40; i++) log.info(`line ${String(i).padStart(3, '0')} ${'x'.repeat(20)}`);
    log.close();
    expect(readdirSync(dir).sort()).toEqual(['app.1.log', 'app.2.log', 'app.log']);
    for (const f of readdirSync(dir)) expect(readFileSync(join(dir, f)).length).toBeLessThanOrEqual(200);
    // Newest in app.log, the one before in app.1.log; nothing is split across files.
    const cur = readFileSync(join(dir, 'app.log'), 'utf8');
    const prev = readFileSync(join(dir, 'app.1.log'), 'utf8');
    expect(cur).toContain('line 039');
    const lastPrev = Number(/line (\d+)/.exec(prev.trimEnd().split('\n').at(-1)!)![1]);
    const firstCur = Number(/line (\d+)/.exec(cur.split('\n')[0]!)![1]);
    expect(firstCur).toBe(lastPrev + 1);
    expect(existsSync(join(dir, 'app.3.log'))).toBe(false);
    expect(readFileSync(join(dir, 'app.2.log'), 'utf8')).not.toContain('line 000');
  });
});
