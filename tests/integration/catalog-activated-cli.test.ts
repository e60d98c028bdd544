import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CATALOG_ACTIVATED, CATALOG_PUBLISHED, nextBusinessDay, type CatalogActivated } from '../../src-main/common/catalog/published';
import type { CatalogBundle } from '../../src-main/common/catalog/types';
import { DEFAULT_CATALOG_DIR } from '../../src-main/node/catalog/load';
import { bundleFromDir } from '../../src-main/node/catalog/refs';
import { catalogHash } from '../../src-main/node/catalog/versions';
import { runCli } from '../../src-main/node/cli/main';
import { openTerminal } from '../../src-main/node/terminal/dataFolder';
import { tempDir } from '../support/tmp';
import { runCliProcess, spawnSyncServer, type ServerProcess } from './sync-support';

/**
 * `catalog.activated` from the command line (issue 19): `catalog publish` effective today,
 * `catalog rollback`, `sync once` receiving a version, and `doctor` on the day a waiting version
 * takes effect each say which version the terminal serves, so a report or an audit can tell when
 * each terminal switched even where no app ran. And a version from a newer app (a route this app
 * does not know), arriving through a real sync server, is kept out: the old one keeps serving and
 * the kiosk says so to the admin terminal.
 */
async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(args, { out: (l) => (out += l + '\n'), err: (l) => (err += l + '\n'), readStdin: async () => '' });
  return { code, out, err };
}

/** Every `catalog.activated` a terminal wrote itself, oldest first. */
function activations(dataDir: string): CatalogActivated[] {
  const t = openTerminal(dataDir);
  try {
    const rows = t.store.db.prepare('SELECT payload FROM events WHERE type = ? AND origin = ? ORDER BY seq').all(CATALOG_ACTIVATED, t.config.node.id) as Array<{ payload: string }>;
    return rows.map((r) => JSON.parse(r.payload) as CatalogActivated);
  } finally {
    t.close();
  }
}

type Status = { today: string; active: { version: number }; refused?: { version: number; reason: string }; terminals: Array<{ terminal: string; version: number; at: string; refused?: { version: number; reason: string } }> };
async function status(dataDir: string): Promise<Status> {
  const r = await cli(['catalog', 'status', '--data', dataDir, '--format', 'json']);
  expect(r.code, r.err).toBe(0);
  return JSON.parse(r.out) as Status;
}

const FACTS = {
  date: '2026-11-26',
  eventDate: '2026-11-20',
  events: ['moving-in'],
  moveFrom: 'other-prefecture',
  members: [{ role: 'applicant', birthDate: '1955-04-01', insurance: 'nhi', careCertified: true, head: true }],
};

