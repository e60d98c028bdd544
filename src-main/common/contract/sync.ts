import { z } from 'zod';
import type { SyncStatus } from '../sync/protocol';
import { method } from './define';

export type { SyncStatus } from '../sync/protocol';

export const syncMethods = {
  /** Online/offline, last sync, events waiting to go out, clock skew and station conflicts. */
  'sync.status': method<SyncStatus>()(z.object({})),
};
