import type { App } from '../app/app';
import { registerSession } from './session';

/** Every feature registers its handlers here, once per app. */
export function registerFeatures(app: App): void {
  registerSession(app);
}
