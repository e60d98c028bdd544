import { simulationSuite } from './sync-sim-suite';

// Seeds 101–200; sync-sim-1.test.ts runs 1–100 in parallel.
simulationSuite(101, 100, false);
