import { setFlagsFromString } from 'node:v8';

/**
 * The heap policy of a process that analyses a workspace once (the `vale-ffi` command): such a
 * run keeps nearly everything it allocates, so V8 would grow its young generation to two 16 MB
 * semi-spaces that only add resident memory. Here it keeps its first size. Measured on the
 * bench's 100k-line workspace: peak RSS about 20 MB lower, time about 4% longer (five
 * alternating pairs of runs; README, Performance). Not for the server: its keystrokes allocate
 * short-lived garbage.
 */
export function oneShotHeap(): void {
  oneShot = true;
  setFlagsFromString(ONE_SHOT_FLAGS);
}

const ONE_SHOT_FLAGS = '--semi-space-growth-factor=1';
let oneShot = false;

/**
 * Sets `oneShotHeap`'s policy again (if it was set) once a worker thread is up: V8 enforces its
 * flag implications again when a thread's isolate starts, which puts the growth factor back to
 * its minimum of 2 for the whole process (checked in isolation: a thread that keeps what its
 * workers post grew its young generation to 32 MB; with the flag set again once the worker was
 * online, it stayed at 2 MB). Measured on the 100k-line bench workspace: README, Performance.
 */
export function heapPolicyAfterThreadStart(): void {
  if (oneShot) setFlagsFromString(ONE_SHOT_FLAGS);
}
