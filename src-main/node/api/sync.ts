import type { App } from '../app/app';
import { syncStatusOf } from '../sync/forApp';

export function registerSync(app: App): void {
  app.registry.register('sync.status', () => syncStatusOf(app));
}
