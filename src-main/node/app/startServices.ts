import { keepDemoResidents } from '../residents/demo';
import { seedDemoStaff } from '../staff/demo';
import { startSyncForApp } from '../sync/forApp';
import type { App } from './app';

/**
 * What every way of running a terminal starts after the app opens (browser mode and Electron
 * alike): the demo's staff and resident data on the demo terminal only, and the sync loop when
 * the config names a server.
 */
export function startTerminalServices(app: App, say: (line: string) => void, warn: (line: string) => void = say): void {
  if (seedDemoStaff(app.terminal).created) say('demo staff: shimin01 / kokuho01 / nenkin01 / kaigo01 / kodomo01 / concierge01 (PIN 1111), super01 / admin01 (PIN 9999)');
  const demoResidents = keepDemoResidents(app, warn);
  if (demoResidents.report) say(`demo resident data ${demoResidents.action}: ${demoResidents.report.rows} residents in ${demoResidents.report.households} households (fixtures/linkage)`);
  // With config.sync the terminal shares its history in the background; without, it is local only.
  startSyncForApp(app);
}
