import { z } from 'zod';

/**
 * The catalog files' shapes (fixtures/catalog/*.json). Conditions are checked separately
 * (condition.ts) so an error can say which fact does not exist rather than "invalid union".
 */

export const ROUTES = ['accept', 'proxy', 'refer', 'refer-optional', 'none'] as const;
export type Route = (typeof ROUTES)[number];
/** The plan's 振り分けパターン marks, for printed lists and the supervisor. */
export const ROUTE_MARKS: Record<Route, string> = { accept: '①', proxy: '②', refer: '③', 'refer-optional': '④', none: '⑤' };

export const DELIVERIES = ['none', 'immediate', 'later'] as const;
export type Delivery = (typeof DELIVERIES)[number];

export const ONLINE_KINDS = ['mynaportal', 'pittari', 'city-form', 'convenience-store', 'other'] as const;
export type OnlineKind = (typeof ONLINE_KINDS)[number];

const id = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'ids are lower-case words joined by "-"');

export const departmentsFileSchema = z.strictObject({
  note: z.string().optional(),
  /** Department whose counter is the one-stop counter (総合窓口): every accept/proxy item is handled there. */
  oneStop: id,
  /** Building layout order used to route a visit through referred departments. */
  routeOrder: z.array(id),
  departments: z.array(
    z.strictObject({
      id,
      /** 窓口番号 shown on tickets and lists (none for an external place). */
      counter: z.string().min(1).optional(),
      /** A place outside the city hall (出入国在留管理局): named on the list with what to bring, never routed, never a counter. */
      external: z.boolean().optional(),
      floor: z.string().min(1).optional(),
      note: z.string().optional(),
    }),
  ),
});

const conditionData = z.unknown();

/** civil: 民法140条 (the first day is not counted); koseki: 戸籍法43条 (the day of the event is day 1). */
const countSchema = z.enum(['civil', 'koseki']);

const deadlineSchema = z.union([
  z.strictObject({ days: z.number().int().positive(), from: z.enum(['eventDate', 'date']).optional(), count: countSchema.optional() }),
  z.strictObject({ months: z.number().int().positive(), count: countSchema.optional() }),
  z.strictObject({ years: z.number().int().positive() }),
  /** Before the event (e.g. before leaving the country): the event day itself is the last day, never moved. */
  z.strictObject({ beforeEvent: z.literal(true) }),
  /** Can be filed from N days before the event (転出届); no end date is computed. */
  z.strictObject({ daysBefore: z.number().int().positive() }),
  z.null(),
]);

const overrideSchema = z.strictObject({
  if: conditionData,
  route: z.enum(ROUTES).optional(),
  delivery: z.enum(DELIVERIES).optional(),
  wanted: z.boolean().optional(),
});

const ruleSchema = z.strictObject({
  events: z.array(z.string()).min(1),
  /** Listed when this holds (absent: always, for these events). */
  if: conditionData.optional(),
  /** Which members the item concerns; absent: those the condition matched, else every remaining member. */
  concerns: conditionData.optional(),
  route: z.enum(ROUTES).optional(),
  delivery: z.enum(DELIVERIES).optional(),
  wanted: z.boolean().optional(),
  overrides: z.array(overrideSchema).optional(),
  /**
   * When this rule holds the item is listed *to confirm*, never as settled (e.g. 出産育児一時金 when
   * nobody is marked as the one who gave birth); the facts named (`member.gaveBirth`) are what would settle it.
   */
  toConfirm: z.array(z.string()).optional(),
});

const bringRefSchema = z.union([id, z.strictObject({ id, if: conditionData })]);

export const proceduresFileSchema = z.strictObject({
  note: z.string().optional(),
  procedures: z.array(
    z.strictObject({
      id,
      department: id,
      route: z.enum(ROUTES),
      delivery: z.enum(DELIVERIES),
      deadline: deadlineSchema,
      appearsWhen: z.array(ruleSchema).min(1),
      bring: z.array(bringRefSchema).default([]),
      online: z.array(id).default([]),
      forms: z.array(id).default([]),
      fee: z.number().int().nonnegative().optional(),
      convenienceStore: z.boolean().optional(),
      /** Only if the visitor wishes (任意): listed as optional whatever its route. */
      optional: z.boolean().optional(),
      source: z.string().optional(),
      note: z.string().optional(),
    }),
  ),
});

export const bringFileSchema = z.strictObject({
  note: z.string().optional(),
  items: z.array(z.strictObject({ id, note: z.string().optional() })),
});

export const onlineFileSchema = z.strictObject({
  note: z.string().optional(),
  options: z.array(
    z.strictObject({
      id,
      kind: z.enum(ONLINE_KINDS),
      /** The address the city configures; "" until it does (never invented). */
      url: z.union([z.literal(''), z.url({ protocol: /^https$/ })]),
      note: z.string().optional(),
    }),
  ),
});

export const formsFileSchema = z.strictObject({
  note: z.string().optional(),
  forms: z.array(z.strictObject({ id, name: z.string().min(1), note: z.string().optional() })),
});

export const QUESTION_TIERS = ['core', 'detail', 'follow-up'] as const;
export const QUESTION_TYPES = ['members', 'choice', 'multi-choice', 'count', 'yes-no', 'date', 'member-choice', 'member-pick', 'member-age'] as const;

export const questionsFileSchema = z.strictObject({
  note: z.string().optional(),
  questions: z.array(
    z.strictObject({
      id,
      tier: z.enum(QUESTION_TIERS),
      type: z.enum(QUESTION_TYPES),
      /** The fact the answer sets: `members`, `moveFrom`, `household.dogs`, `member.insurance`, `member.age`, `eventDate`, `certificates`. */
      fact: z.string(),
      /** A follow-up is asked only when its parent's answer says so. */
      parent: z.strictObject({ question: id, in: z.array(z.union([z.string(), z.boolean(), z.number()])).optional(), nonEmpty: z.boolean().optional() }).optional(),
      note: z.string().optional(),
    }),
  ),
});

export type DepartmentsFile = z.infer<typeof departmentsFileSchema>;
export type ProceduresFile = z.infer<typeof proceduresFileSchema>;
export type BringFile = z.infer<typeof bringFileSchema>;
export type OnlineFile = z.infer<typeof onlineFileSchema>;
export type FormsFile = z.infer<typeof formsFileSchema>;
export type QuestionsFile = z.infer<typeof questionsFileSchema>;
