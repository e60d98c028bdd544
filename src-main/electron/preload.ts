import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { PushMessage, Result } from '../common/contract';
import { CALL_CHANNEL, PUSH_CHANNEL } from './channels';

/**
 * All the page gets: the contract's call and push pipe. No ipcRenderer, no Node, no generic
 * send — and every argument is copied into plain values before it crosses.
 */
export interface MadoguchiBridge {
  call(method: string, input?: unknown, session?: string): Promise<Result<unknown>>;
  onPush(listener: (msg: PushMessage) => void): () => void;
}

const bridge = {
  call(method: string, input?: unknown, session?: string): Promise<Result<unknown>> {
    return ipcRenderer.invoke(CALL_CHANNEL, String(method), input ?? {}, typeof session === 'string' ? session : undefined) as Promise<Result<unknown>>;
  },
  onPush(listener: (msg: PushMessage) => void): () => void {
    if (typeof listener !== 'function') throw new TypeError('onPush needs a function');
    const handler = (_event: IpcRendererEvent, msg: PushMessage) => listener(msg);
    ipcRenderer.on(PUSH_CHANNEL, handler);
    return () => {
      ipcRenderer.removeListener(PUSH_CHANNEL, handler);
    };
  },
} satisfies MadoguchiBridge;

contextBridge.exposeInMainWorld('madoguchi', bridge);
