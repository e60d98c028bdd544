import type { Resident } from '../../common/contract/residents';
import { formatWareki } from '../../common/wareki';
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
  if (f.foreign !== undefined && (r.nationality !== 'JP') !== f.foreign) return false;
  if (f.kokuho !== undefined && r.kokuho !== f.kokuho) return false;
  if (f.koki !== undefined && r.koki !== f.koki) return false;
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
      // 年度 runs April to March: a certificate asked for in January is for the year before.
      const iso = String(value);
      const y = Number(iso.slice(0, 4)) - (Number(iso.slice(5, 7)) < 4 ? 1 : 0);
      return [formatWareki(`${y}-06-01`).replace(/\d+月\d+日$/, '度')];
    }
    case 'age':
      return [typeof value === 'string' ? `${ageOn(value, ctx.today)}歳` : ''];
    default:
      return [String(value)];
  }
}
