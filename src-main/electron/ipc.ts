import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import type { PushMessage, Result } from '../common/contract';
import { toErrorData } from '../common/errors';
import type { App } from '../node/app/app';
import { CALL_CHANNEL, PUSH_CHANNEL } from './channels';
import { isAppUrl } from './security';

/** A message counts only when it comes from a frame showing our own `app://` page. */
export function isTrustedSender(frame: { url: string } | null | undefined): boolean {
  return !!frame && isAppUrl(frame.url);
}

export interface IpcBinding {
  unbind(): void;
}

/**
 * Binds the SAME handler registry browser mode uses to `madoguchi:call`. The terminal profile is
 * fixed by main (the installed terminal), never chosen by the page; the page may only pass the
 * staff session token it got from signing in.
 */
export function bindIpc(ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>, app: App, opts: { terminalId?: string; log?: (line: string) => void } = {}): IpcBinding {
  ipcMain.handle(CALL_CHANNEL, (event: Pick<IpcMainInvokeEvent, 'senderFrame'>, method: unknown, input: unknown, session: unknown) => handleCall(app, opts, event, method, input, session));
  return { unbind: () => ipcMain.removeHandler(CALL_CHANNEL) };
}

export async function handleCall(
  app: App,
  opts: { terminalId?: string; log?: (line: string) => void },
  event: Pick<IpcMainInvokeEvent, 'senderFrame'>,
  method: unknown,
  input: unknown,
  session: unknown,
): Promise<Result<unknown>> {
  if (!isTrustedSender(event.senderFrame)) {
    opts.log?.(`ipc: refused a call from ${event.senderFrame?.url ?? 'a destroyed frame'}`);
    return { ok: false, error: { code: 'forbidden', message: 'calls are accepted only from the app\'s own pages' } };
  }
  if (typeof method !== 'string' || method.length === 0 || method.length > 100) {
    return { ok: false, error: { code: 'bad-input', message: 'method must be a method name', field: 'method' } };
  }
  let ctx;
  try {
    ctx = app.context(opts.terminalId, 'ipc', typeof session === 'string' && session ? session : undefined);
  } catch (e) {
    return { ok: false, error: toErrorData(e) };
  }
  return app.registry.call(method, input, ctx);
}

/** Sends every push to a window's page while (and only while) it shows our origin. */
export function forwardPushes(app: App, contents: Pick<WebContents, 'isDestroyed' | 'getURL' | 'send'>): () => void {
  return app.push.subscribe((msg: PushMessage) => {
    if (contents.isDestroyed() || !isAppUrl(contents.getURL())) return;
    contents.send(PUSH_CHANNEL, msg);
  });
}
