import { AppError, formatPath, toErrorData } from '../../common/errors';
import { api, type MethodArgs, type MethodName, type MethodOutput, type Result } from '../../common/contract';
import type { MethodDef } from '../../common/contract/define';
import type { Role, TerminalProfile } from '../../common/config/schema';
import type { StaffRole } from '../../common/contract/counter';
import { policyOf } from './policy';

export interface StaffSession {
  id: string;
  name: string;
  role: Role;
  department: string;
  token: string;
  /** Who the person is (concierge, counter, supervisor, admin); `role` is the terminal role they act as. */
  staffRole?: StaffRole;
  /** The terminal and the device the session was opened on: it is valid only there. */
  terminal?: string;
  device?: string | null;
}

/** Who is calling: which terminal profile, which staff member, over which transport. */
export interface CallContext {
  terminal: TerminalProfile;
  staff?: StaffSession;
  transport: 'ipc' | 'http' | 'test';
  /** The paired browser (browser mode), or absent for IPC and tests: then the transport is the device. */
  device?: string;
  /** The peer address (browser mode), for audit lines. */
  remote?: string;
}

/** The device a call comes from: the paired browser's id, or the transport itself. */
export function deviceOf(ctx: Pick<CallContext, 'device' | 'transport'>): string {
  return ctx.device ?? ctx.transport;
}

/** A session presented somewhere other than where it was opened. */
export interface SessionRefusal {
  method: string;
  staffId: string;
  /** Where the session really belongs. */
  sessionTerminal: string;
  sessionDevice: string | null;
  /** What the caller claimed. */
  claimedTerminal: string;
  device: string;
  remote?: string;
}

export type Handler<M extends MethodName> = (input: MethodArgs<M>, ctx: CallContext) => MethodOutput<M> | Promise<MethodOutput<M>>;

/**
 * One handler per method, registered once. `call` is the boundary: unknown method, role and input
 * are checked here for both transports, and every failure returns as data with a code.
 */
export class HandlerRegistry {
  private readonly handlers = new Map<string, Handler<MethodName>>();
  /** Resolves a staff session token (set by the staff feature). */
  staffResolver: (token: string) => StaffSession | undefined = () => undefined;
  /** Told about every session refused for being used away from its terminal/device (the staff feature audits it). */
  onSessionRefused: (r: SessionRefusal) => void = () => undefined;
  /** Told about every answer that carries visits with resident data attached (the staff feature audits it). */
  onResidentRead: (method: string, visits: Array<{ id: string; number: number; residentIds: string[] }>, ctx: CallContext) => void = () => undefined;
  /** Extra per-method checks that need the app (e.g. "a visit this kiosk issued today"). */
  kioskOwnVisit: (visitId: unknown, ctx: CallContext) => boolean = () => false;

  register<M extends MethodName>(name: M, handler: Handler<M>): void {
    if (!(name in api)) throw new Error(`"${name}" is not in the contract`);
    if (this.handlers.has(name)) throw new Error(`a handler for "${name}" is already registered`);
    this.handlers.set(name, handler as unknown as Handler<MethodName>);
  }

  has(name: string): boolean {
    return this.handlers.has(name);
  }

  async call(name: string, raw: unknown, ctx: CallContext): Promise<Result<unknown>> {
    try {
      const def = (api as Record<string, MethodDef>)[name];
      const handler = this.handlers.get(name);
      if (!def || !handler) throw new AppError('not-found', `unknown method "${name}"`, { field: 'method' });
      if (def.roles && !def.roles.includes(ctx.terminal.role)) {
        throw new AppError('forbidden', `a ${ctx.terminal.role} terminal may not call "${name}"`);
      }
      const policy = policyOf(name, def.staff);
      const needsStaff = policy.session === 'staff' || !!def.staff;
      if (ctx.staff && ctx.staff.terminal !== undefined && (ctx.staff.terminal !== ctx.terminal.id || (ctx.staff.device ?? null) !== deviceOf(ctx))) {
        // A session is valid only on the terminal and device it was opened on.
        if (needsStaff || policy.session === 'kiosk-own-visit') {
          this.onSessionRefused({ method: name, staffId: ctx.staff.id, sessionTerminal: ctx.staff.terminal, sessionDevice: ctx.staff.device ?? null, claimedTerminal: ctx.terminal.id, device: deviceOf(ctx), ...(ctx.remote ? { remote: ctx.remote } : {}) });
          throw new AppError('unauthenticated', `this session was opened on another terminal or device (${ctx.staff.terminal}); sign in here`, { field: 'session' });
        }
        const { staff: _dropped, ...rest } = ctx;
        ctx = rest;
      }
      if (needsStaff && !ctx.staff) throw new AppError('unauthenticated', 'sign in first (staff id and PIN)');
      if (ctx.staff && policy.staffRoles && needsStaff && !policy.staffRoles.includes(ctx.staff.staffRole ?? (ctx.staff.role as StaffRole))) {
        throw new AppError('forbidden', `"${name}" needs a ${policy.staffRoles.join(' or ')} session`, { field: 'session' });
      }
      if (policy.session === 'kiosk-own-visit' && !ctx.staff && !(ctx.terminal.role === 'kiosk' && this.kioskOwnVisit((raw as { visitId?: unknown } | null)?.visitId, ctx))) {
        throw new AppError('unauthenticated', `"${name}" without a staff session only for a ticket this kiosk issued today; sign in first`, { field: 'session' });
      }
      const parsed = def.input.safeParse(raw ?? {});
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        const field = formatPath(issue.path);
        throw new AppError('bad-input', `${field || 'input'}: ${issue.message}`, { field });
      }
      const value = await handler(parsed.data as never, ctx);
      const read = residentVisits(value);
      if (read.length > 0) this.onResidentRead(name, read, ctx);
      return { ok: true, value };
    } catch (e) {
      if (!(e instanceof AppError)) process.stderr.write(`[api] ${name} failed: ${(e as Error)?.stack ?? String(e)}\n`);
      return { ok: false, error: toErrorData(e) };
    }
  }
}

type VisitLike = { id: string; number: number; residentIds: string[] };
const isVisitLike = (v: unknown): v is VisitLike =>
  typeof v === 'object' && v !== null && typeof (v as VisitLike).id === 'string' && typeof (v as VisitLike).number === 'number' && Array.isArray((v as VisitLike).residentIds);

/** Visits with resident data in an answer (the answer itself, `visit`, `current`, or a list of them). */
export function residentVisits(value: unknown): VisitLike[] {
  const out: VisitLike[] = [];
  const look = (v: unknown) => {
    if (isVisitLike(v) && v.residentIds.length > 0) out.push(v);
  };
  if (Array.isArray(value)) value.forEach(look);
  else if (typeof value === 'object' && value !== null) {
    look(value);
    look((value as { visit?: unknown }).visit);
    look((value as { current?: unknown }).current);
  }
  return out;
}
