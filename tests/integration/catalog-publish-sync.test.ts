import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATALOG_PUBLISHED } from '../../src-main/common/catalog/published';
import { bundleFromDir } from '../../src-main/node/catalog/refs';
import { catalogHash } from '../../src-main/node/catalog/versions';
import { createApp } from '../../src-main/node/app/app';
import { DEFAULT_CATALOG_DIR } from '../../src-main/node/catalog/load';
import { runCli } from '../../src-main/node/cli/main';
import { runDoctor } from '../../src-main/node/doctor/checks';
import { migrations } from '../../src-main/node/store/migrations';
import { openTerminal } from '../../src-main/node/terminal/dataFolder';
import { tempDir } from '../support/tmp';
import { runCliProcess, spawnSyncServer, type ServerProcess } from './sync-support';

/**
 * The independent check (issue 19): publish a changed catalog on one terminal, effective
 * today; sync a second terminal through a real sync server (a separate process, plain http on
 * loopback); `guide --data` on the second finds the change. Real SQLite files throughout.
 */
async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(args, { out: (l) => (out += l + '\n'), err: (l) => (err += l + '\n'), readStdin: async () => '' });
  return { code, out, err };
}

/** 65+ member, care-certified, moving in: 介護保険 受給資格証明書の提出 at the kaigo counter. */
const FACTS = {
  date: '2026-11-26',
  eventDate: '2026-11-20',
  events: ['moving-in'],
  moveFrom: 'other-prefecture',
  members: [{ role: 'applicant', birthDate: '1955-04-01', insurance: 'nhi', careCertified: true, head: true }],
};

