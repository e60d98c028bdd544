import { simulationSuitePg } from './sync-sim-pg-suite';

// Seeds 1–50 on PostgreSQL (sync-sim-pg-1..4 run the 200 seeds). SYNC_SIM_PG_SEEDS=17 replays one seed here.
simulationSuitePg(1, 50, true);
