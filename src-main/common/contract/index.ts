import type { z } from 'zod';
import type { MethodDef } from './define';
import { counterMethods, displayMethods } from './counter';
import { kioskMethods } from './kiosk';
import { residentsMethods } from './residents';
import { formPrintMethods } from './formPrint';
import { reportsMethods } from './reports';
import { sessionMethods } from './session';
import { syncMethods } from './sync';
import { catalogMethods } from './catalog';

/**
 * The one contract between renderer and main. Each feature declares its methods next to its
 * domain (contract/<feature>.ts); this merges them. A name declared twice fails at start.
 */
export const api = {
  ...sessionMethods,
  ...kioskMethods,
  ...counterMethods,
  ...displayMethods,
  ...syncMethods,
  ...residentsMethods,
  ...formPrintMethods,
  ...reportsMethods,
  ...catalogMethods,
} satisfies Record<string, MethodDef>;

export type Api = typeof api;
export type MethodName = keyof Api;
export type MethodInput<M extends MethodName> = z.input<Api[M]['input']>;
export type MethodArgs<M extends MethodName> = z.output<Api[M]['input']>;
export type MethodOutput<M extends MethodName> = Api[M] extends MethodDef<infer _I, infer O> ? O : never;
export type { Result } from './define';
export type { PushMap, PushName, PushMessage } from './push';
