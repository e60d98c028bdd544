import { z } from 'zod';
import { LANGUAGES } from '../config/schema';
import type { VisitState } from '../visit/state';
import { method } from './define';

/**
 * A resident as the linkage data (連携サーバ export) carries it: what the pre-filled forms need and
 * the qualifications the guidance list reads (データ連携判定). The file format is docs/linkage-format.md.
 */
export interface Resident {
  /** 宛名番号 / 住民番号 of the core system. */
  id: string;
  /** 世帯番号 */
  householdId: string;
  /** 氏名 (for foreign residents, the name as on the residence card). */
  name: string;
  /** フリガナ, full-width katakana. */
  kana: string;
  /** 生年月日, ISO. */
  birthDate: string;
  /** 性別 */
  sex: 'male' | 'female';
  postalCode: string;
  /** 住所 (without 方書). */
  address: string;
  /** 方書 (building and room), printed on its own line. */
  addressExtra?: string;
  /** 世帯主 */
  head: boolean;
  /** 続柄 as the 住民票 writes it: 世帯主, 妻, 子, 母 … */
  relationship: string;
  /** 本籍 and 筆頭者: Japanese nationals only. */
  honseki?: string;
  hittousha?: string;
  /** ISO 3166-1 alpha-2; JP for Japanese nationals. */
  nationality: string;
  /** Foreign residents: 国籍・地域 as printed, 在留資格, 在留期間, 満了日, 在留カード番号, 通称. */
  nationalityName?: string;
  residenceStatus?: string;
  periodOfStay?: string;
  stayExpiry?: string;
  residenceCardNo?: string;
  alias?: string;
  aliasKana?: string;
  /** Qualifications (資格情報). */
  kokuho: boolean;
  koki: boolean;
  /** 介護保険: none, insured (第1号被保険者), certified (要介護・要支援認定). */
  kaigo: 'none' | 'insured' | 'certified';
  /** 国民年金 種別 */
  pension: 'category1' | 'category2' | 'category3' | 'none';
  receivesPension: boolean;
  /** 福祉医療: 子ども, ひとり親, 重度心身障害者. */
  welfareMedical: 'none' | 'kodomo' | 'hitorioya' | 'judo';
  /** 手帳: 身体, 療育, 精神. */
  techo: Array<'shintai' | 'ryoiku' | 'seishin'>;
  sealRegistered: boolean;
  myNumberCard: boolean;
}

export interface HouseholdSummary {
  householdId: string;
  headName: string;
  address: string;
  addressExtra?: string;
  memberIds: string[];
}

export interface ResidentHit {
  id: string;
  householdId: string;
  name: string;
  kana: string;
  birthDate: string;
  relationship: string;
  address: string;
}

export interface Household {
  householdId: string;
  members: Resident[];
}

/** Where an interview answer and the linkage data disagree: the clerk decides which one the list follows. */
export interface FactCheck {
  member: number;
  field: string;
  answered: unknown;
  data: unknown;
  /** The clerk's choice (absent in a check, before the decision): the register's value or the visitor's answer. */
  kept?: 'data' | 'answered';
}

/** The clerk's choice for one difference: keep the register's value or the visitor's answer. */
export interface LinkDecision {
  member: number;
  field: string;
  keep: 'data' | 'answered';
}

export interface AttachResult {
  visit: VisitState;
  checks: FactCheck[];
  /** Items the merged facts added to the list (with `checked`: would add). */
  added: string[];
  /** A check only (`check: true`): nothing was attached, the differences await the clerk's decisions. */
  checked?: boolean;
}

export interface FormRef {
  id: string;
  name: string;
}

export interface PdfDocument {
  /** base64 of the PDF, for an <iframe>/<embed> data: URL. */
  pdfBase64: string;
  pages: number;
  bytes: number;
  forms: FormRef[];
  /** Forms asked for but left out, each with why (code `no-member`: nobody in the household it applies to). */
  skipped?: SkippedForm[];
}

export interface SkippedForm {
  id: string;
  name: string;
  reason: string;
}

export interface FormsPrintOutcome {
  printer: string;
  forms: FormRef[];
  pages: number;
  bytes: number;
  /** Where the job went: a file path (file printer) or the spooler's job id. */
  destination: string;
  skipped?: SkippedForm[];
}

export interface AuditRecord {
  id: number;
  at: string;
  actor: string;
  terminal: string;
  action: string;
  residentId: string | null;
  householdId: string | null;
  visitId: string | null;
  purpose: string;
  detail: string | null;
}

/** Who may read resident data: the contract refuses other roles; the residents module re-checks with config. */
const RESIDENT_ROLES = ['counter', 'supervisor', 'admin'] as const;
const purpose = z.string().trim().min(1, 'say why (the audit log records it)').max(200);
const residentId = z.string().min(1).max(40);
const visitId = z.string().uuid();

export const residentsMethods = {
  'residents.search': method<ResidentHit[]>()(
    z
      .object({
        kana: z.string().trim().max(60).optional(),
        birthDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD').optional(),
        householdId: z.string().trim().max(40).optional(),
        visitId: visitId.optional(),
        purpose: purpose.default('来庁者の確認'),
        limit: z.number().int().min(1).max(200).default(50),
      })
      .refine((x) => x.kana || x.birthDate || x.householdId, { message: 'give a kana name, a birth date or a household number', path: ['kana'] }),
    { roles: RESIDENT_ROLES, staff: true },
  ),
  'residents.household': method<Household>()(z.object({ householdId: z.string().trim().min(1).max(40), visitId: visitId.optional(), purpose: purpose.default('世帯の確認') }), { roles: RESIDENT_ROLES, staff: true }),
  'residents.attach': method<AttachResult>()(
    z.object({
      visitId,
      residentIds: z.array(residentId).min(1).max(20),
      applicantId: residentId.optional(),
      purpose: purpose.default('データ連携判定'),
      /** Only compare: return the differences (and the items the data would add); attach nothing. */
      check: z.boolean().optional(),
      /** One per difference between the interview and the data; an attach with a difference left undecided is refused. */
      decisions: z.array(z.object({ member: z.number().int().min(0).max(49), field: z.string().min(1).max(40), keep: z.enum(['data', 'answered']) })).max(200).optional(),
    }),
    { roles: ['counter', 'supervisor'], staff: true },
  ),
  'forms.list': method<FormRef[]>()(z.object({ visitId: visitId.optional() }), { roles: RESIDENT_ROLES }),
  'forms.preview': method<PdfDocument>()(
    z.object({ visitId, forms: z.array(z.string().min(1)).max(20).optional(), householdId: z.string().min(1).max(40).optional() }),
    { roles: RESIDENT_ROLES, staff: true },
  ),
  'forms.print': method<FormsPrintOutcome>()(
    z.object({ visitId, forms: z.array(z.string().min(1)).max(20).optional(), householdId: z.string().min(1).max(40).optional() }),
    { roles: ['counter', 'supervisor'], staff: true },
  ),
  /** The printed list carries no resident data (facts have no names), so the kiosk may print it too. */
  'guidance.listPdf': method<PdfDocument>()(z.object({ visitId, lang: z.enum(LANGUAGES).optional() }), { roles: ['kiosk', 'counter', 'supervisor', 'admin'] }),
  'audit.export': method<{ records: AuditRecord[]; csv: string }>()(
    z.object({ from: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD'), to: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD') }),
    { roles: ['supervisor', 'admin'], staff: true },
  ),
};
