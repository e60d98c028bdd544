import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { APP_ROOT, DEMO_CONFIG, type Terminal } from '../terminal/dataFolder';
import type { ResidentReader } from './access';
import { accessRules } from './access';
import { decodeLinkage, Residents, type ImportReport } from './residents';

/** The synthetic linkage export shipped for the demo (nobody in it is real; see docs/linkage-format.md). */
export const DEMO_LINKAGE = join(APP_ROOT, 'fixtures', 'linkage', 'demo-residents.csv');
/** Audit actor of the demo's own imports; also how a later start knows the data is still the demo's. */
export const DEMO_IMPORT_ACTOR = 'system:demo-seed';

export interface DemoResidentsOutcome {
  /** What happened: nothing (not the demo terminal, or a city's own data is there), a first import, or a refresh. */
  action: 'none' | 'imported' | 'refreshed';
  report?: ImportReport;
}

function isDemoTerminal(config: Terminal['config']): boolean {
  const demoNode = (JSON.parse(readFileSync(DEMO_CONFIG, 'utf8')) as { node: { id: string } }).node.id;
  return config.node.id === demoNode;
}

/**
 * The demo terminal holds the demo linkage data, so 書かない窓口 works out of the box.
 *
 * Resident data is purged residentAccess.ttlHours after its import (Residents.purgeExpired, on
 * every read and every 10 minutes), so a one-time seed would vanish half a day later. The demo's
 * own data is therefore imported again at every start, which restarts its expiry clock. Data a
 * city imported itself (the newest import is not the demo's) is never touched, nor is any
 * terminal that is not the demo one.
 */
export function seedDemoResidents(terminal: Pick<Terminal, 'config' | 'store'>, file: string = DEMO_LINKAGE): DemoResidentsOutcome {
  if (!isDemoTerminal(terminal.config)) return { action: 'none' };
  const residents = new Residents(terminal.store, terminal.config);
  const db = terminal.store.db;
  const last = db.prepare('SELECT actor FROM resident_imports ORDER BY id DESC LIMIT 1').get() as { actor: string } | undefined;
  if (last && last.actor !== DEMO_IMPORT_ACTOR) return { action: 'none' };
  // The seed runs inside the terminal's own process, like an operator at its shell (audited as such).
  const who: ResidentReader = { actor: DEMO_IMPORT_ACTOR, terminal: terminal.config.node.id, role: 'admin', via: 'cli' };
  const report = residents.import(decodeLinkage(readFileSync(file)), basename(file), who);
  return { action: last ? 'refreshed' : 'imported', report };
}

/**
 * seedDemoResidents now, and again every half ttl while the process runs, so a demo left running
 * overnight is not emptied by the expiry timer. Returns a stop function (also run on app close).
 */
export function keepDemoResidents(app: { terminal: Pick<Terminal, 'config' | 'store'>; onClose(fn: () => void): void }, log: (line: string) => void = () => undefined): DemoResidentsOutcome {
  const first = seedDemoResidents(app.terminal);
  if (first.action === 'none') return first;
  const every = Math.max(60_000, accessRules(app.terminal.config).ttlHours * 1_800_000);
  const timer = setInterval(() => {
    try {
      seedDemoResidents(app.terminal);
    } catch (e) {
      log(`demo resident data refresh failed: ${(e as Error).message}`);
    }
  }, every);
  timer.unref();
  app.onClose(() => clearInterval(timer));
  return first;
}
