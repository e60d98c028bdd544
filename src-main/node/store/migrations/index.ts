import type { Migration } from '../migrate';
import { migration as core } from './001-core';
import { migration as printJobs } from './002-print-jobs';
import { migration as staff } from './003-staff';
import { migration as residents } from './004-residents';
import { migration as sync } from './005-sync';
import { migration as reports } from './006-reports';
import { migration as awaitingDelivery } from './007-awaiting-delivery';
import { migration as syncQuarantine } from './008-sync';
import { migration as host } from './009-host';
import { migration as perf } from './010-perf';
import { migration as catalog } from './011-catalog';
import { migration as kpi } from './012-kpi';
import { migration as catchup } from './013-catchup';
import { migration as fast } from './014-fast';
import { migration as survey } from './015-survey';
import { migration as mark } from './016-mark';

/** The explicit, ordered list of schema steps (checked at start: 1..N, no gaps). */
export const migrations: readonly Migration[] = [core, printJobs, staff, residents, sync, reports, awaitingDelivery, syncQuarantine, host, perf, catalog, kpi, catchup, fast, survey, mark];
