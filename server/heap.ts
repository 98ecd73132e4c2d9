import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';

/**
 * The heap policy of a process that analyses a workspace once (the `vale-ffi` command): such a
 * run keeps nearly everything it allocates, so V8 would grow its young generation to two 16 MB
 * semi-spaces that only add resident memory. Here it keeps its first size (1 MB semi-spaces)
 * until the files are read (`heapPolicyReading`), then grows once, to 2 MB semi-spaces: with
 * 1 MB, reading the bench's 100k-line workspace took about 600 scavenges, and the binary's
 * `check` 4% longer (docs/performance.md). Not for the server: its keystrokes allocate
 * short-lived garbage.
 */
export function oneShotHeap(): void {
  oneShot = true;
  growthFactor(1);
}

/** The one-shot young generation's semi-space once the files are read (MB; V8 starts at 1). */
const READING_SEMI_SPACE_MB = 2;
let oneShot = false;
/** While the young generation may grow to `READING_SEMI_SPACE_MB` (between `heapPolicyReading` and a `heapPolicyTick` that sees it there). */
let growing = false;
let factor = 1;

function growthFactor(f: number): void {
  factor = f;
  setFlagsFromString(`--semi-space-growth-factor=${f}`);
}

/**
 * A one-shot run starts reading its files (in this thread): its young generation may grow once,
 * from 1 to `READING_SEMI_SPACE_MB` MB semi-spaces; call `heapPolicyTick` after each file.
 */
export function heapPolicyReading(): void {
  if (!oneShot || factor !== 1 || growing) return;
  growing = true;
  growthFactor(READING_SEMI_SPACE_MB);
}

/** After each file read: once the young generation has grown, it grows no more (one look at the heap per file until then). */
export function heapPolicyTick(): void {
  if (!growing) return;
  const young = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
  // Two semi-spaces.
  if (young && young.space_size < 2 * READING_SEMI_SPACE_MB * 1024 * 1024) return;
  growing = false;
  growthFactor(1);
}

/**
 * Sets the policy's growth factor again (if it was set) once a worker thread is up: V8 enforces
 * its flag implications again when a thread's isolate starts, which puts the growth factor back
 * to its minimum of 2 for the whole process (checked in isolation: a thread that keeps what its
 * workers post grew its young generation to 32 MB; with the flag set again once the worker was
 * online, it stayed at 2 MB). Measured on the 100k-line bench workspace: docs/performance.md.
 */
export function heapPolicyAfterThreadStart(): void {
  if (oneShot) growthFactor(factor);
}
