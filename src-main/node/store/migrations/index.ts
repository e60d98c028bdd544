import type { Migration } from '../migrate';
import { migration as core } from './001-core';

/** The explicit, ordered list of schema steps (checked at start: 1..N, no gaps). */
export const migrations: readonly Migration[] = [core];
