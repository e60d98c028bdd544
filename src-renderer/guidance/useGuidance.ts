import { useMemo } from 'react';
import type { Catalog } from '../../src-main/common/catalog/types';
import { AppError } from '../../src-main/common/errors';
import type { Facts, LifeEvent } from '../../src-main/common/guidance/facts';
import { guide, type GuidanceResult } from '../../src-main/common/guidance/guide';
import { factsFromAnswers, questionsFor, type Answers, type Question } from '../../src-main/common/questions';

export interface GuidanceState {
  questions: Question[];
  /** The members question stays open while the visitor is being described. */
  asksMembers: boolean;
  facts?: Facts;
  result?: GuidanceResult;
  /** Facts that cannot be true, named by field: shown, never a crash. */
  error?: { message: string; field?: string };
}

/** Questions, facts and the list for the current answers: the same pure modules on every screen. */
export function useGuidance(catalog: Catalog | undefined, events: LifeEvent[], answers: Answers, opts: { date?: string; detail?: boolean; lang: string; known?: Partial<Facts>; closedDays?: readonly string[] }): GuidanceState {
  return useMemo(() => {
    if (!catalog || events.length === 0) return { questions: [], asksMembers: false };
    try {
      const state = { events, answers, detail: opts.detail ?? false, ...(opts.date ? { date: opts.date } : {}), ...(opts.known ? { known: opts.known } : {}) };
      const withoutMembers = questionsFor({ ...state, answers: { ...answers, members: undefined } }, catalog);
      const asksMembers = !opts.known?.members && withoutMembers.some((q) => q.type === 'members');
      const questions = questionsFor(state, catalog).filter((q) => q.type !== 'members');
      const facts = factsFromAnswers(events, answers, opts.known ?? {}, opts.date);
      // Deadlines count from the visit's business day and skip the city's own closed days too.
      const result = guide(facts, catalog, { lang: opts.lang, ...(opts.date ? { today: opts.date } : {}), ...(opts.closedDays ? { closedDays: opts.closedDays } : {}) });
      return { questions, asksMembers, facts, result };
    } catch (e) {
      if (e instanceof AppError) return { questions: [], asksMembers: true, error: { message: e.message, ...(e.field ? { field: e.field } : {}) } };
      return { questions: [], asksMembers: true, error: { message: String((e as Error).message ?? e) } };
    }
  }, [catalog, events, answers, opts.date, opts.detail, opts.lang, opts.known, opts.closedDays]);
}
