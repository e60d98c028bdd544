export { encodeHandover, decodeHandover, HandoverError, HANDOVER_PREFIX, type HandoverProblem } from './payload';
export { answersFromFacts } from './answers';
