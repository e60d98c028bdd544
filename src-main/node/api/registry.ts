import { AppError, formatPath, toErrorData } from '../../common/errors';
import { api, type MethodArgs, type MethodName, type MethodOutput, type Result } from '../../common/contract';
import type { MethodDef } from '../../common/contract/define';
import type { Role, TerminalProfile } from '../../common/config/schema';

export interface StaffSession {
  id: string;
  name: string;
  role: Role;
  department: string;
  token: string;
}

/** Who is calling: which terminal profile, which staff member, over which transport. */
export interface CallContext {
  terminal: TerminalProfile;
  staff?: StaffSession;
  transport: 'ipc' | 'http' | 'test';
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
      if (def.staff && !ctx.staff) throw new AppError('unauthenticated', 'sign in first (staff id and PIN)');
      const parsed = def.input.safeParse(raw ?? {});
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        const field = formatPath(issue.path);
        throw new AppError('bad-input', `${field || 'input'}: ${issue.message}`, { field });
      }
      const value = await handler(parsed.data as never, ctx);
      return { ok: true, value };
    } catch (e) {
      if (!(e instanceof AppError)) process.stderr.write(`[api] ${name} failed: ${(e as Error)?.stack ?? String(e)}\n`);
      return { ok: false, error: toErrorData(e) };
    }
  }
}
