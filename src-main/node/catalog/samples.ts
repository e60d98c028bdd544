import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SampleHousehold } from '../../common/catalog/samples';
import { AppError } from '../../common/errors';
import { APP_ROOT } from '../terminal/dataFolder';

export const SAMPLE_HOUSEHOLDS_FILE = join(APP_ROOT, 'fixtures', 'catalog-samples', 'households.json');

/** The shipped library of sample households (fixtures/catalog-samples/households.json). */
export function loadSampleHouseholds(file: string = SAMPLE_HOUSEHOLDS_FILE): SampleHousehold[] {
  if (!existsSync(file)) throw new AppError('bad-config', `no sample households at ${file}`, { field: 'households' });
  const raw = JSON.parse(readFileSync(file, 'utf8')) as { households?: SampleHousehold[] };
  if (!Array.isArray(raw.households)) throw new AppError('bad-config', `${file}: "households" must be a list`, { field: 'households' });
  return raw.households;
}
