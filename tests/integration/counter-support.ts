import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { createApp, type App } from '../../src-main/node/app/app';
import type { CallContext } from '../../src-main/node/api/registry';
import { DEMO_CONFIG } from '../../src-main/node/terminal/dataFolder';
import { StaffDirectory } from '../../src-main/node/staff/staff';
import type { VisitItemSeed } from '../../src-main/common/visit/events';
import type { MethodInput, MethodName, MethodOutput } from '../../src-main/common/contract';
import { tempDir } from '../support/tmp';

/** A demo data folder in a temp dir (demo config, real SQLite file). */
export function demoFolder(cleanups: Array<() => void>): string {
  const { dir, cleanup } = tempDir('madoguchi-counter-');
  cleanups.push(cleanup);
  copyFileSync(DEMO_CONFIG, join(dir, 'config.json'));
  return dir;
}

export function openApp(dir: string, cleanups: Array<() => void>, opts: { clock?: () => number } = {}): App {
  const app = createApp(dir, opts);
  cleanups.unshift(() => app.close());
  return app;
}

export function addStaff(app: App, id: string, role: string, department: string, pin = '2468') {
  return new StaffDirectory(app.terminal.store.db).add({ id, name: `職員 ${id}`, role, department, pin });
}

/** A client bound to one terminal (and, after signIn, one staff session), through the real registry. */
export function client(app: App, terminal: string) {
  let token: string | undefined;
  const ctx = (): CallContext => app.context(terminal, 'test', token);
  const raw = <M extends MethodName>(m: M, input: MethodInput<M>) => app.registry.call(m, input, ctx());
  return {
    raw,
    async call<M extends MethodName>(m: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
      const r = await raw(m, input);
      if (!r.ok) throw Object.assign(new Error(`${m}: ${r.error.code}: ${r.error.message}`), { data: r.error });
      return r.value as MethodOutput<M>;
    },
    async signIn(staffId: string, pin = '2468') {
      const r = await raw('staff.signIn', { staffId, pin });
      if (!r.ok) throw new Error(`sign-in failed: ${r.error.message}`);
      const v = r.value as { token: string; staff: { id: string } };
      token = v.token;
      return v;
    },
    signOut: () => (token = undefined),
  };
}

export const seeds = {
  tennyu: { id: 'tennyu', department: 'shimin', route: 'accept', delivery: 'none', need: 'required' } as VisitItemSeed,
  kokuho: { id: 'kokuho-join', department: 'kokuho', route: 'proxy', delivery: 'later', need: 'required' } as VisitItemSeed,
  kaigo: { id: 'kaigo-certified-transfer', department: 'kaigo', route: 'refer', delivery: 'later', need: 'required' } as VisitItemSeed,
  juminhyo: { id: 'juminhyo', department: 'shimin', route: 'accept', delivery: 'immediate', need: 'required', fee: 300 } as VisitItemSeed,
};

/** Issues a visit straight through VisitService (the kiosk's engine is tested elsewhere). */
export function issue(app: App, opts: { route?: string[]; items?: VisitItemSeed[]; priority?: boolean; lang?: string; station?: string } = {}) {
  return app.terminal.visits.issue(
    {
      station: opts.station ?? 'east',
      lang: opts.lang ?? 'ja',
      priority: opts.priority ?? false,
      events: ['moving-in'],
      facts: { events: ['moving-in'], members: [{ role: 'applicant', ageBand: '20-59' }] },
      items: opts.items ?? [seeds.tennyu, seeds.kokuho, seeds.kaigo],
      route: opts.route ?? ['shimin', 'kaigo'],
    },
    { terminal: 'kiosk-east' },
  );
}
