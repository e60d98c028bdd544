export { encodeHandover, decodeHandover, readHandover, HandoverError, HANDOVER_PREFIX, type Handover, type HandoverLanguage, type HandoverProblem } from './payload';
export { answersFromFacts } from './answers';
