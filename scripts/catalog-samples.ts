/**
 * Writes fixtures/catalog-samples/households.json: the sample households a draft catalog is
 * previewed on, built from the shipped catalog's own events (src-main/common/catalog/samples.ts).
 * Run: npx tsx scripts/catalog-samples.ts
 */
import { writeFileSync } from 'node:fs';
import { buildSampleHouseholds } from '../src-main/common/catalog/samples';
import { defaultCatalog } from '../src-main/node/catalog/load';
import { SAMPLE_HOUSEHOLDS_FILE } from '../src-main/node/catalog/samples';

const households = buildSampleHouseholds(defaultCatalog());
writeFileSync(SAMPLE_HOUSEHOLDS_FILE, JSON.stringify({ seed: 19, households }, null, 1) + '\n');
process.stdout.write(`${households.length} households → ${SAMPLE_HOUSEHOLDS_FILE}\n`);
