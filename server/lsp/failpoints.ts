// Failpoints: with VALE_FFI_FAILPOINTS=diagnostics in the server's environment, computing the
// diagnostics of a file whose text contains FAILPOINT throws, so the tests can show what a user
// sees when analysis fails (a diagnostic saying so, the server still answering); with `warmup`,
// the start-up warm-up throws, and with `reading`, the start-up's reading of the workspace; with
// `slow-prepare`, each step of the reach walk made ahead at start-up takes 2 ms more, and with
// `slow-read` each file read at start-up 1 ms more (a test sees what the server does between its
// slices). Without the variable nothing here does anything.
const ENABLED = new Set((process.env.VALE_FFI_FAILPOINTS ?? '').split(',').filter((x) => x.length > 0));

export function failpoint(name: string, text: () => string): void {
  if (ENABLED.size > 0 && ENABLED.has(name) && text().includes('FAILPOINT')) throw new Error(`failpoint ${name} reached`);
}

/** With `name` enabled, a wait of `ms` on this thread (a step made slow). */
export function slowpoint(name: string, ms: number): void {
  if (ENABLED.size === 0 || !ENABLED.has(name)) return;
  const end = performance.now() + ms;
  while (performance.now() < end);
}
