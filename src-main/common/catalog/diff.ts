import { guide, visitRoute, type GuidanceItem } from '../guidance/guide';
import type { Catalog } from './types';
import type { SampleHousehold } from './samples';

/** One procedure whose place or pattern changed between two catalogs for a household. */
export interface ItemChange {
  id: string;
  /** What changed: route (①〜⑤), department, counter (窓口番号), floor, status (required/optional/to confirm). */
  fields: Array<{ field: 'route' | 'department' | 'counter' | 'floor' | 'status'; from: string; to: string }>;
}

export interface HouseholdDiff {
  id: string;
  label: string;
  added: string[];
  removed: string[];
  changed: ItemChange[];
  /** The counters the visitor walks to, before and after, when that order changed. */
  route?: { from: string[]; to: string[] };
  /** The facts could not be read by one of the catalogs (named). */
  error?: string;
}

export interface CatalogDiff {
  households: number;
  /** Only the households whose list changes. */
  changed: HouseholdDiff[];
  /** Procedures (ids) added to or removed from the catalog itself. */
  procedures: { added: string[]; removed: string[] };
  /**
   * Catalog texts (names of procedures, things to bring, forms, online options, questions …)
   * written, changed or blanked, by key, with the languages, in the languages both catalogs carry:
   * a renamed thing changes no household's list, and is said here.
   */
  texts: Array<{ key: string; langs: string[] }>;
}

function textChanges(a: Catalog, b: Catalog): CatalogDiff['texts'] {
  const byKey = new Map<string, string[]>();
  for (const lang of b.languages) {
    const ta = a.texts[lang];
    const tb = b.texts[lang];
    if (!ta || !tb) continue;
    for (const key of new Set([...Object.keys(ta), ...Object.keys(tb)])) {
      if ((ta[key] ?? '') === (tb[key] ?? '')) continue;
      const langs = byKey.get(key) ?? [];
      langs.push(lang);
      byKey.set(key, langs);
    }
  }
  return [...byKey].map(([key, langs]) => ({ key, langs }));
}

function listOf(facts: unknown, catalog: Catalog): GuidanceItem[] {
  return guide(facts, catalog, { lang: 'ja' }).procedures;
}

function counters(items: GuidanceItem[], catalog: Catalog): string[] {
  return visitRoute(items, catalog).map((d) => `${d}:${catalog.departments[d]?.counter ?? '?'}`);
}

/** Which sample households get a different list under `b` than under `a`, and how. */
export function diffCatalogs(a: Catalog, b: Catalog, households: readonly SampleHousehold[]): CatalogDiff {
  const changed: HouseholdDiff[] = [];
  for (const h of households) {
    let la: GuidanceItem[];
    let lb: GuidanceItem[];
    try {
      la = listOf(h.facts, a);
      lb = listOf(h.facts, b);
    } catch (e) {
      changed.push({ id: h.id, label: h.label, added: [], removed: [], changed: [], error: (e as Error).message });
      continue;
    }
    const ia = new Map(la.map((x) => [x.id, x]));
    const ib = new Map(lb.map((x) => [x.id, x]));
    const added = lb.filter((x) => !ia.has(x.id)).map((x) => x.id);
    const removed = la.filter((x) => !ib.has(x.id)).map((x) => x.id);
    const itemChanges: ItemChange[] = [];
    for (const x of lb) {
      const y = ia.get(x.id);
      if (!y) continue;
      const fields: ItemChange['fields'] = [];
      for (const f of ['route', 'department', 'counter', 'floor', 'status'] as const) {
        const from = String(y[f] ?? '');
        const to = String(x[f] ?? '');
        if (from !== to) fields.push({ field: f, from, to });
      }
      if (fields.length > 0) itemChanges.push({ id: x.id, fields });
    }
    const ra = counters(la, a);
    const rb = counters(lb, b);
    const routeChanged = ra.join('>') !== rb.join('>');
    if (added.length || removed.length || itemChanges.length || routeChanged) {
      changed.push({ id: h.id, label: h.label, added, removed, changed: itemChanges, ...(routeChanged ? { route: { from: ra, to: rb } } : {}) });
    }
  }
  const pa = new Set(a.procedures.map((p) => p.id));
  const pb = new Set(b.procedures.map((p) => p.id));
  return {
    households: households.length,
    changed,
    procedures: { added: [...pb].filter((x) => !pa.has(x)), removed: [...pa].filter((x) => !pb.has(x)) },
    texts: textChanges(a, b),
  };
}

/** The diff as terminal lines (the same the editor's preview shows). */
export function diffLines(d: CatalogDiff): string[] {
  const lines: string[] = [];
  if (d.procedures.added.length) lines.push(`procedures added to the catalog: ${d.procedures.added.join(', ')}`);
  if (d.procedures.removed.length) lines.push(`procedures removed from the catalog: ${d.procedures.removed.join(', ')}`);
  if (d.texts.length) {
    const shown = d.texts.slice(0, 20).map((x) => `${x.key} [${x.langs.join(', ')}]`);
    lines.push(`catalog texts changed: ${d.texts.length} (${shown.join('; ')}${d.texts.length > shown.length ? `; and ${d.texts.length - shown.length} more` : ''})`);
  }
  lines.push(`${d.changed.length} of ${d.households} sample households get a different list`);
  for (const h of d.changed) {
    lines.push(`${h.id} (${h.label})`);
    if (h.error) lines.push(`  ! ${h.error}`);
    if (h.added.length) lines.push(`  + added: ${h.added.join(', ')}`);
    if (h.removed.length) lines.push(`  - removed: ${h.removed.join(', ')}`);
    for (const c of h.changed) lines.push(`  ~ ${c.id}: ${c.fields.map((f) => `${f.field} ${f.from || '-'} → ${f.to || '-'}`).join(', ')}`);
    if (h.route) lines.push(`  > route: ${h.route.from.join(' → ') || '-'}  ⇒  ${h.route.to.join(' → ') || '-'}`);
  }
  return lines;
}
