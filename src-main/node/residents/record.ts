import { isIsoDate } from '../../common/dates/isoDate';
import type { Resident } from '../../common/contract/residents';
import { isKatakanaName, toKatakana } from './kana';

/**
 * One linkage row → a Resident, or the list of fields at fault. The column names are the public
 * format (docs/linkage-format.md): snake_case, the same in CSV headers and JSON keys.
 */
export const LINKAGE_COLUMNS = [
  'id',
  'household_id',
  'name',
  'kana',
  'birth_date',
  'sex',
  'postal_code',
  'address',
  'address_extra',
  'head',
  'relationship',
  'honseki',
  'hittousha',
  'nationality',
  'nationality_name',
  'residence_status',
  'period_of_stay',
  'stay_expiry',
  'residence_card_no',
  'alias',
  'alias_kana',
  'kokuho',
  'koki',
  'kaigo',
  'pension',
  'receives_pension',
  'welfare_medical',
  'techo',
  'seal_registered',
  'my_number_card',
] as const;
export type LinkageColumn = (typeof LINKAGE_COLUMNS)[number];
/** Delta files add `action`: upsert (default) or retire (転出・死亡等で除票). */
export const ACTION_COLUMN = 'action';
const REQUIRED: readonly LinkageColumn[] = ['id', 'household_id', 'name', 'kana', 'birth_date', 'sex', 'postal_code', 'address', 'head', 'relationship', 'nationality'];

/** 在留資格 whose card has no 在留期間 to print (the stay itself has no end). */
const NO_STAY_END = new Set(['特別永住者', '永住者']);
const KAIGO = ['none', 'insured', 'certified'] as const;
const PENSION = ['category1', 'category2', 'category3', 'none'] as const;
const WELFARE = ['none', 'kodomo', 'hitorioya', 'judo'] as const;
const TECHO = ['shintai', 'ryoiku', 'seishin'] as const;

export interface FieldIssue {
  field: string;
  message: string;
}

export type RowValues = Partial<Record<LinkageColumn | typeof ACTION_COLUMN, string>>;

export type ParsedRow = { action: 'upsert'; resident: Resident } | { action: 'retire'; id: string };

/** JSON values (booleans, arrays, numbers) become the same text a CSV cell would hold. */
export function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (Array.isArray(v)) return v.map(String).join(';');
  return String(v).trim();
}

const ID_RE = /^[0-9A-Za-z-]{1,40}$/;

