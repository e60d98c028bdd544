import { lazy, type ComponentType, type LazyExoticComponent } from 'react';
import type { Role } from '../../src-main/common/config/schema';

/** Which screen a terminal of each role opens. Each screen lives in its own folder. */
export const screens: Partial<Record<Role, LazyExoticComponent<ComponentType>>> = {
  kiosk: lazy(() => import('./kiosk/KioskScreen')),
  counter: lazy(() => import('./counter/CounterScreen')),
  display: lazy(() => import('./display/DisplayScreen')),
  supervisor: lazy(() => import('./supervisor/SupervisorScreen')),
  admin: lazy(() => import('./admin/AdminScreen')),
};
