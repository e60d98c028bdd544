import type { Resident } from '../../common/contract/residents';
import { formatWareki } from '../../common/wareki';
import { isChild } from '../../common/dates/ages';
import type { MemberFilter } from './template';

/** Everything a form may be bound to. */
export interface FormContext {
  /** ISO date the form is filled in (届出日). */
  today: string;
  cityName: string;
  householdId: string;
  /** The household in 住民票 order (世帯主 first). */
  members: Resident[];
  /** Who files: the visit's applicant when known, otherwise the 世帯主. */
  applicant: Resident;
  visit?: { id: string; number: number; station: string; businessDate: string; facts: unknown };
}

/** Age on `today` (a birthday counts on the day itself). */
export function ageOn(birth: string, today: string): number {
  const [y, m, d] = birth.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = today.split('-').map(Number) as [number, number, number];
  return ty - y - (tm < m || (tm === m && td < d) ? 1 : 0);
}

export function matches(r: Resident, f: MemberFilter | undefined, today: string): boolean {
  if (!f) return true;
  const age = ageOn(r.birthDate, today);
  if (f.minAge !== undefined && age < f.minAge) return false;
  if (f.maxAge !== undefined && age > f.maxAge) return false;
  if (f.child !== undefined && isChild(r.birthDate, today) !== f.child) return false;
  if (f.foreign !== undefined && (r.nationality !== 'JP') !== f.foreign) return false;
  if (f.kokuho !== undefined && r.kokuho !== f.kokuho) return false;
  if (f.koki !== undefined && r.koki !== f.koki) return false;
  if (f.sealRegistered !== undefined && r.sealRegistered !== f.sealRegistered) return false;
  return true;
}

