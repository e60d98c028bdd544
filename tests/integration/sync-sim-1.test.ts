import { simulationSuite } from './sync-sim-suite';

// Seeds 1–100; sync-sim-2.test.ts runs 101–200 in parallel. SYNC_SIM_SEEDS=17 replays one seed here.
simulationSuite(1, 100, true);
