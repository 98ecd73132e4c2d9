import { PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

// V8 reads the young generation's maximum size only when the process starts
// (`--max-semi-space-size`, which a process launched as `node dist/cli.js` or `node
// dist/server.js` does not get), but it reads the growth factor at each scavenge. So a policy
// here caps the young generation by the factor: 1 (no growth) but while the files are read
// (`heapPolicyReading`), when V8 may double it, and 1 again once a look (`heapPolicyTick`,
// after each file) finds it at the cap.

/**
 * The one-shot young generation's semi-spaces (MB). A process that analyses a workspace once (the
 * `vale-ffi` command) keeps nearly everything it allocates, so V8 would grow its young generation
 * to two 16 MB semi-spaces that only add resident memory. Here it keeps its first size (1 MB
 * semi-spaces) until the files are read, then grows, to 4 MB: with 1 MB, reading the bench's
 * 100k-line workspace took about 600 scavenges, and the binary's `check` 4% longer; once the old
 * generation no longer had a second full collection (`ONE_SHOT_OLD_GROWING_PERCENT`), 4 MB
 * took 2.5% less time than 2 MB at the median of twelve alternating runs for 3 MB more peak
 * memory, 8 MB 4.6% less for 9 MB more, too near the 200 MB the bench allows 100k lines
 * (docs/performance.md).
 */
const ONE_SHOT_SEMI_SPACE_MB = 4;

/**
 * The language server's young generation: semi-spaces of at most this many MB (V8 grows them to
 * 16). A scavenge copies what survived the last keystrokes, and in a large workspace what a
 * keystroke keeps (its file's new trees and models, re-indexed records) is much of what it
 * allocates: with 16 MB semi-spaces a scavenge took 8–10 ms there, and a keystroke that arrived
 * during one waited for it. Measured over LSP, the server launched with `--max-semi-space-size`,
 * runs alternating: on the bench's 100k-line workspace the p95 of the keystrokes that change what
 * other files see was 2.4–16.2 ms (median 13 over eight runs) with V8's default, 6.1–7.0 at 8 MB
 * (four), 4.3–7.2 at 4 MB (eight), 5.8–7.4 at 2 MB (three); on the 10k-line document, whose
 * keystrokes allocate more and keep less, 2 MB made the p95 1–1.7 ms worse (three pairs) and 8 MB
 * moved it within the noise (three pairs). Smaller semi-spaces also made the 100k-line
 * workspace's server about 10% slower to start (more scavenges while it reads).
 */
export const SERVER_SEMI_SPACE_MB = 8;

/** The cap of the policy in force (both semi-spaces, bytes); 0: none (V8's own growth). */
let capBytes = 0;
/** While the young generation may grow to the cap (between `heapPolicyReading` and a look that finds it there). */
let growing = false;
let factor = 1;
/** The server's: looks after each collection too, until the cap is reached. */
let observer: PerformanceObserver | undefined;

function growthFactor(f: number): void {
  factor = f;
  setFlagsFromString(`--semi-space-growth-factor=${f}`);
}

/** The young generation's size now (both semi-spaces), in bytes. */
function youngBytes(): number {
  return getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0;
}

/**
 * How far a one-shot run's old generation may grow after a full collection before the next (V8's
 * `--heap-growing-percent`, which it reads at each full collection: here a factor of 10). V8's
 * own factor is at most 4, and its first limit falls to the heap's size plus a few megabytes
 * while the process starts (its early scavenges keep little, and it scales the limit by what they
 * keep until a first full collection sets it), so a run that keeps what it reads collected its
 * old generation twice: at about 16 MB (3 ms) and, four times that later, at about 61 MB, a
 * 30 ms pause on the bench's 100k lines, which frees 2% of it. With this factor the second
 * comes at ten times the first's live size; a one-shot run frees little in its old generation,
 * so its peak stays what it keeps (docs/performance.md: ten alternating runs, 692.9 → 652.5 ms
 * at the median).
 */
const ONE_SHOT_OLD_GROWING_PERCENT = 900;

/** The heap policy of a process that analyses a workspace once (the `vale-ffi` command). */
export function oneShotHeap(): void {
  capBytes = 2 * ONE_SHOT_SEMI_SPACE_MB * 1024 * 1024;
  growthFactor(1);
  setFlagsFromString(`--heap-growing-percent=${ONE_SHOT_OLD_GROWING_PERCENT}`);
}

/**
 * The optimizing compiler of a process that analyses a workspace once (the `vale-ffi` command):
 * no inlining. Such a run is over before most of what V8 optimizes pays back its compile, and on
 * few cores the compiler's thread competes with the collector's and the main one; with inlining
 * V8 compiled about 500 functions in one cold run of the bench's 100k lines, 2.1 s of the compiler
 * thread's time. Without it, alternating runs of that analysis took 11% less time and 16% less CPU
 * at the median (eight pairs); the binary on the same files was faster in five pairs of five; a
 * check of examples/ with the Vale repository's externs (0.2–0.3 s) moved within the noise. The
 * language server keeps V8's inlining: its keystrokes run the same code for hours.
 */
export function oneShotCompiler(): void {
  setFlagsFromString('--no-turbo-inlining');
}

/**
 * The language server's heap policy: its young generation keeps the size it has once the code is
 * loaded until the workspace's files are read, grows while they are, up to `SERVER_SEMI_SPACE_MB`
 * semi-spaces, and no further. Besides the looks after each file read, it looks after each
 * collection until the cap is reached (a workspace too small to reach it while read reaches it
 * later).
 */
export function serverHeap(semiSpaceMb = SERVER_SEMI_SPACE_MB): void {
  capBytes = 2 * semiSpaceMb * 1024 * 1024;
  growthFactor(1);
  observer?.disconnect();
  observer = new PerformanceObserver(heapPolicyTick);
  observer.observe({ entryTypes: ['gc'] });
}

/** A run starts reading its files (in this thread): its young generation may grow to the policy's cap; call `heapPolicyTick` after each file. */
export function heapPolicyReading(): void {
  if (capBytes === 0 || growing || youngBytes() >= capBytes) return;
  growing = true;
  growthFactor(2);
}

/** After each file read (or any step of a long run): a young generation at the cap grows no more (one look at the heap per call until then). */
export function heapPolicyTick(): void {
  if (!growing || youngBytes() < capBytes) return;
  growing = false;
  growthFactor(1);
  observer?.disconnect();
  observer = undefined;
}

/**
 * Sets the policy's growth factor again (if it was set) once a worker thread is up: V8 enforces
 * its flag implications again when a thread's isolate starts, which puts the growth factor back
 * to its minimum of 2 for the whole process (checked in isolation: a thread that keeps what its
 * workers post grew its young generation to 32 MB; with the flag set again once the worker was
 * online, it stayed at 2 MB). Measured on the 100k-line bench workspace: docs/performance.md.
 */
export function heapPolicyAfterThreadStart(): void {
  if (capBytes > 0) growthFactor(factor);
}

/**
 * The young generation's fill (of its capacity) above which an idle server collects it now
 * (`idleYoungCollection`): nearly full, so that the collection would come within a keystroke or
 * two anyway (one allocates a few hundred kilobytes of the 8 MB), and comes instead while the
 * editor reads the answer, not in the middle of the next keystroke's (2–5 ms on the bench's
 * 10k-line document, 4–15 over LSP). Nearly as many collections as without it: measured over
 * LSP, where the bench's keystrokes leave the server no idle time but the client's parse of an
 * answer, at 0.6, 0.85 and never (three runs each), the keystroke's p95 did not move beyond the
 * noise either way (docs/performance.md).
 */
const IDLE_YOUNG_FILL = 0.85;

type Collect = (options: { type: 'minor' | 'major' }) => void;

/** V8's collector, asked for: a flag exposes it to contexts made after it is set (null: not there). */
let collect: Collect | null | undefined;

/**
 * Collects the young generation if it is fuller than `IDLE_YOUNG_FILL`: for when the server has
 * answered and nothing is waiting. Returns whether it did.
 */
export function idleYoungCollection(): boolean {
  const young = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
  if (!young || young.space_used_size < IDLE_YOUNG_FILL * (young.space_used_size + young.space_available_size)) return false;
  if (collect === undefined) {
    setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('gc');
    collect = typeof gc === 'function' ? (gc as Collect) : null;
  }
  if (!collect) return false;
  collect({ type: 'minor' });
  return true;
}
