import { beforeAll, describe, expect, it, vi } from 'vitest';

const exposed: Record<string, unknown> = {};
const ipcRenderer = { invoke: vi.fn(async () => ({ ok: true, value: 1 })), on: vi.fn(), removeListener: vi.fn(), send: vi.fn() };
vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: vi.fn((key: string, api: unknown) => (exposed[key] = api)) },
  ipcRenderer,
}));

beforeAll(async () => {
  await import('./preload');
});

describe('preload', () => {
  it('exposes exactly the call/push pipe as window.madoguchi, nothing else', async () => {
    const electron = await import('electron');
    expect(electron.contextBridge.exposeInMainWorld).toHaveBeenCalledTimes(1);
    expect(Object.keys(exposed)).toEqual(['madoguchi']);
    const bridge = exposed.madoguchi as Record<string, unknown>;
    expect(Object.keys(bridge).sort()).toEqual(['call', 'onPush']);
    expect(Object.values(bridge).every((v) => typeof v === 'function')).toBe(true);
    // No Electron or Node object leaks through.
    expect(JSON.stringify(Object.keys(bridge))).not.toMatch(/ipc|require|process/);
  });

  it('call invokes madoguchi:call with the method, input and session only', async () => {
    const bridge = exposed.madoguchi as { call: (m: unknown, i?: unknown, s?: unknown) => Promise<unknown> };
    await expect(bridge.call('terminal.info', { a: 1 }, 'tok')).resolves.toEqual({ ok: true, value: 1 });
    expect(ipcRenderer.invoke).toHaveBeenLastCalledWith('madoguchi:call', 'terminal.info', { a: 1 }, 'tok');
    await bridge.call('x');
    expect(ipcRenderer.invoke).toHaveBeenLastCalledWith('madoguchi:call', 'x', {}, undefined);
    await bridge.call('x', {}, { not: 'a string' });
    expect(ipcRenderer.invoke).toHaveBeenLastCalledWith('madoguchi:call', 'x', {}, undefined);
    expect(ipcRenderer.send).not.toHaveBeenCalled();
  });

  it('onPush passes the message without the IPC event and unsubscribes', () => {
    const bridge = exposed.madoguchi as { onPush: (l: unknown) => () => void };
    const listener = vi.fn();
    const off = bridge.onPush(listener);
    const [channel, handler] = ipcRenderer.on.mock.calls[0] as unknown as [string, (e: unknown, m: unknown) => void];
    expect(channel).toBe('madoguchi:push');
    handler({ sender: 'ipc internals' }, { name: 'events', data: { types: [], visitIds: [] } });
    expect(listener).toHaveBeenCalledWith({ name: 'events', data: { types: [], visitIds: [] } });
    expect(listener.mock.calls[0]).toHaveLength(1);
    off();
    expect(ipcRenderer.removeListener).toHaveBeenCalledWith('madoguchi:push', handler);
    expect(() => bridge.onPush('nope')).toThrow(TypeError);
  });
});