describe('catalog.activated from the command line', () => {
  const tmp = tempDir('madoguchi-catalog-activated-');
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
    cpSync(DEFAULT_CATALOG_DIR, edited, { recursive: true });
    const depFile = join(edited, 'departments.json');
    const deps = JSON.parse(readFileSync(depFile, 'utf8')) as { departments: Array<{ id: string; counter: string }> };
    deps.departments.find((d) => d.id === 'kaigo')!.counter = '21';
    writeFileSync(depFile, JSON.stringify(deps, null, 1));
    writeFileSync(facts, JSON.stringify(FACTS));
  }, 120_000);

  afterAll(async () => {
    vi.useRealTimers();
    server?.proc.kill('SIGTERM');
    await server?.exited;
    tmp.cleanup();
  });

  const sync = async (dir: string) => {
    const r = await cli(['sync', 'once', '--data', dir]);
    expect(r.code, r.err).toBe(0);
    return r.out;
  };

  it('catalog publish effective today records that the admin terminal switched; a later date records nothing yet', async () => {
    const pub = await cli(['catalog', 'publish', '--from', edited, '--data', admin, '--effective', 'today', '--reason', '介護保険課を21番窓口へ', '--by', 'admin01']);
    expect(pub.code, pub.err).toBe(0);
    const v1 = JSON.parse(pub.out) as { version: number; hash: string };
    expect(activations(admin)).toEqual([expect.objectContaining({ version: 1, hash: v1.hash })]);
    const st = await status(admin);
    expect(st.terminals).toEqual([expect.objectContaining({ terminal: 'admin-1', version: 1 })]);
    expect(st.terminals[0]!.at.slice(0, 10)).toBe(new Date().toISOString().slice(0, 10));
  });

  it('sync once on the kiosk receives the version, switches and says so; the admin terminal sees when', async () => {
    await sync(admin);
    const out = await sync(kiosk);
    expect(out).toMatch(/catalog: this terminal now serves version 1/);
    expect(activations(kiosk)).toEqual([expect.objectContaining({ version: 1 })]);
    // Nothing changed: a second sync says nothing again.
    expect(await sync(kiosk)).not.toMatch(/now serves/);
    expect(activations(kiosk)).toHaveLength(1);
    await sync(admin);
    expect((await status(admin)).terminals).toContainEqual(expect.objectContaining({ terminal: 'kiosk-1', version: 1 }));
  });

  it('catalog rollback records the switch back at once', async () => {
    const deps = JSON.parse(readFileSync(join(edited, 'departments.json'), 'utf8')) as { departments: Array<{ id: string; counter: string }> };
    deps.departments.find((d) => d.id === 'kaigo')!.counter = '22';
    writeFileSync(join(edited, 'departments.json'), JSON.stringify(deps, null, 1));
    expect((await cli(['catalog', 'publish', '--from', edited, '--data', admin, '--effective', 'today', '--reason', '22番へ'])).code).toBe(0);
    const rb = await cli(['catalog', 'rollback', '--data', admin, '--to', '1', '--reason', '22番は工事中', '--by', 'admin02']);
    expect(rb.code, rb.err).toBe(0);
    expect(JSON.parse(rb.out)).toMatchObject({ version: 3, rollbackOf: 1, reason: '22番は工事中' });
    expect(activations(admin).map((a) => a.version)).toEqual([1, 2, 3]);
  });

  it('a version from a newer app (a route this app does not know) reaches the kiosk through the server, is kept out, and the kiosk says so', async () => {
    const content = bundleFromDir(edited) as CatalogBundle & { procedures: { procedures: Array<Record<string, unknown>> } };
    content.procedures.procedures[0]!.route = 'route-from-a-newer-app';
    const t = openTerminal(admin);
    try {
      // As a newer admin app would publish it: a sound hash, a publisher, content this app cannot read.
      t.store.append(CATALOG_PUBLISHED, { version: 4, hash: catalogHash(content), publisher: { terminal: 'admin-1', role: 'admin', staff: 'admin01' }, at: new Date().toISOString(), reason: '新しい経路', effective: t.visits.today(), content });
    } finally {
      t.close();
    }
    await sync(admin);
    await sync(kiosk);
    const st = await status(kiosk);
    expect(st.active.version).toBe(3);
    expect(st.refused).toMatchObject({ version: 4 });
    expect(st.refused!.reason).toMatch(/this app cannot read it: procedures\.json: procedures\[0\]\.route/);
    // It keeps serving version 3 (= version 1's content: counter 21).
    const g = await cli(['guide', '--data', kiosk, '--facts', facts, '--format', 'json']);
    expect(g.code, g.err).toBe(0);
    expect((JSON.parse(g.out) as { procedures: Array<{ id: string; counter: string }> }).procedures.find((p) => p.id === 'kaigo-certified-transfer')!.counter).toBe('21');
    expect(activations(kiosk).at(-1)).toMatchObject({ version: 3, refused: { version: 4 } });
    const doc = await cli(['doctor', '--data', kiosk, '--json']);
    const line = (JSON.parse(doc.out) as Array<{ check: string; status: string; message: string }>).find((c) => c.check === 'catalog version')!;
    expect(line.status).toBe('warn');
    expect(line.message).toMatch(/version 3 active.*version 4 is KEPT OUT: this app cannot read it/);
    // The admin terminal learns the kiosk keeps version 4 out.
    await sync(kiosk);
    await sync(admin);
    expect((await status(admin)).terminals).toContainEqual(expect.objectContaining({ terminal: 'kiosk-1', version: 3, refused: expect.objectContaining({ version: 4 }) }));
  });

  it('doctor on the day a waiting version takes effect records the switch, stamped that day', async () => {
    const deps = JSON.parse(readFileSync(join(edited, 'departments.json'), 'utf8')) as { departments: Array<{ id: string; counter: string }> };
    deps.departments.find((d) => d.id === 'kaigo')!.counter = '23';
    writeFileSync(join(edited, 'departments.json'), JSON.stringify(deps, null, 1));
    const adminBefore = activations(admin);
    const pub = await cli(['catalog', 'publish', '--from', edited, '--data', admin, '--reason', '23番へ(翌開庁日から)']);
    expect(pub.code, pub.err).toBe(0);
    const v5 = JSON.parse(pub.out) as { version: number; effective: string };
    expect(v5.version).toBe(5);
    const today = (await status(admin)).today;
    expect(v5.effective).toBe(nextBusinessDay(today));
    // Waiting for its date: nothing switched, nothing recorded.
    expect(activations(admin)).toEqual(adminBefore);
    await sync(admin);
    await sync(kiosk);
    const before = activations(kiosk).length;
    expect((await status(kiosk)).active.version).toBe(3);

    // The effective day, 09:30 in Japan: no app has run on the kiosk; IT runs doctor.
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(new Date(`${v5.effective}T00:30:00Z`));
      const doc = await cli(['doctor', '--data', kiosk]);
      expect(doc.out).toMatch(/catalog version.*version 5 active since .*recorded that this terminal now serves version 5 \(catalog\.activated\)/);
      const again = await cli(['doctor', '--data', kiosk]);
      expect(again.out).not.toMatch(/recorded that/);
    } finally {
      vi.useRealTimers();
    }
    const after = activations(kiosk);
    expect(after).toHaveLength(before + 1);
    expect(after.at(-1)).toMatchObject({ version: 5 });
    expect(after.at(-1)!.at).toBe(`${v5.effective}T00:30:00.000Z`);
  });
});