describe('catalog versions: publish on one terminal, sync, guide on another', () => {
  const tmp = tempDir('madoguchi-catalog-');
  let server: ServerProcess;
  const admin = join(tmp.dir, 'admin');
  const kiosk = join(tmp.dir, 'kiosk');
  const edited = join(tmp.dir, 'edited');
  const facts = join(tmp.dir, 'facts.json');

  beforeAll(async () => {
    server = await spawnSyncServer(join(tmp.dir, 'server'));
    const tokens: Record<string, string> = {};
    for (const [id, role] of [
      ['admin-1', 'admin'],
      ['kiosk-1', 'kiosk'],
    ] as const) {
      const r = await runCliProcess(['sync-server', 'enroll', '--data', join(tmp.dir, 'server'), '--terminal', id, '--role', role, ...(role === 'kiosk' ? ['--station', 'east'] : []), '--format', 'json']);
      expect(r.code, r.err).toBe(0);
      tokens[id] = (JSON.parse(r.out) as { token: string }).token;
    }
    expect((await cli(['terminal', 'init', '--data', admin, '--role', 'admin', '--terminal', 'admin-1', '--server', server.url, '--token', tokens['admin-1']!])).code).toBe(0);
    expect((await cli(['terminal', 'init', '--data', kiosk, '--role', 'kiosk', '--terminal', 'kiosk-1', '--station', 'east', '--server', server.url, '--token', tokens['kiosk-1']!])).code).toBe(0);
    // The WG's change: 介護保険課 moves to counter 21.
    cpSync(DEFAULT_CATALOG_DIR, edited, { recursive: true });
    const depFile = join(edited, 'departments.json');
    const deps = JSON.parse(readFileSync(depFile, 'utf8')) as { departments: Array<{ id: string; counter: string }> };
    deps.departments.find((d) => d.id === 'kaigo')!.counter = '21';
    writeFileSync(depFile, JSON.stringify(deps, null, 1));
    writeFileSync(facts, JSON.stringify(FACTS));
  }, 120_000);

  afterAll(async () => {
    server?.proc.kill('SIGTERM');
    await server?.exited;
    tmp.cleanup();
  });

  const kaigoCounter = (out: string): string => (JSON.parse(out) as { procedures: Array<{ id: string; counter: string }> }).procedures.find((p) => p.id === 'kaigo-certified-transfer')!.counter;

  it('refuses a catalog that fails catalog check, naming the fields, and writes nothing', async () => {
    const bad = join(tmp.dir, 'bad');
    cpSync(DEFAULT_CATALOG_DIR, bad, { recursive: true });
    const p = JSON.parse(readFileSync(join(bad, 'procedures.json'), 'utf8')) as { procedures: Array<Record<string, unknown>> };
    p.procedures[2]!.department = 'nowhere';
    writeFileSync(join(bad, 'procedures.json'), JSON.stringify(p));
    const r = await cli(['catalog', 'publish', '--from', bad, '--data', admin, '--reason', 'x', '--effective', 'today']);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/procedures\.json: procedures\[2\]\.department: .*nowhere/);
    const nowhere = await cli(['catalog', 'publish', '--from', join(tmp.dir, 'no-such-folder'), '--data', admin, '--reason', 'x', '--effective', 'today']);
    expect(nowhere.err).toMatch(/from: no catalog folder .*no-such-folder/);
    const file = await cli(['catalog', 'publish', '--from', facts, '--data', admin, '--reason', 'x', '--effective', 'today']);
    expect(file.err).toMatch(/from: .*facts\.json is a file; --from takes a catalog folder/);
    const noReason = await cli(['catalog', 'publish', '--from', edited, '--data', admin, '--reason', '  ', '--effective', 'today']);
    expect(noReason.code).not.toBe(0);
    expect(noReason.err).toMatch(/reason/);
    const past = await cli(['catalog', 'publish', '--from', edited, '--data', admin, '--reason', 'x', '--effective', '2020-01-06']);
    expect(past.err).toMatch(/effective/);
    // Nothing published yet: version 0 already serves, there is nothing to roll back.
    const zero = await cli(['catalog', 'rollback', '--data', admin, '--to', '0']);
    expect(zero.code).not.toBe(0);
    expect(zero.err).toMatch(/to: no catalog version was published on this terminal: it already serves version 0/);
    const st = await cli(['catalog', 'status', '--data', admin, '--format', 'json']);
    expect(JSON.parse(st.out)).toMatchObject({ active: { version: 0 }, versions: [] });
  });

  it('publishes effective today, syncs through the server, and guide --data on the other terminal serves it', async () => {
    const before = await cli(['guide', '--data', kiosk, '--facts', facts]);
    expect(before.code, before.err).toBe(0);
    expect(kaigoCounter(before.out)).toBe('12');

    const pub = await cli(['catalog', 'publish', '--from', edited, '--data', admin, '--effective', 'today', '--reason', '介護保険課を21番窓口へ移設', '--by', 'admin01']);
    expect(pub.code, pub.err).toBe(0);
    const v = JSON.parse(pub.out) as { version: number; hash: string; publisher: { staff: string; role: string } };
    expect(v).toMatchObject({ version: 1, publisher: { staff: 'admin01', role: 'admin', terminal: 'admin-1' } });

    expect((await cli(['sync', 'once', '--data', admin])).code).toBe(0);
    expect((await cli(['sync', 'once', '--data', kiosk])).code).toBe(0);

    const after = await cli(['guide', '--data', kiosk, '--facts', facts]);
    expect(after.code, after.err).toBe(0);
    expect(kaigoCounter(after.out)).toBe('21');
    const st = JSON.parse((await cli(['catalog', 'status', '--data', kiosk, '--format', 'json'])).out) as { active: { version: number; hash: string } };
    expect(st.active).toEqual({ version: 1, hash: v.hash });

    // A visit issued on the kiosk records the version that made its list.
    const app = createApp(kiosk);
    try {
      const out = await app.registry.call('ticket.issue', { lang: 'ja', priority: false, facts: FACTS, adjustments: [], source: 'kiosk' }, app.context('kiosk-1', 'ipc'));
      expect(out.ok).toBe(true);
      const row = app.terminal.store.db.prepare("SELECT payload FROM events WHERE type = 'visit.issued'").get() as { payload: string };
      expect(JSON.parse(row.payload).catalog).toEqual({ version: 1, hash: v.hash });
    } finally {
      app.close();
    }
  }, 120_000);

  it('a version the terminal cannot read is kept out; the old one keeps serving; doctor and status say so', async () => {
    // A tampered version (content not matching its hash) reaches the kiosk through the server.
    const t = openTerminal(admin);
    try {
      const row = t.store.db.prepare('SELECT payload FROM events WHERE type = ?').get(CATALOG_PUBLISHED) as { payload: string };
      const p = JSON.parse(row.payload) as { version: number; content: { departments: { departments: Array<{ id: string; counter: string }> } } };
      p.version = 2;
      p.content.departments.departments.find((d) => d.id === 'kaigo')!.counter = '99';
      t.store.append(CATALOG_PUBLISHED, p);
    } finally {
      t.close();
    }
    expect((await cli(['sync', 'once', '--data', admin])).code).toBe(0);
    expect((await cli(['sync', 'once', '--data', kiosk])).code).toBe(0);
    const after = await cli(['guide', '--data', kiosk, '--facts', facts]);
    expect(kaigoCounter(after.out)).toBe('21');
    const st = JSON.parse((await cli(['catalog', 'status', '--data', kiosk, '--format', 'json'])).out) as { active: { version: number }; refused: { version: number; reason: string } };
    expect(st.active.version).toBe(1);
    expect(st.refused).toMatchObject({ version: 2 });
    expect(st.refused.reason).toMatch(/hash/);
    const doc = (await runDoctor(kiosk)).find((c) => c.check === 'catalog version')!;
    expect(doc.status).toBe('warn');
    expect(doc.message).toMatch(/version 1 active.*version 2 is KEPT OUT/);
  }, 120_000);

  it('rolls back to an earlier version as a new version, effective at once', async () => {
    const r = await cli(['catalog', 'rollback', '--data', admin, '--to', '1', '--reason', '戻す']);
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ version: 3, rollbackOf: 1 });
    // The kiosk said it serves version 1 (catalog.activated, synced): on the admin terminal it is behind.
    expect((await cli(['sync', 'once', '--data', kiosk])).code).toBe(0);
    expect((await cli(['sync', 'once', '--data', admin])).code).toBe(0);
    const st = JSON.parse((await cli(['catalog', 'status', '--data', admin, '--format', 'json'])).out) as { active: { version: number }; terminals: Array<{ terminal: string; version: number; refused?: { version: number } }> };
    expect(st.active.version).toBe(3);
    expect(st.terminals).toContainEqual(expect.objectContaining({ terminal: 'kiosk-1', version: 1 }));
    const doc = (await runDoctor(admin)).find((c) => c.check === 'catalog version')!;
    expect(doc.message).toMatch(/version 3 active.*terminals behind: kiosk-1 \(v1\)/);
    // A ticket issued from the CLI on the kiosk records the version that made its list.
    const issued = await cli(['ticket', 'issue', '--data', kiosk, '--event', 'certificate']);
    expect(issued.code, issued.err).toBe(0);
    const kt = openTerminal(kiosk);
    try {
      const rows = kt.store.db.prepare("SELECT payload FROM events WHERE type = 'visit.issued' ORDER BY hlc").all() as Array<{ payload: string }>;
      expect(JSON.parse(rows.at(-1)!.payload).catalog).toMatchObject({ version: 1 });
    } finally {
      kt.close();
    }
    expect(migrations.length).toBeGreaterThan(10);
  });

  it('rolls back to version 0, the shipped catalog: published again as a new version, verified and synced like any other', async () => {
    const missing = await cli(['catalog', 'rollback', '--data', admin, '--to', '9']);
    expect(missing.code).not.toBe(0);
    expect(missing.err).toMatch(/to: no catalog version 9 on this terminal \(known: 0 \(the base catalog\), 1, 2, 3\)/);
    const negative = await cli(['catalog', 'rollback', '--data', admin, '--to=-1']);
    expect(negative.err).toMatch(/to: --to must be a version number .* got "-1"/);
    const noTo = await cli(['catalog', 'rollback', '--data', admin]);
    expect(noTo.err).toMatch(/--to VERSION is required \(0 = the base catalog\)/);

    const r = await cli(['catalog', 'rollback', '--data', admin, '--to', 'v0', '--by', 'admin01']); // as `catalog status` prints it
    expect(r.code, r.err).toBe(0);
    const v = JSON.parse(r.out) as { version: number; hash: string; rollbackOf: number; reason: string };
    expect(v).toMatchObject({ version: 4, rollbackOf: 0, reason: 'rollback to version 0 (the base catalog)' });
    // Its content is the shipped catalog, byte for byte as a terminal hashes it.
    expect(v.hash).toBe(catalogHash(bundleFromDir(DEFAULT_CATALOG_DIR)));
    expect((await cli(['sync', 'once', '--data', admin])).code).toBe(0);
    expect((await cli(['sync', 'once', '--data', kiosk])).code).toBe(0);
    const st = JSON.parse((await cli(['catalog', 'status', '--data', kiosk, '--format', 'json'])).out) as { active: { version: number; hash: string }; versions: Array<{ version: number; rollbackOf?: number; problem: string | null }> };
    expect(st.active).toEqual({ version: 4, hash: v.hash });
    expect(st.versions.find((x) => x.version === 4)).toMatchObject({ rollbackOf: 0, problem: null });
    const text = await cli(['catalog', 'status', '--data', kiosk]);
    expect(text.out).toMatch(/\* v4 .*\(rollback to v0\)/);
    const g = await cli(['guide', '--data', kiosk, '--facts', facts]);
    expect(g.code, g.err).toBe(0);
    expect(kaigoCounter(g.out)).toBe('12');

    // Version 0 exported as a published JSON (for GUIDE_CATALOG_JSON), even while a later version serves.
    const out = join(tmp.dir, 'v0.json');
    const e0 = await cli(['catalog', 'export', '--data', admin, '--out', out, '--version', '0']);
    expect(e0.code, e0.err).toBe(0);
    const exported = JSON.parse(readFileSync(out, 'utf8')) as { version: number; hash: string; content: Parameters<typeof catalogHash>[0] };
    expect(exported).toMatchObject({ version: 0, hash: v.hash });
    expect(catalogHash(exported.content)).toBe(v.hash);
    const e1 = await cli(['catalog', 'export', '--data', admin, '--out', out, '--version', '1']);
    expect(JSON.parse(e1.out)).toMatchObject({ version: 1 });
    const e9 = await cli(['catalog', 'export', '--data', admin, '--out', out, '--version', '9']);
    expect(e9.err).toMatch(/version: no sound catalog version 9 .*\(known: 0 \(the base catalog\), 1, 3, 4\)/);
  }, 120_000);
});
