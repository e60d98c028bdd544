import type { Condition, MemberCondition } from './condition';
import type { Delivery, OnlineKind, Route } from './schema';
import type { LifeEvent } from '../guidance/facts';

export type { Route, Delivery, OnlineKind };

export interface Department {
  id: string;
  /** '' for an external place. */
  counter: string;
  /** Outside the city hall: listed, never routed (CATALOG.md, second edition). */
  external?: boolean;
  floor?: string;
  note?: string;
}

export type Deadline =
  | { days: number; from?: 'eventDate' | 'date'; count?: 'civil' | 'koseki' }
  | { months: number; count?: 'civil' | 'koseki' }
  | { years: number }
  | { daysBefore: number }
  | { beforeEvent: true }
  | null;

export interface RuleOverride {
  if: Condition;
  route?: Route;
  delivery?: Delivery;
  wanted?: boolean;
}

export interface AppearsWhen {
  events: LifeEvent[];
  if?: Condition;
  concerns?: Condition;
  route?: Route;
  delivery?: Delivery;
  wanted?: boolean;
  overrides?: RuleOverride[];
  /** When it holds: listed to confirm; these facts (`member.gaveBirth`) would settle it. */
  toConfirm?: string[];
}

export interface BringRef {
  id: string;
  if?: Condition;
}

export interface Procedure {
  id: string;
  department: string;
  route: Route;
  delivery: Delivery;
  deadline: Deadline;
  appearsWhen: AppearsWhen[];
  bring: BringRef[];
  online: string[];
  forms: string[];
  fee?: number;
  convenienceStore?: boolean;
  /** Only if the visitor wishes (任意). */
  optional?: boolean;
  source?: string;
  note?: string;
}

export interface OnlineOption {
  id: string;
  kind: OnlineKind;
  url: string;
  note?: string;
}

export interface FormDef {
  id: string;
  name: string;
  note?: string;
}

export type QuestionTier = 'core' | 'detail' | 'follow-up';
export type QuestionType = 'members' | 'choice' | 'multi-choice' | 'count' | 'yes-no' | 'date' | 'member-choice' | 'member-pick' | 'member-age';

export interface QuestionDef {
  id: string;
  tier: QuestionTier;
  type: QuestionType;
  fact: string;
  parent?: { question: string; in?: Array<string | boolean | number>; nonEmpty?: boolean };
  note?: string;
}

/** The raw JSON of a catalog folder, as the Node loader reads it or a browser bundle imports it. */
export interface CatalogBundle {
  departments: unknown;
  procedures: unknown;
  bring: unknown;
  online: unknown;
  forms: unknown;
  questions: unknown;
  /** Language folder name → that folder's catalog.json. */
  locales: Record<string, unknown>;
}

export interface Catalog {
  oneStop: string;
  routeOrder: string[];
  departments: Record<string, Department>;
  /** In file order: the order of items within a place on the route. */
  procedures: Procedure[];
  procedureIndex: Record<string, number>;
  bring: Record<string, { id: string; note?: string }>;
  online: Record<string, OnlineOption>;
  forms: Record<string, FormDef>;
  questions: QuestionDef[];
  /** Language → flattened key (`procedure.tennyu`) → text. */
  texts: Record<string, Record<string, string>>;
  languages: string[];
}

export interface CatalogIssue {
  /** The file at fault, relative to the catalog folder (`procedures.json`) or `locales/<lang>/catalog.json`. */
  file: string;
  /** JSON path inside it, e.g. `procedures[3].route`. */
  path: string;
  reason: string;
}

export type { Condition, MemberCondition };
