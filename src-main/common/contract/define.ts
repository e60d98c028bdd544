import type { z } from 'zod';
import type { ErrorData } from '../errors';
import type { Role } from '../config/schema';

/**
 * One request/response method of the renderer ↔ main contract. The input schema is checked at the
 * boundary (both transports); the output type is carried as a phantom so the client is typed from
 * the same declaration.
 */
export interface MethodDef<I extends z.ZodType = z.ZodType, O = unknown> {
  input: I;
  /** Terminal roles allowed to call it; absent means every role. */
  roles?: readonly Role[];
  /** Needs a signed-in staff member. */
  staff?: boolean;
  readonly __output?: O;
}

export function method<O>() {
  return <I extends z.ZodType>(input: I, opts: { roles?: readonly Role[]; staff?: boolean } = {}): MethodDef<I, O> => ({ input, ...opts });
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ErrorData };