export function parseRow(values: RowValues, today: string): { row?: ParsedRow; issues: FieldIssue[] } {
  const issues: FieldIssue[] = [];
  const bad = (field: string, message: string) => issues.push({ field, message });
  const get = (k: LinkageColumn) => (values[k] ?? '').trim();
  const action = (values.action ?? '').trim() || 'upsert';
  if (action !== 'upsert' && action !== 'retire') bad('action', `must be "upsert" or "retire", got "${action}"`);
  const id = get('id');
  if (!ID_RE.test(id)) bad('id', id ? `"${id}" is not an id (letters, digits, "-", at most 40)` : 'is empty');
  if (action === 'retire') return issues.length ? { issues } : { row: { action: 'retire', id }, issues };

  for (const k of REQUIRED) if (k !== 'id' && !get(k)) bad(k, 'is empty');
  const flag = (k: LinkageColumn): boolean => {
    const v = get(k);
    if (v === '' || v === '0' || v === 'false') return false;
    if (v === '1' || v === 'true') return true;
    bad(k, `must be 1 or 0, got "${v}"`);
    return false;
  };
  const oneOf = <T extends string>(k: LinkageColumn, allowed: readonly T[], def: T): T => {
    const v = get(k) || def;
    if (!(allowed as readonly string[]).includes(v)) {
      bad(k, `must be one of ${allowed.join(', ')}, got "${v}"`);
      return def;
    }
    return v as T;
  };
  const date = (k: LinkageColumn): string | undefined => {
    const v = get(k);
    if (!v) return undefined;
    if (!isIsoDate(v)) bad(k, `"${v}" is not a date (YYYY-MM-DD)`);
    return v;
  };

  const householdId = get('household_id');
  if (householdId && !ID_RE.test(householdId)) bad('household_id', `"${householdId}" is not an id`);
  const name = get('name');
  if (name.length > 80) bad('name', 'is longer than 80 characters');
  const kana = toKatakana(get('kana').normalize('NFKC'));
  if (kana && !isKatakanaName(kana)) bad('kana', `"${get('kana')}" must be katakana (フリガナ)`);
  const birthDate = date('birth_date');
  if (birthDate && isIsoDate(birthDate) && birthDate > today) bad('birth_date', `${birthDate} is in the future`);
  const sexText = get('sex');
  const sex = ({ M: 'male', F: 'female', '1': 'male', '2': 'female', 男: 'male', 女: 'female', male: 'male', female: 'female' } as const)[sexText as 'M'];
  if (sexText && !sex) bad('sex', `must be M or F (1/2, 男/女), got "${sexText}"`);
  const postal = get('postal_code').normalize('NFKC').replace(/[-ー‐]/g, '');
  if (postal && !/^\d{7}$/.test(postal)) bad('postal_code', `"${get('postal_code')}" is not a postal code (123-4567)`);
  const nationality = get('nationality').toUpperCase();
  if (nationality && !/^[A-Z]{2}$/.test(nationality)) bad('nationality', `"${get('nationality')}" is not an ISO 3166 two-letter code`);
  const foreign = nationality !== '' && nationality !== 'JP';
  const residenceStatus = get('residence_status');
  const stayExpiry = date('stay_expiry');
  const cardNo = get('residence_card_no').toUpperCase();
  if (foreign) {
    if (!residenceStatus) bad('residence_status', 'a foreign resident needs 在留資格');
    if (!get('nationality_name')) bad('nationality_name', 'a foreign resident needs 国籍・地域');
    if (residenceStatus && !NO_STAY_END.has(residenceStatus) && !stayExpiry) bad('stay_expiry', `在留資格 "${residenceStatus}" needs 満了日`);
    if (get('honseki')) bad('honseki', '本籍 is only for Japanese nationals');
  }
  if (cardNo && !/^[A-Z]{2}\d{8}[A-Z]{2}$/.test(cardNo)) bad('residence_card_no', `"${cardNo}" is not a 在留カード番号 (AB12345678CD)`);
  const kokuho = flag('kokuho');
  const koki = flag('koki');
  if (kokuho && koki) bad('koki', '国保 and 後期高齢 cannot both be held');
  const techoText = get('techo');
  const techo = techoText ? techoText.split(/[;|]/).map((t) => t.trim()).filter(Boolean) : [];
  for (const t of techo) if (!(TECHO as readonly string[]).includes(t)) bad('techo', `unknown 手帳 "${t}" (known: ${TECHO.join(', ')})`);

  const resident: Resident = {
    id,
    householdId,
    name,
    kana,
    birthDate: birthDate ?? '',
    sex: sex ?? 'male',
    postalCode: postal.length === 7 ? `${postal.slice(0, 3)}-${postal.slice(3)}` : postal,
    address: get('address'),
    head: flag('head'),
    relationship: get('relationship'),
    nationality,
    kokuho,
    koki,
    kaigo: oneOf('kaigo', KAIGO, 'none'),
    pension: oneOf('pension', PENSION, 'none'),
    receivesPension: flag('receives_pension'),
    welfareMedical: oneOf('welfare_medical', WELFARE, 'none'),
    techo: [...new Set(techo)] as Resident['techo'],
    sealRegistered: flag('seal_registered'),
    myNumberCard: flag('my_number_card'),
  };
  const opt = (k: LinkageColumn, key: keyof Resident, v: string = get(k)) => {
    if (v) (resident as unknown as Record<string, unknown>)[key] = v;
  };
  opt('address_extra', 'addressExtra');
  opt('honseki', 'honseki');
  opt('hittousha', 'hittousha');
  opt('nationality_name', 'nationalityName');
  opt('residence_status', 'residenceStatus');
  opt('period_of_stay', 'periodOfStay');
  opt('stay_expiry', 'stayExpiry', stayExpiry ?? '');
  opt('residence_card_no', 'residenceCardNo', cardNo);
  opt('alias', 'alias');
  opt('alias_kana', 'aliasKana', toKatakana(get('alias_kana').normalize('NFKC')));
  return issues.length ? { issues } : { row: { action: 'upsert', resident }, issues };
}

/** The row a Resident would be written as (the generator and exports use it). */
export function residentToRow(r: Resident): Record<LinkageColumn, string> {
  return {
    id: r.id,
    household_id: r.householdId,
    name: r.name,
    kana: r.kana,
    birth_date: r.birthDate,
    sex: r.sex === 'male' ? 'M' : 'F',
    postal_code: r.postalCode,
    address: r.address,
    address_extra: r.addressExtra ?? '',
    head: r.head ? '1' : '0',
    relationship: r.relationship,
    honseki: r.honseki ?? '',
    hittousha: r.hittousha ?? '',
    nationality: r.nationality,
    nationality_name: r.nationalityName ?? '',
    residence_status: r.residenceStatus ?? '',
    period_of_stay: r.periodOfStay ?? '',
    stay_expiry: r.stayExpiry ?? '',
    residence_card_no: r.residenceCardNo ?? '',
    alias: r.alias ?? '',
    alias_kana: r.aliasKana ?? '',
    kokuho: r.kokuho ? '1' : '0',
    koki: r.koki ? '1' : '0',
    kaigo: r.kaigo,
    pension: r.pension,
    receives_pension: r.receivesPension ? '1' : '0',
    welfare_medical: r.welfareMedical,
    techo: r.techo.join(';'),
    seal_registered: r.sealRegistered ? '1' : '0',
    my_number_card: r.myNumberCard ? '1' : '0',
  };
}