function pick(obj: unknown, path: string[]): unknown {
  let cur = obj;
  for (const k of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}

/** The raw value a binding points at (`member.kana`, `household.address`, `facts.eventDate`, `today`). */
export function resolveBinding(bind: string, ctx: FormContext, member?: Resident): unknown {
  const [root, ...path] = bind.split('.');
  switch (root) {
    case 'today':
      return ctx.today;
    case 'city':
      return path[0] === 'name' ? ctx.cityName : undefined;
    case 'applicant':
      return path.length === 0 ? ctx.applicant : pick(ctx.applicant, path);
    case 'member':
      return member ? (path.length === 0 ? member : pick(member, path)) : undefined;
    case 'household': {
      const head = ctx.members.find((m) => m.head) ?? ctx.members[0]!;
      const h = { id: ctx.householdId, headName: head.name, headKana: head.kana, address: head.address, addressExtra: head.addressExtra ?? '', postalCode: head.postalCode, memberCount: ctx.members.length, self: head };
      return pick(h, path);
    }
    case 'spouse': {
      const s = spouseOf(ctx);
      return s ? (path.length === 0 ? s : pick(s, path)) : undefined;
    }
    case 'derived':
      return pick(derived(ctx), path);
    case 'visit':
      return ctx.visit ? pick(ctx.visit, path) : undefined;
    case 'facts':
      return ctx.visit ? pick(ctx.visit.facts, path) : undefined;
    default:
      return undefined;
  }
}

const KAIGO: Record<string, string> = { none: '', insured: '第1号被保険者', certified: '要介護・要支援認定あり' };
const PENSION: Record<string, string> = { category1: '第1号', category2: '第2号', category3: '第3号', none: '' };
const WELFARE: Record<string, string> = { none: '', kodomo: '子ども', hitorioya: 'ひとり親', judo: '重度心身障害者' };
const TECHO: Record<string, string> = { shintai: '身体', ryoiku: '療育', seishin: '精神' };

/** A bound value as the form prints it; `address` gives two lines (住所, then 方書). */
export function formatValue(format: string, value: unknown, ctx: FormContext, bind: string, member?: Resident): string[] {
  if (value === undefined || value === null || value === '') {
    if (format === 'address' && (bind.endsWith('.address') || bind === 'household.address')) return [];
    return [''];
  }
  switch (format) {
    case 'wareki':
      return [typeof value === 'string' ? formatWareki(value) : ''];
    case 'address': {
      const owner = bind.startsWith('member') ? member : bind.startsWith('applicant') ? ctx.applicant : (resolveBinding('household.self', ctx) as Resident);
      return [String(value), owner?.addressExtra ?? ''].filter(Boolean);
    }
    case 'sex':
      return [value === 'male' ? '男' : value === 'female' ? '女' : ''];
    case 'postal':
      return [`〒${String(value)}`];
    case 'nationality': {
      const r = bind.startsWith('member') ? member : ctx.applicant;
      return [value === 'JP' ? '日本' : (r?.nationalityName ?? String(value))];
    }
    case 'mark':
      return [value ? '○' : ''];
    case 'yesno':
      return [value ? '有' : '無'];
    case 'kaigo':
      return [KAIGO[String(value)] ?? ''];
    case 'pension':
      return [PENSION[String(value)] ?? ''];
    case 'welfare':
      return [WELFARE[String(value)] ?? ''];
    case 'techo':
      return [Array.isArray(value) ? value.map((t) => TECHO[String(t)] ?? String(t)).join('・') : ''];
    case 'insurance': {
      const r = value as Resident;
      return [r.koki ? '後期高齢者医療' : r.kokuho ? '国民健康保険' : ''];
    }
    case 'fiscalYear': {
      // 住民税 is assessed in June: the 所得・課税証明 of 年度 N is issued from 1 June of N, so one
      // asked for in April or May is still for the year before (not the April fiscal switch).
      const y = certificateFiscalYear(String(value));
      return [formatWareki(`${y}-06-01`).replace(/\d+月\d+日$/, '度')];
    }
    case 'age':
      return [typeof value === 'string' ? `${ageOn(value, ctx.today)}歳` : ''];
    default:
      return [String(value)];
  }
}

/** The latest 年度 a 所得・課税証明 can be issued for on `iso`: the new 年度 starts in June. */
export function certificateFiscalYear(iso: string): number {
  return Number(iso.slice(0, 4)) - (Number(iso.slice(5, 7)) < 6 ? 1 : 0);
}

const SPOUSE = /^(妻|夫|配偶者)$/;

/** The applicant's spouse in the household: the 世帯主's 妻/夫, or the 世帯主 when the applicant is one. */
export function spouseOf(ctx: FormContext): Resident | undefined {
  const a = ctx.applicant;
  if (a.head) return ctx.members.find((m) => m.id !== a.id && SPOUSE.test(m.relationship));
  if (SPOUSE.test(a.relationship)) return ctx.members.find((m) => m.head);
  return undefined;
}

interface VisitFactsLike {
  events?: string[];
  eventDate?: string;
  members?: Array<{ insurance?: string; previousInsurance?: string }>;
}

function facts(ctx: FormContext): VisitFactsLike {
  const f = ctx.visit?.facts;
  return f && typeof f === 'object' ? (f as VisitFactsLike) : {};
}

const IDO_KIND: Array<[string, string]> = [
  ['moving-in', '転入'],
  ['moving-within', '転居'],
  ['moving-out', '転出'],
  ['household-change', '世帯変更'],
];

/**
 * Values worked out from the visit's facts, in the words the forms print: 異動の種別, 前住所/新住所,
 * 新旧世帯主, 転出予定日, 届出人, and the 国保 異動の事由 already known.
 */
export function derived(ctx: FormContext): Record<string, string | undefined> {
  const f = facts(ctx);
  const events = f.events ?? [];
  const head = ctx.members.find((m) => m.head) ?? ctx.members[0]!;
  const kind = IDO_KIND.find(([e]) => events.includes(e))?.[1];
  const moving = kind === '転居' || kind === '転出';
  // The 方書 follows on its own line through the `address` format.
  const address = head.address;
  const inHousehold = ctx.members.some((m) => m.id === ctx.applicant.id);
  return {
    idoKind: kind,
    // On record is where the household lives now: the new address after a 転入 (or when the event is
    // not known), the former one for a 転居 or 転出, whose new address the clerk writes in.
    newAddress: moving ? undefined : address,
    oldAddress: moving ? address : undefined,
    newHead: kind === '世帯変更' ? undefined : head.name,
    oldHead: kind === '世帯変更' || moving ? head.name : undefined,
    moveOutDate: kind === '転出' ? f.eventDate : undefined,
    filer: ctx.applicant.head ? '世帯主' : inHousehold ? '本人' : '代理人',
    kokuhoReason: kokuhoReason(events, f.members ?? []),
  };
}

const EMPLOYEE = new Set(['employee', 'employee-dependent']);

function kokuhoReason(events: string[], members: Array<{ insurance?: string; previousInsurance?: string }>): string | undefined {
  if (events.includes('moving-in')) return '転入';
  if (events.includes('moving-out')) return '転出';
  if (events.includes('birth')) return '出生';
  if (events.includes('death')) return '死亡';
  if (events.includes('insurance-change')) {
    if (members.some((m) => m.insurance === 'nhi' && EMPLOYEE.has(m.previousInsurance ?? ''))) return '社保離脱';
    if (members.some((m) => m.previousInsurance === 'nhi' && EMPLOYEE.has(m.insurance ?? ''))) return '社保加入';
  }
  if (events.includes('household-change')) return '世帯変更';
  return undefined;
}

/** Which option of a choice the bound value picks (an array value picks an option naming any of its items). */
export function chosenOption(options: Array<{ text: string; values?: string[] | undefined }>, value: unknown): number {
  const vals = (Array.isArray(value) ? value : [value]).filter((v) => v !== undefined && v !== null && v !== '').map(String);
  return options.findIndex((o) => (o.values ?? [o.text]).some((v) => vals.includes(v)));
}
