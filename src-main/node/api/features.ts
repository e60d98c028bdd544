import type { App } from '../app/app';
import { registerCounter } from './counter';
import { registerDisplay } from './display';
import { registerKiosk } from './kiosk';
import { registerResidents } from './residents';
import { registerFormPrint } from './formPrint';
import { registerReports } from './reports';
import { registerSession } from './session';
import { registerSync } from './sync';
import { registerCatalog } from './catalog';

/** Every feature registers its handlers here, once per app. */
export function registerFeatures(app: App): void {
  registerSession(app);
  registerKiosk(app);
  registerCounter(app);
  registerDisplay(app);
  registerSync(app);
  registerResidents(app);
  registerFormPrint(app);
  registerReports(app);
  registerCatalog(app);
}
