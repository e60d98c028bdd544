export { guide, guideFacts, matchProcedures, sortAlongRoute, visitBring, visitRoute, deadlineFor, type GuidanceItem, type GuidanceResult, type ProcedureMatch, type DeadlineRule, type GuideOptions } from './guide';
export { deadlineText, type TextOf } from './deadlineText';
export {
  validateFacts,
  effectiveBirthDate,
  eventDay,
  ageDate,
  defaultMember,
  LIFE_EVENTS,
  ROLES,
  INSURANCES,
  PENSIONS,
  CERTIFICATES,
  MOVE_PLACES,
  type Facts,
  type Member,
  type Household,
  type LifeEvent,
  type Role,
  type Insurance,
  type Pension,
  type Certificate,
  type MovePlace,
  type Tri,
  type Count,
} from './facts';
export { generateHousehold, mulberry32, type Rng } from './generate';
