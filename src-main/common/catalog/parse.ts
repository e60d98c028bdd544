import type { z } from 'zod';
import { AppError, formatPath } from '../errors';
import { AGE_BAND_IDS } from '../dates/ageBands';
import { LIFE_EVENTS, MEMBER_FIELDS, ROLES, VISIT_FIELDS, type LifeEvent } from '../guidance/facts';
import { checkCondition, factsRead, type Condition, type ConditionIssue } from './condition';
import {
  bringFileSchema,
  DELIVERIES,
  departmentsFileSchema,
  formsFileSchema,
  onlineFileSchema,
  proceduresFileSchema,
  questionsFileSchema,
  ROUTES,
} from './schema';
import { parentAnswerValues, parentCycle, typesForFact } from './questionUsage';
import { BASE_LANGUAGE, flattenTexts } from './texts';
import type { Catalog, CatalogBundle, CatalogIssue, QuestionDef } from './types';

export const CATALOG_FILES = {
  departments: 'departments.json',
  procedures: 'procedures.json',
  bring: 'bring.json',
  online: 'online.json',
  forms: 'forms.json',
  questions: 'questions.json',
} as const;

export const localeFile = (lang: string): string => `locales/${lang}/catalog.json`;

/** Headings of a printed or spoken guidance list (CLI text, printed list). */
export const LIST_TEXT_KEYS = ['title', 'route', 'counter', 'floor', 'deadline', 'availableFrom', 'bring', 'bringAll', 'online', 'forms', 'members', 'fee', 'convenienceStore', 'toConfirm', 'warnings', 'none', 'oneStop', 'wanted', 'yen'] as const;

/** Statuses and other fixed words every language must name. */
const FIXED_TEXT_KEYS = [
  ...LIFE_EVENTS.map((e) => `event.${e}`),
  ...ROUTES.map((r) => `route.${r}`),
  ...DELIVERIES.map((d) => `delivery.${d}`),
  ...['required', 'optional', 'to-confirm'].map((s) => `status.${s}`),
  ...ROLES.map((r) => `value.role.${r}`),
  ...AGE_BAND_IDS.map((b) => `value.ageBand.${b}`),
  ...['yes', 'no', 'unknown'].map((a) => `answer.${a}`),
  ...LIST_TEXT_KEYS.map((k) => `list.${k}`),
];

function parseFile<S extends z.ZodType>(schema: S, raw: unknown, file: string, issues: CatalogIssue[]): z.infer<S> | undefined {
  const r = schema.safeParse(raw);
  if (r.success) return r.data;
  for (const i of r.error.issues) issues.push({ file, path: formatPath(i.path) || '(root)', reason: i.message });
  return undefined;
}

function dupes(list: Array<{ id: string }>, file: string, key: string, issues: CatalogIssue[]): void {
  const seen = new Map<string, number>();
  list.forEach((x, i) => {
    const first = seen.get(x.id);
    if (first !== undefined) issues.push({ file, path: `${key}[${i}].id`, reason: `duplicate id "${x.id}" (first at ${key}[${first}])` });
    else seen.set(x.id, i);
  });
}

function pushCond(file: string, issues: CatalogIssue[], found: ConditionIssue[]): void {
  for (const f of found) issues.push({ file, path: f.path, reason: f.reason });
}

/** Facts a question can set: visit facts, `members`, `eventDate`, or `member.<field>` / `member.age`. */
function questionFactExists(fact: string): boolean {
  if (fact === 'members' || fact === 'eventDate' || fact === 'member.age') return true;
  if (fact.startsWith('member.')) return MEMBER_FIELDS[fact.slice(7)] !== undefined;
  return VISIT_FIELDS[fact] !== undefined;
}

/** Option values of a choice question, from the fact's own value list. */
export function questionOptions(q: QuestionDef): string[] | undefined {
  const spec = q.fact.startsWith('member.') ? MEMBER_FIELDS[q.fact.slice(7)] : VISIT_FIELDS[q.fact];
  if (!spec) return undefined;
  if (spec.kind === 'enum' || spec.kind === 'list') return [...spec.values];
  return undefined;
}

