export { parseCatalog, checkCatalog, CATALOG_FILES, LIST_TEXT_KEYS, localeFile, questionOptions } from './parse';
export { catalogText, flattenTexts, BASE_LANGUAGE } from './texts';
export { ROUTES, ROUTE_MARKS, DELIVERIES, ONLINE_KINDS } from './schema';
export { checkCondition, factsRead, type Condition, type MemberCondition, type MemberScope } from './condition';
export type * from './types';
