import { useCallback, useEffect, useRef, useState } from 'react';
import type { MethodInput, MethodName, MethodOutput } from '../../src-main/common/contract';
import { ApiError, call, getConnection, onPush } from './client';

/**
 * Loads a method's result and reloads it whenever new events reach the terminal (local or synced),
 * so every screen shows the log's current state without polling.
 */
export function useLive<M extends MethodName>(method: M, input: MethodInput<M>, deps: unknown[] = []) {
  const [data, setData] = useState<MethodOutput<M> | undefined>(undefined);
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const inputRef = useRef(input);
  inputRef.current = input;
  const reload = useCallback(async () => {
    try {
      setData(await call(method, inputRef.current));
      setError(undefined);
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError({ code: 'internal', message: String(e) }));
    }
  }, [method, ...deps]);
  useEffect(() => {
    void reload();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const off = onPush('events', () => {
      clearTimeout(timer);
      timer = setTimeout(() => void reload(), 60);
    });
    return () => {
      off();
      clearTimeout(timer);
    };
  }, [reload]);
  return { data, error, reload };
}

/** Whether the link to main (browser mode: the host) is up. */
export function useLink(): boolean {
  const [up, setUp] = useState(true);
  useEffect(() => getConnection().onLink(setUp), []);
  return up;
}
