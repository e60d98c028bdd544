import { AppError } from '../../common/errors';
import type { Role, TerminalConfig } from '../../common/config/schema';

/** Who reads resident data: recorded in every audit line. */
export interface ResidentReader {
  /** Staff id (`s1024`), or `cli:<os user>` for an operator at the terminal's shell. */
  actor: string;
  terminal: string;
  role: Role;
  department?: string;
  via: 'api' | 'cli';
}

/** Roles that never hold personal data, whatever a config says: they face the public. */
const PUBLIC_ROLES: readonly Role[] = ['kiosk', 'display'];

export function accessRules(config: TerminalConfig): { roles: Role[]; departments: string[]; ttlHours: number } {
  const ra = config.residentAccess;
  return { roles: ra?.roles ?? ['counter', 'supervisor'], departments: ra?.departments ?? [], ttlHours: ra?.ttlHours ?? 12 };
}

/**
 * The residents module's own gate, behind the contract's role check: a request that reaches this
 * module by another road (a new handler, a script) is still refused.
 */
export function checkResidentAccess(config: TerminalConfig, who: ResidentReader): void {
  if (PUBLIC_ROLES.includes(who.role)) throw new AppError('forbidden', `a ${who.role} terminal never reads resident data`, { field: 'terminal' });
  if (who.via === 'cli') return;
  const rules = accessRules(config);
  if (!rules.roles.includes(who.role)) throw new AppError('forbidden', `role "${who.role}" may not read resident data (residentAccess.roles: ${rules.roles.join(', ')})`, { field: 'terminal' });
  if (rules.departments.length > 0 && (!who.department || !rules.departments.includes(who.department))) {
    throw new AppError('forbidden', `department "${who.department ?? '(none)'}" may not read resident data (residentAccess.departments: ${rules.departments.join(', ')})`, { field: 'staff' });
  }
}
