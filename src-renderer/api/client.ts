import type { MethodInput, MethodName, MethodOutput, PushMap, PushName } from '../../src-main/common/contract';
import type { ErrorData } from '../../src-main/common/errors';
import { httpConnection, ipcConnection, type Connection, type Identity } from './connection';

export class ApiError extends Error {
  constructor(readonly data: ErrorData) {
    super(data.message);
  }
  get code() {
    return this.data.code;
  }
  get field() {
    return this.data.field;
  }
}

const identity: Identity = {};
const params = new URLSearchParams(typeof location !== 'undefined' ? location.search : '');
identity.terminal = params.get('terminal') ?? undefined;
try {
  identity.session = sessionStorage.getItem('madoguchi.session') ?? undefined;
} catch {
  /* storage disabled */
}

let connection: Connection | null = null;
export function getConnection(): Connection {
  connection ??= typeof window !== 'undefined' && window.madoguchi ? ipcConnection(window.madoguchi, () => identity) : httpConnection(() => identity);
  return connection;
}

export function currentTerminalId(): string | undefined {
  return identity.terminal;
}

export function setStaffSession(token: string | undefined): void {
  identity.session = token;
  try {
    if (token) sessionStorage.setItem('madoguchi.session', token);
    else sessionStorage.removeItem('madoguchi.session');
  } catch {
    /* storage disabled */
  }
}

/** Typed call: resolves with the method's output or throws ApiError with the code and field. */
export async function call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
  const r = await getConnection().call(method, input);
  if (!r.ok) throw new ApiError(r.error);
  return r.value as MethodOutput<M>;
}

export function onPush<K extends PushName>(name: K, listener: (data: PushMap[K]) => void): () => void {
  return getConnection().onPush((m) => {
    if (m.name === name) listener(m.data as PushMap[K]);
  });
}
