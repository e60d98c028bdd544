/**
 * Waits until `cond` holds, polling every `everyMs`; fails naming `what` (and `detail()`, and the
 * last error `cond` threw, if any) once `timeoutMs` has passed. For tests that watch another
 * process or a server reach a state: never a timing assertion, only a bound on a hang.
 */
export function until(
  what: string,
  cond: () => boolean | Promise<boolean>,
  opts: { timeoutMs?: number; everyMs?: number; detail?: () => string } = {},
): Promise<void> {
  const { timeoutMs = 30_000, everyMs = 25, detail } = opts;
  const deadline = Date.now() + timeoutMs;
  return new Promise((ok, fail) => {
    let lastError: unknown;
    const tick = async () => {
      let done = false;
      try {
        done = await cond();
        lastError = undefined;
      } catch (e) {
        lastError = e;
      }
      if (done) return ok();
      if (Date.now() > deadline) {
        const extra = [detail?.(), lastError === undefined ? '' : `last error: ${(lastError as Error)?.message ?? String(lastError)}`].filter(Boolean).join('\n');
        return fail(new Error(`timed out waiting for ${what}${extra ? `\n${extra}` : ''}`));
      }
      setTimeout(() => void tick(), everyMs);
    };
    void tick();
  });
}
