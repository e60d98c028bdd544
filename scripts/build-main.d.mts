export function withBuildLock<T>(fn: () => Promise<T>, timeoutMs?: number): Promise<T>;
export function buildMain(opts?: { quiet?: boolean; locked?: boolean }): Promise<string>;
