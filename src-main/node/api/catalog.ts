import { diffCatalogs } from '../../common/catalog/diff';
import { checkCatalog } from '../../common/catalog/parse';
import { nextBusinessDay } from '../../common/catalog/published';
import type { CatalogBundle } from '../../common/catalog/types';
import type { CatalogStatus } from '../../common/contract/catalog';
import type { App } from '../app/app';
import { publishCatalog, rollbackCatalog } from '../catalog/publish';
import { loadSampleHouseholds } from '../catalog/samples';
import type { SampleHousehold } from '../../common/catalog/samples';

/** The catalog editor's handlers (issue 19) and the status every screen shows. */
export function registerCatalog(app: App): void {
  const status = (): CatalogStatus => {
    const s = app.activeCatalog.current();
    return {
      version: s.version,
      hash: s.hash,
      today: app.terminal.visits.today(),
      ...(s.info ? { effective: s.info.effective } : {}),
      ...(s.pending ? { pending: { version: s.pending.version, effective: s.pending.effective } } : {}),
      ...(s.refused ? { refused: s.refused } : {}),
    };
  };
  let households: SampleHousehold[] | undefined;

  app.registry.register('catalog.status', () => status());

  app.registry.register('catalog.versions', () => {
    const st = status();
    const versions = app.activeCatalog.versions;
    return {
      status: st,
      versions: versions.list(),
      terminals: versions.terminals().map((t) => ({ terminal: t.terminal, version: t.version, at: t.at, behind: t.version < st.version, ...(t.refused ? { refused: t.refused } : {}) })),
      nextBusinessDay: nextBusinessDay(st.today, app.terminal.config.closedDays ?? []),
    };
  });

  app.registry.register('catalog.preview', (input) => {
    const { catalog, issues } = checkCatalog(input.bundle as CatalogBundle);
    if (!catalog) return { issues };
    households ??= loadSampleHouseholds();
    return { issues, diff: diffCatalogs(app.catalog(), catalog, households) };
  });

  // Effective today (a rollback always is): this terminal switches at once and says so (catalog.activated).
  const switched = <T>(v: T): T => {
    app.activeCatalog.current();
    return v;
  };

  app.registry.register('catalog.publish', (input, ctx) =>
    switched(publishCatalog(app.terminal, { content: input.bundle as CatalogBundle, reason: input.reason, ...(input.effective ? { effective: input.effective } : {}), ...(ctx.staff ? { staff: ctx.staff.id } : {}), profile: ctx.terminal })),
  );

  app.registry.register('catalog.rollback', (input, ctx) =>
    switched(rollbackCatalog(app.terminal, { to: input.to, ...(input.reason ? { reason: input.reason } : {}), ...(ctx.staff ? { staff: ctx.staff.id } : {}), profile: ctx.terminal })),
  );

  // Say at once which version serves (before the first sync), then keep it current.
  try {
    app.activeCatalog.current();
  } catch {
    /* an unreadable base catalog: doctor says so */
  }
  // A version whose date comes while the app runs: switch (and say so, catalog.activated) without
  // waiting for a visitor; screens re-read the catalog on the events push.
  const timer = setInterval(() => {
    try {
      app.activeCatalog.current();
    } catch {
      /* closed or unreadable base catalog: doctor says so */
    }
  }, 60_000);
  timer.unref();
  app.onClose(() => clearInterval(timer));
}
