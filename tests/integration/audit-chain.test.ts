import Database from 'better-sqlite3';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../support/tmp';
import { runCli } from '../../src-main/node/cli/main';
import type { CliIO } from '../../src-main/node/cli/command';
import { ensureDemoSetup, dbPath, openTerminal } from '../../src-main/node/terminal/dataFolder';
import { auditCsv, verifyAudit, writeAudit } from '../../src-main/node/residents/audit';
import { cliReader } from '../../src-main/node/residents/cliReader';
import { AUDIT_EVENT, auditRecordedSchema } from '../../src-main/common/audit/event';
import { csvCell, toCsv } from '../../src-main/common/csv/write';
import { Residents } from '../../src-main/node/residents/residents';

/** Issue 12 "Audit you can trust" and item 10 (restore, operator, CSV injection, header-only import). */

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).reverse().forEach((f) => f()));

function folder() {
  const t = tempDir('madoguchi-audit-');
  cleanups.push(t.cleanup);
  ensureDemoSetup(t.dir);
  return t.dir;
}

async function cli(argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = { out: (l) => out.push(l), err: (l) => err.push(l), readStdin: async () => '' };
  const code = await runCli(argv, io);
  return { code, out, err };
}

function write(dir: string, n: number, who = 'tester') {
  const t = openTerminal(dir);
  try {
    for (let i = 0; i < n; i++) writeAudit(t.store, { actor: who, terminal: t.config.node.id }, [{ action: 'read', residentId: `10000000${i}`, purpose: 'test', detail: `line ${i}` }]);
  } finally {
    t.close();
  }
}

describe('the audit log is a hash chain, append-only, verifiable and replicated', () => {
  it('refuses UPDATE and DELETE (triggers); audit verify names the first line changed behind the triggers', async () => {
    const dir = folder();
    write(dir, 5);
    expect(await cli(['audit', 'verify', '--data', dir])).toMatchObject({ code: 0 });
    const db = new Database(dbPath(dir));
    try {
      expect(() => db.prepare("UPDATE audit_log SET actor = 'someone-else' WHERE id = 3").run()).toThrow(/append-only/);
      expect(() => db.prepare('DELETE FROM audit_log WHERE id = 2').run()).toThrow(/append-only/);
      // Someone with the file drops the triggers and edits line 3.
      db.exec('DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete');
      db.prepare("UPDATE audit_log SET detail = 'nothing to see' WHERE id = 3").run();
    } finally {
      db.close();
    }
    const r = await cli(['audit', 'verify', '--data', dir]);
    expect(r.code).toBe(1);
    expect(r.err.join('\n')).toMatch(/audit log BROKEN at line 3: line 3 was changed after it was written/);
  });

  it('a removed line breaks the chain at the line after it', () => {
    const dir = folder();
    write(dir, 4);
    const db = new Database(dbPath(dir));
    try {
      db.exec('DROP TRIGGER audit_log_no_delete');
      db.prepare('DELETE FROM audit_log WHERE id = 2').run();
      expect(verifyAudit(db)).toMatchObject({ ok: false, broken: { id: 3 } });
    } finally {
      db.close();
    }
  });

  it('every line is also an audit.recorded event (for the sync service) that carries no free text, only its digest', () => {
    const dir = folder();
    write(dir, 3);
    const t = openTerminal(dir);
    try {
      const evs = t.store.db.prepare('SELECT payload FROM events WHERE type = ? ORDER BY seq').pluck().all(AUDIT_EVENT) as string[];
      const lines = t.store.db.prepare('SELECT a.id, a.detail, c.hash FROM audit_log a JOIN audit_chain c ON c.id = a.id ORDER BY a.id').all() as Array<{ id: number; hash: string; detail: string }>;
      expect(evs).toHaveLength(lines.length);
      evs.forEach((p, i) => {
        const rec = auditRecordedSchema.parse(JSON.parse(p));
        expect(rec.id).toBe(lines[i]!.id);
        expect(rec.hash).toBe(lines[i]!.hash);
        expect(p).not.toContain(lines[i]!.detail);
      });
    } finally {
      t.close();
    }
  });

  it('MADOGUCHI_OPERATOR does not set the actor: the OS user does, the claim is a note', async () => {
    const dir = folder();
    const before = process.env.MADOGUCHI_OPERATOR;
    process.env.MADOGUCHI_OPERATOR = 'the-mayor';
    try {
      const t = openTerminal(dir);
      expect(cliReader(t.config).actor).not.toContain('the-mayor');
      t.close();
      const r = await cli(['audit', 'export', '--data', dir, '--from', '2020-01-01', '--to', '2099-12-31', '--format', 'json', '--out', join(dir, 'a.json')]);
      expect(r.code, r.err.join('\n')).toBe(0);
      const t2 = openTerminal(dir);
      const last = t2.store.db.prepare('SELECT actor, detail FROM audit_log ORDER BY id DESC LIMIT 1').get() as { actor: string; detail: string };
      t2.close();
      expect(last.actor).toMatch(/^cli:/);
      expect(last.actor).not.toContain('the-mayor');
      expect(last.detail).toContain('operator claimed (MADOGUCHI_OPERATOR, unverified): the-mayor');
    } finally {
      if (before === undefined) delete process.env.MADOGUCHI_OPERATOR;
      else process.env.MADOGUCHI_OPERATOR = before;
    }
  });

  it('restore is audited and carries over the audit lines the backup lacks; the chain stays intact', async () => {
    const dir = folder();
    write(dir, 2, 'before-backup');
    const b = await cli(['backup', '--data', dir, '--to', join(dir, 'b.sqlite')]);
    expect(b.code, b.err.join('\n')).toBe(0);
    write(dir, 3, 'after-backup');
    const r = await cli(['restore', '--data', dir, '--from', join(dir, 'b.sqlite')]);
    expect(r.code, r.err.join('\n')).toBe(0);
    expect(r.out.join('\n')).toContain('3 audit lines of the replaced database carried over');
    const db = new Database(dbPath(dir), { readonly: true });
    try {
      const rows = db.prepare('SELECT actor, action, detail FROM audit_log ORDER BY id').all() as Array<{ actor: string; action: string; detail: string }>;
      expect(rows.filter((x) => x.actor === 'before-backup')).toHaveLength(2);
      expect(rows.filter((x) => x.actor === 'after-backup')).toHaveLength(3);
      const restore = rows.find((x) => x.action === 'restore')!;
      expect(restore.actor).toMatch(/^cli:/);
      expect(restore.detail).toContain('restored from b.sqlite');
      expect(verifyAudit(db).ok).toBe(true);
    } finally {
      db.close();
    }
    expect(readdirSync(dir).some((f) => f.startsWith('madoguchi.replaced-'))).toBe(true);
  });
});

