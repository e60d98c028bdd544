import type { Facts } from '../guidance/facts';
import type { Answers, MemberAnswer } from '../questions/flow';

/**
 * Facts back into question-flow answers, so a screen that holds answers (the kiosk, the guide)
 * can open a handed-over visit and still let the visitor change any answer.
 * `factsFromAnswers(facts.events, answersFromFacts(facts), {}, facts.date)` gives the same facts.
 */
export function answersFromFacts(facts: Facts): Answers {
  const a: Answers = {
    eventDate: facts.eventDate,
    certificates: facts.certificates === 'unknown' ? 'unknown' : [...facts.certificates],
    // A member answer may carry every member fact: factsFromAnswers keeps what it is given.
    members: facts.members.map((m) => ({ ...m }) as MemberAnswer),
  };
  if (facts.moveFrom !== undefined) a.moveFrom = facts.moveFrom;
  if (facts.moveTo !== undefined) a.moveTo = facts.moveTo;
  for (const [k, v] of Object.entries(facts.household)) a[`household.${k}`] = v;
  return a;
}
