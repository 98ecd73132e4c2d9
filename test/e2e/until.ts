// Waiting for a condition, never for a fixed time: shared by the code-server driver and the
// in-host API suite (which is bundled into an extension host, so this file imports nothing).

export const WAIT_MS = 20_000;

/** Polls `probe` until it returns a value (not undefined/false), or fails naming what it waited for. */
export async function until<T>(
  what: string,
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  timeout = WAIT_MS,
): Promise<T> {
  const deadline = Date.now() + timeout;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeout / 1000} s waiting for ${what}${last ? ` (last error: ${(last as Error).message.split('\n')[0]})` : ''}`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