describe('CSV writers neutralise formulas (one shared writer)', () => {
  it('prefixes =, +, -, @, tab and CR starts with an apostrophe, leaves numbers alone', () => {
    expect(csvCell('=HYPERLINK("http://evil","x")')).toBe(`"'=HYPERLINK(""http://evil"",""x"")"`);
    expect(csvCell('+1+cmd')).toBe("'+1+cmd");
    expect(csvCell('-2+3')).toBe("'-2+3");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\tx')).toBe("'\tx");
    expect(csvCell('\rx')).toBe(`"'\rx"`);
    expect(csvCell('-3')).toBe('-3');
    expect(csvCell('12%')).toBe('12%');
    expect(csvCell(-5)).toBe('-5');
    expect(toCsv(['a'], [['=1']])).toBe("a\r\n'=1\r\n");
  });

  it('the audit CSV export of a search for "=cmd|..." is text, not a formula', () => {
    const csv = auditCsv([{ id: 1, at: '2026-01-01T00:00:00Z', actor: 'x', terminal: 't', action: 'search', residentId: null, householdId: null, visitId: null, purpose: '=1+1', detail: "=cmd|' /C calc'!A0" }]);
    const line = csv.split('\r\n')[1]!;
    expect(line).toContain(`'=1+1`);
    expect(line).toContain(`'=cmd|' /C calc'!A0`);
    expect(line).not.toMatch(/,=/);
  });
});

describe('a header-only "full" import', () => {
  it('is refused (exit 2) and retires nobody, unless --allow-empty-full', async () => {
    const dir = folder();
    const t = openTerminal(dir);
    const r = new Residents(t.store, t.config);
    const count = () => (t.store.db.prepare('SELECT COUNT(*) AS n FROM residents WHERE retired_at IS NULL').get() as { n: number }).n;
    const demo = readFileSync(join(__dirname, '../../fixtures/linkage/demo-residents.csv'), 'utf8');
    r.import(demo, 'demo-residents.csv', cliReader(t.config));
    const before = count();
    expect(before).toBeGreaterThan(100);
    const header = demo.split(/\r?\n/)[0]! + '\r\n';
    t.close();
    const file = join(dir, 'empty.csv');
    writeFileSync(file, header);
    const refused = await cli(['residents', 'import', file, '--data', dir]);
    expect(refused.code).toBe(2);
    expect(refused.err.join('\n')).toMatch(/a full export with no residents would retire all \d+ residents.*nothing was changed/);
    const t2 = openTerminal(dir);
    expect((t2.store.db.prepare('SELECT COUNT(*) AS n FROM residents WHERE retired_at IS NULL').get() as { n: number }).n).toBe(before);
    t2.close();
    const allowed = await cli(['residents', 'import', file, '--data', dir, '--allow-empty-full']);
    expect(allowed.code, allowed.err.join('\n')).toBe(0);
  });
});
