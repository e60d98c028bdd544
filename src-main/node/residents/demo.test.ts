import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ensureDemoSetup, openTerminal, type Terminal } from '../terminal/dataFolder';
import { cliReader } from './cliReader';
import { DEMO_IMPORT_ACTOR, DEMO_LINKAGE, keepDemoResidents, seedDemoResidents } from './demo';
import { decodeLinkage, Residents } from './residents';

const dirs: string[] = [];
const opened: Terminal[] = [];
afterEach(() => {
  for (const t of opened.splice(0)) t.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function demoFolder(edit?: (cfg: Record<string, unknown>) => void): string {
  const dir = mkdtempSync(join(tmpdir(), 'madoguchi-demo-residents-'));
  dirs.push(dir);
  ensureDemoSetup(dir);
  if (edit) {
    const file = join(dir, 'config.json');
    const cfg = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    edit(cfg);
    writeFileSync(file, JSON.stringify(cfg));
  }
  return dir;
}

function open(dir: string, clock: () => number): Terminal {
  const t = openTerminal(dir, { clock });
  opened.push(t);
  return t;
}

const demoRows = readFileSync(DEMO_LINKAGE, 'utf8').trim().split('\n').length - 1;
const HOUR = 3_600_000;

describe('demo resident data', () => {
  it('is imported on the first start of the demo terminal, and audited', () => {
    let now = Date.parse('2026-11-26T00:30:00Z');
    const t = open(demoFolder(), () => now);
    const first = seedDemoResidents(t);
    expect(first.action).toBe('imported');
    expect(first.report?.rows).toBe(demoRows);
    const r = new Residents(t.store, t.config);
    expect(r.counts().residents).toBe(demoRows);
    expect(r.counts().households).toBeGreaterThanOrEqual(400);
    const audit = t.store.db.prepare("SELECT actor, detail FROM audit_log WHERE action = 'import'").all() as Array<{ actor: string; detail: string }>;
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actor).toBe(DEMO_IMPORT_ACTOR);
    expect(audit[0]!.detail).toContain('demo-residents.csv');
    now += HOUR;
    expect(seedDemoResidents(t).action).toBe('refreshed');
    expect(r.counts().residents).toBe(demoRows);
  });

  it('survives the expiry: a start after ttlHours finds the data purged and imports it again, and a refresh restarts the clock', () => {
    const dir = demoFolder();
    let now = Date.parse('2026-11-26T00:30:00Z');
    const t = open(dir, () => now);
    const ttl = (t.config.residentAccess?.ttlHours ?? 12) * HOUR;
    seedDemoResidents(t);
    const r = new Residents(t.store, t.config);
    // Refreshed just before expiry: the purge a little after the first import's ttl removes nothing.
    now += ttl - HOUR;
    expect(seedDemoResidents(t).action).toBe('refreshed');
    now += 2 * HOUR;
    expect(r.purgeExpired()).toBe(0);
    expect(r.counts().residents).toBe(demoRows);
    // Left alone past its ttl the data is purged (as the expiry requires) …
    now += ttl + HOUR;
    expect(r.purgeExpired()).toBe(demoRows);
    expect(r.counts().residents).toBe(0);
    // … and the next start brings it back.
    expect(seedDemoResidents(t).action).toBe('refreshed');
    expect(r.counts().residents).toBe(demoRows);
  });

  it('refreshes itself every half ttl while the process runs, and stops on close', () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    try {
      let now = Date.parse('2026-11-26T00:30:00Z');
      const t = open(demoFolder(), () => now);
      const half = ((t.config.residentAccess?.ttlHours ?? 12) * HOUR) / 2;
      const closers: Array<() => void> = [];
      const imports = () => (t.store.db.prepare("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'import'").get() as { n: number }).n;
      expect(keepDemoResidents({ terminal: t, onClose: (fn) => closers.push(fn) }).action).toBe('imported');
      expect(imports()).toBe(1);
      now += half;
      vi.advanceTimersByTime(half);
      expect(imports()).toBe(2);
      // Three half-ttls after the first import: expired for a one-time seed, current here.
      now += 2 * half;
      vi.advanceTimersByTime(2 * half);
      expect(new Residents(t.store, t.config).purgeExpired()).toBe(0);
      expect(imports()).toBe(4);
      expect(closers).toHaveLength(1);
      closers.forEach((c) => c());
      vi.advanceTimersByTime(4 * half);
      expect(imports()).toBe(4);
    } finally {
      vi.useRealTimers();
    }
  });

  it('never touches a city’s own import, nor a terminal that is not the demo one', () => {
    let now = Date.parse('2026-11-26T00:30:00Z');
    const t = open(demoFolder(), () => now);
    seedDemoResidents(t);
    const r = new Residents(t.store, t.config);
    const own = ['id,household_id,name,kana,birth_date,sex,postal_code,address,head,relationship,nationality', '9000000001,9000000001,伊勢崎　一,イセサキ ハジメ,1980-01-01,M,372-0801,群馬県伊勢崎市今泉町1番地,1,世帯主,JP'].join('\n');
    r.import(decodeLinkage(Buffer.from(own)), 'city.csv', cliReader(t.config));
    expect(r.counts().residents).toBe(1);
    now += HOUR;
    expect(seedDemoResidents(t).action).toBe('none');
    expect(r.counts().residents).toBe(1);

    const other = open(
      demoFolder((cfg) => ((cfg.node as { id: string }).id = 'isesaki-honcho-1')),
      () => now,
    );
    expect(seedDemoResidents(other).action).toBe('none');
    expect(new Residents(other.store, other.config).counts().residents).toBe(0);
  });
});
