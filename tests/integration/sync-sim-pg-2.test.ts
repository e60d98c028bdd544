import { simulationSuitePg } from './sync-sim-pg-suite';

// Seeds 51–100 on PostgreSQL (sync-sim-pg-1..4 run the 200 seeds). sync-sim-pg-1.test.ts replays seeds.
simulationSuitePg(51, 50, false);
