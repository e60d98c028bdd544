import type { Catalog, CatalogBundle } from '../../common/catalog/types';
import type { TerminalProfile } from '../../common/config/schema';
import { ActiveCatalog, baseCatalogDir } from '../catalog/active';
import { terminalById } from '../../common/config/schema';
import { HandlerRegistry, type CallContext } from '../api/registry';
import { registerFeatures } from '../api/features';
import { openTerminal, type Terminal } from '../terminal/dataFolder';
import { PushHub } from './push';
import { AUDIT_EVENT } from '../../common/audit/event';

/**
 * Everything main needs to serve renderers: the terminal's store and services, the handler
 * registry and the push hub. Electron and browser mode both build exactly this.
 */
export interface App {
  terminal: Terminal;
  registry: HandlerRegistry;
  push: PushHub;
  /** The procedure catalog: the data folder's own `catalog/` when the city has one, else the shipped one. */
  catalog(): Catalog;
  catalogBundle(): CatalogBundle;
  /** Which published version serves, what waits for its date, what is kept out. */
  activeCatalog: ActiveCatalog;
  /** Cleanup hooks registered by features (pollers, timers). */
  onClose(fn: () => void): void;
  context(terminalId: string | undefined, transport: CallContext['transport'], staffToken?: string): CallContext;
  close(): void;
}

export function createApp(dataDir: string, opts: { configFile?: string; clock?: () => number } = {}): App {
  const terminal = openTerminal(dataDir, opts);
  const registry = new HandlerRegistry();
  const push = new PushHub();
  const closers: Array<() => void> = [];

  terminal.store.on('events', (all: Array<{ type: string; visitId: string | null }>) => {
    // Audit lines (audit.recorded) change no screen; pushing them would make a screen that re-reads
    // an audited visit write another audit line, forever.
    const evs = all.filter((e) => e.type !== AUDIT_EVENT);
    if (evs.length === 0) return;
    push.publish('events', { types: [...new Set(evs.map((e) => e.type))], visitIds: [...new Set(evs.map((e) => e.visitId).filter((x): x is string => !!x))] });
  });
  // Another process on the same data folder (a CLI, a second window) wrote: tell the screens.
  let dataVersion = terminal.store.db.pragma('data_version', { simple: true }) as number;
  const watch = setInterval(() => {
    try {
      const v = terminal.store.db.pragma('data_version', { simple: true }) as number;
      if (v !== dataVersion) {
        dataVersion = v;
        push.publish('events', { types: [], visitIds: [] });
      }
    } catch {
      /* closed */
    }
  }, 250);
  watch.unref();
  closers.push(() => clearInterval(watch));

  // The active published version (issue 19), else the data folder's own catalog/, else the shipped one.
  const activeCatalog = new ActiveCatalog(terminal.store, baseCatalogDir(dataDir), () => terminal.visits.today(), true);
  const app: App = {
    terminal,
    activeCatalog,
    catalog: () => activeCatalog.catalog(),
    catalogBundle: () => activeCatalog.bundle(),
    registry,
    push,
    onClose: (fn) => closers.push(fn),
    context(terminalId, transport, staffToken) {
      const profile: TerminalProfile = terminalById(terminal.config, terminalId);
      const staff = staffToken ? registry.staffResolver(staffToken) : undefined;
      return { terminal: profile, transport, ...(staff ? { staff } : {}) };
    },
    close() {
      for (const c of closers.splice(0).reverse()) c();
      terminal.close();
    },
  };
  registerFeatures(app);
  return app;
}