/**
 * Checks a whole catalog bundle and returns every issue (file, JSON path, reason); the catalog
 * is returned only when there is none.
 */
export function checkCatalog(bundle: CatalogBundle): { catalog?: Catalog; issues: CatalogIssue[] } {
  const issues: CatalogIssue[] = [];
  const F = CATALOG_FILES;
  const deps = parseFile(departmentsFileSchema, bundle.departments, F.departments, issues);
  const procs = parseFile(proceduresFileSchema, bundle.procedures, F.procedures, issues);
  const bring = parseFile(bringFileSchema, bundle.bring, F.bring, issues);
  const online = parseFile(onlineFileSchema, bundle.online, F.online, issues);
  const forms = parseFile(formsFileSchema, bundle.forms, F.forms, issues);
  const questions = parseFile(questionsFileSchema, bundle.questions, F.questions, issues);

  const depIds = new Set(deps?.departments.map((d) => d.id) ?? []);
  if (deps) {
    dupes(deps.departments, F.departments, 'departments', issues);
    if (!depIds.has(deps.oneStop)) issues.push({ file: F.departments, path: 'oneStop', reason: `unknown department "${deps.oneStop}"` });
    const seen = new Set<string>();
    deps.routeOrder.forEach((d, i) => {
      if (!depIds.has(d)) issues.push({ file: F.departments, path: `routeOrder[${i}]`, reason: `unknown department "${d}"` });
      if (seen.has(d)) issues.push({ file: F.departments, path: `routeOrder[${i}]`, reason: `"${d}" is listed twice` });
      seen.add(d);
    });
    deps.departments.forEach((d, i) => {
      if (d.external) {
        // An external place is never routed and never a counter of the route.
        if (seen.has(d.id)) issues.push({ file: F.departments, path: 'routeOrder', reason: `"${d.id}" is an external place: it cannot be on the route` });
        if (d.id === deps.oneStop) issues.push({ file: F.departments, path: 'oneStop', reason: `"${d.id}" is an external place` });
        return;
      }
      if (!seen.has(d.id)) issues.push({ file: F.departments, path: 'routeOrder', reason: `department "${d.id}" is missing from the route order` });
      if (d.counter === undefined) issues.push({ file: F.departments, path: `departments[${i}].counter`, reason: 'a department in the city hall needs its counter number (窓口番号)' });
    });
  }
  if (bring) dupes(bring.items, F.bring, 'items', issues);
  if (online) dupes(online.options, F.online, 'options', issues);
  if (forms) dupes(forms.forms, F.forms, 'forms', issues);
  if (questions) dupes(questions.questions, F.questions, 'questions', issues);

  const bringIds = new Set(bring?.items.map((b) => b.id));
  const onlineIds = new Set(online?.options.map((o) => o.id));
  const formIds = new Set(forms?.forms.map((f) => f.id));

  if (procs) {
    dupes(procs.procedures, F.procedures, 'procedures', issues);
    procs.procedures.forEach((p, i) => {
      const at = `procedures[${i}]`;
      if (deps && !depIds.has(p.department)) issues.push({ file: F.procedures, path: `${at}.department`, reason: `unknown department "${p.department}"` });
      p.appearsWhen.forEach((r, j) => {
        const rat = `${at}.appearsWhen[${j}]`;
        const found: ConditionIssue[] = [];
        r.events.forEach((e, k) => {
          if (!(LIFE_EVENTS as readonly string[]).includes(e)) found.push({ path: `${rat}.events[${k}]`, reason: `unknown event "${e}"` });
        });
        if (r.if !== undefined) checkCondition(r.if, `${rat}.if`, found);
        if (r.concerns !== undefined) checkCondition(r.concerns, `${rat}.concerns`, found);
        r.overrides?.forEach((o, k) => checkCondition(o.if, `${rat}.overrides[${k}].if`, found));
        r.toConfirm?.forEach((f, k) => {
          if (f === 'members' || f === 'eventDate' || !questionFactExists(f)) found.push({ path: `${rat}.toConfirm[${k}]`, reason: `no fact named "${f}" (FACTS.md)` });
        });
        pushCond(F.procedures, issues, found);
      });
      p.bring.forEach((b, j) => {
        const bid = typeof b === 'string' ? b : b.id;
        if (bring && !bringIds.has(bid)) issues.push({ file: F.procedures, path: `${at}.bring[${j}]`, reason: `unknown bring item "${bid}" (bring.json)` });
        if (typeof b !== 'string') {
          const found: ConditionIssue[] = [];
          checkCondition(b.if, `${at}.bring[${j}].if`, found);
          pushCond(F.procedures, issues, found);
        }
      });
      p.online.forEach((o, j) => {
        if (online && !onlineIds.has(o)) issues.push({ file: F.procedures, path: `${at}.online[${j}]`, reason: `unknown online option "${o}" (online.json)` });
      });
      p.forms.forEach((o, j) => {
        if (forms && !formIds.has(o)) issues.push({ file: F.procedures, path: `${at}.forms[${j}]`, reason: `unknown form "${o}" (forms.json)` });
      });
    });
  }

  if (questions) {
    const qids = new Set(questions.questions.map((q) => q.id));
    questions.questions.forEach((q, i) => {
      if (!questionFactExists(q.fact)) issues.push({ file: F.questions, path: `questions[${i}].fact`, reason: `no fact named "${q.fact}" (FACTS.md)` });
      if (q.parent && !qids.has(q.parent.question)) issues.push({ file: F.questions, path: `questions[${i}].parent.question`, reason: `unknown question "${q.parent.question}"` });
      if (q.tier === 'follow-up' && !q.parent) issues.push({ file: F.questions, path: `questions[${i}].parent`, reason: 'a follow-up needs a parent question' });
      const memberType = q.type.startsWith('member-');
      const fits = typesForFact(q.fact);
      if (memberType !== q.fact.startsWith('member.') || (fits.length > 0 && !fits.includes(q.type))) {
        issues.push({ file: F.questions, path: `questions[${i}].type`, reason: `type "${q.type}" does not fit fact "${q.fact}"${fits.length ? ` (use ${fits.join(' or ')})` : ''}` });
      }
      if (q.parent && qids.has(q.parent.question)) {
        const loop = parentCycle(questions.questions as QuestionDef[], q.id);
        if (loop) issues.push({ file: F.questions, path: `questions[${i}].parent.question`, reason: `follow-ups go round in a circle (${[...loop, loop[0]].join(' → ')})` });
        const parent = questions.questions.find((x) => x.id === q.parent!.question) as QuestionDef;
        const values = parentAnswerValues(parent);
        q.parent.in?.forEach((v, k) => {
          if (values && !values.includes(v)) issues.push({ file: F.questions, path: `questions[${i}].parent.in[${k}]`, reason: `${JSON.stringify(v)} is not an answer of question "${parent.id}"` });
        });
        if (q.parent.in && q.parent.in.length === 0) issues.push({ file: F.questions, path: `questions[${i}].parent.in`, reason: 'pick at least one answer of the parent question' });
      }
    });
  }

  // Every fact a condition reads must be askable, or the interview could never settle it.
  if (questions && procs) {
    const askable = new Set(questions.questions.map((q) => q.fact));
    askable.add('member.role'); // given with the members answer
    askable.add('member.nationality'); // given with the members answer too
    procs.procedures.forEach((p, i) => {
      p.appearsWhen.forEach((r, j) => {
        const read = new Set<string>();
        if (r.if !== undefined) factsRead(r.if as Condition, read);
        r.overrides?.forEach((o) => factsRead(o.if as Condition, read));
        for (const f of read) {
          if (f === 'members' || askable.has(f)) continue;
          if (!(f in VISIT_FIELDS) && !(f.startsWith('member.') && (f === 'member.age' || f.slice(7) in MEMBER_FIELDS))) continue; // reported above
          issues.push({ file: F.questions, path: 'questions', reason: `no question asks "${f}", which procedures[${i}].appearsWhen[${j}] (${p.id}) reads` });
        }
      });
    });
  }

  // Texts: Japanese names every id; every other shipped language has every Japanese key.
  const texts: Record<string, Record<string, string>> = {};
  for (const [lang, raw] of Object.entries(bundle.locales)) {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      issues.push({ file: localeFile(lang), path: '(root)', reason: 'must be a JSON object' });
      continue;
    }
    texts[lang] = flattenTexts(raw);
  }
  const ja = texts[BASE_LANGUAGE];
  if (!ja) issues.push({ file: localeFile(BASE_LANGUAGE), path: '(root)', reason: 'the Japanese catalog texts are missing' });
  else {
    const need: string[] = [...FIXED_TEXT_KEYS];
    deps?.departments.forEach((d) => need.push(`department.${d.id}`));
    procs?.procedures.forEach((p) => need.push(`procedure.${p.id}`));
    bring?.items.forEach((b) => need.push(`bring.${b.id}`));
    online?.options.forEach((o) => need.push(`online.${o.id}`));
    forms?.forms.forEach((f) => need.push(`form.${f.id}`));
    questions?.questions.forEach((q) => {
      need.push(`question.${q.id}`);
      for (const v of questionOptions(q as QuestionDef) ?? []) if (v !== 'unknown') need.push(`value.${q.fact.replace(/^member\./, '')}.${v}`);
    });
    for (const k of need) if (!ja[k]) issues.push({ file: localeFile(BASE_LANGUAGE), path: k, reason: 'missing translation (no Japanese text for this id)' });
    for (const [lang, t] of Object.entries(texts)) {
      if (lang === BASE_LANGUAGE) continue;
      for (const k of Object.keys(ja)) if (!t[k]) issues.push({ file: localeFile(lang), path: k, reason: `missing translation (ja has "${k}")` });
    }
  }

  if (issues.length > 0 || !deps || !procs || !bring || !online || !forms || !questions) return { issues };

  const catalog: Catalog = {
    oneStop: deps.oneStop,
    routeOrder: deps.routeOrder,
    departments: Object.fromEntries(deps.departments.map((d) => [d.id, { ...d, counter: d.counter ?? '' }])),
    procedures: procs.procedures.map((p) => ({
      ...p,
      appearsWhen: p.appearsWhen.map((r) => ({ ...r, events: r.events as LifeEvent[], if: r.if as Condition | undefined, concerns: r.concerns as Condition | undefined, overrides: r.overrides?.map((o) => ({ ...o, if: o.if as Condition })) })),
      bring: p.bring.map((b) => (typeof b === 'string' ? { id: b } : { id: b.id, if: b.if as Condition })),
    })),
    procedureIndex: Object.fromEntries(procs.procedures.map((p, i) => [p.id, i])),
    bring: Object.fromEntries(bring.items.map((b) => [b.id, b])),
    online: Object.fromEntries(online.options.map((o) => [o.id, o])),
    forms: Object.fromEntries(forms.forms.map((f) => [f.id, f])),
    questions: questions.questions as QuestionDef[],
    texts,
    languages: Object.keys(texts).sort((a, b) => (a === BASE_LANGUAGE ? -1 : b === BASE_LANGUAGE ? 1 : a.localeCompare(b))),
  };
  return { catalog, issues };
}

/** Validates a catalog bundle (the same JSON in Node and in the browser); throws AppError('bad-catalog') naming `<file>:<path>`. */
export function parseCatalog(bundle: CatalogBundle): Catalog {
  const { catalog, issues } = checkCatalog(bundle);
  if (!catalog) {
    const first = issues[0] ?? { file: '(catalog)', path: '(root)', reason: 'invalid catalog' };
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more issue${issues.length > 2 ? 's' : ''})` : '';
    throw new AppError('bad-catalog', `${first.reason}${more}`, { field: `${first.file}:${first.path}`, details: issues });
  }
  return catalog;
}

