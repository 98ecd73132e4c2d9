// Reading many files on every core: worker threads parse them and read their declarations
// (server/worker.ts), and hand back what a one-shot analysis keeps of each (numbers and strings,
// `Workspace.packFiles`); this thread only rebuilds those objects (`unpackFiles`).
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { type Module, type PackedFiles, type ReleasedFile, unpackFiles } from '../shared';
import { heapPolicyAfterThreadStart } from './heap';

export interface JobFile {
  readonly key: string;
  readonly text: string;
}

/** What a worker is asked: one batch of files, read under these modules. */
export interface JobRequest {
  readonly modules: readonly Module[];
  readonly files: readonly JobFile[];
}

/**
 * The reading threads `--jobs` defaults to: one per core but this one (which rebuilds what they
 * read), on 4 cores or more, and at most `MAX_DEFAULT_JOBS`. On fewer, none: measured on 2 cores
 * (docs/performance.md), two threads of this allocation-heavy work each run at about 0.6 of one
 * alone, which with packing and unpacking finishes later than reading here.
 */
export function defaultJobs(cores = availableParallelism()): number {
  return cores >= 4 ? Math.min(cores - 1, MAX_DEFAULT_JOBS) : 1;
}

/**
 * Threads cost a little memory (measured on the 100k-line bench workspace: peak RSS 182–185,
 * 195–197, 194–201 and 195–203 MB with 1, 2, 3 and 4 threads; V8's compiling in each thread
 * leaves some malloc'd memory behind), and this thread still indexes and checks alone (about half
 * the time of a cold analysis): past 4 threads, more would add memory for little time.
 */
export const MAX_DEFAULT_JOBS = 4;

/** Below this much text, starting threads costs more than they save (`--jobs` unset). */
export const PARALLEL_BYTES = 512 * 1024;

/** The reading threads when none were asked for: `defaultJobs()` for over `PARALLEL_BYTES` of text, else 1 (read here). */
export function autoJobs(files: readonly { readonly text: string }[]): number {
  let bytes = 0;
  for (const f of files) bytes += f.text.length;
  return bytes < PARALLEL_BYTES ? 1 : defaultJobs();
}

/**
 * Text per batch: small enough that what a thread makes of one batch dies in its young generation
 * (a thread's old generation then holds little garbage) and every thread stays busy to the end,
 * large enough to amortize a message. On the 100k-line bench workspace, peak RSS with `--jobs 4`:
 * 64 KB batches 282–285 MB, 16 KB 241–251, 8 KB 223–229, 4 KB 225–228; with `--jobs 2` 234–238,
 * 219–226, 218–222, 223–226; the same time (three alternating runs each).
 */
const BATCH_BYTES = 8 * 1024;

/**
 * A reading thread's young generation: what it reads lives until its batch is answered, so a
 * larger one only holds more. Left to V8 (up to 16 MB semi-spaces), each thread's heap reached
 * 41 MB; at 4 MB, 30 MB: on the 100k-line bench workspace peak RSS with `--jobs 2` 262–267 →
 * 249–252 MB, with `--jobs 4` 300–324 → 275–283 MB, the same time (three alternating runs each).
 */
const THREAD_YOUNG_MB = 4;

/** The worker's code: `script`, else the bundle beside this one, or (run from source) the TypeScript through tsx. */
function startWorker(script?: string): Worker {
  const options = { resourceLimits: { maxYoungGenerationSizeMb: THREAD_YOUNG_MB } };
  if (script) return new Worker(script, options);
  if (__filename.endsWith('.ts')) {
    return new Worker(`require('tsx/cjs'); require(${JSON.stringify(join(__dirname, 'worker.ts'))});`, { ...options, eval: true });
  }
  return new Worker(join(__dirname, 'worker.js'), options);
}

/**
 * Reads the files in `jobs` worker threads (running `script`, by default the bundle's worker.js
 * beside this code), in batches handed out as threads come free. Resolves
 * with every file, in the order given; rejects when a thread fails (the caller reads the files
 * itself then).
 */
export function readInWorkers(
  files: readonly JobFile[],
  modules: readonly Module[],
  jobs: number,
  progress?: (done: number, total: number) => void,
  script?: string,
): Promise<ReleasedFile[]> {
  const batches: JobFile[][] = [];
  let batch: JobFile[] = [];
  let bytes = 0;
  for (const f of files) {
    batch.push(f);
    bytes += f.text.length;
    if (bytes >= BATCH_BYTES) {
      batches.push(batch);
      batch = [];
      bytes = 0;
    }
  }
  if (batch.length > 0) batches.push(batch);
  const results: ReleasedFile[][] = new Array(batches.length);
  const workers: Worker[] = [];
  return new Promise<ReleasedFile[]>((resolve, reject) => {
    let next = 0;
    let finished = 0;
    let done = 0;
    let failed = false;
    let stopped = false;
    const stop = (): void => {
      stopped = true;
      for (const w of workers) void w.terminate();
    };
    const fail = (e: Error): void => {
      if (failed) return;
      failed = true;
      stop();
      reject(e);
    };
    /** The batches each thread holds, oldest first (a thread answers in order). */
    const pending = new Map<Worker, number[]>();
    // Each thread holds two batches, so it starts the next one while this thread unpacks the last.
    const give = (w: Worker): void => {
      if (next >= batches.length) return;
      const i = next++;
      const request: JobRequest = { modules, files: batches[i] };
      w.postMessage(request);
      pending.get(w)!.push(i);
    };
    const received = (w: Worker, packed: PackedFiles): void => {
      if (failed) return;
      const i = pending.get(w)!.shift()!;
      give(w);
      const texts = new Map(batches[i].map((f) => [f.key, f.text]));
      try {
        results[i] = unpackFiles(packed, (key) => texts.get(key) ?? '');
      } catch (e) {
        fail(e as Error);
        return;
      }
      done += batches[i].length;
      progress?.(done, files.length);
      if (++finished === batches.length) {
        stop();
        resolve(results.flat());
      }
    };
    if (batches.length === 0) return resolve([]);
    for (let j = 0; j < Math.min(jobs, batches.length); j++) {
      const w = startWorker(script);
      w.once('online', heapPolicyAfterThreadStart);
      workers.push(w);
      pending.set(w, []);
      w.on('message', (packed: PackedFiles) => received(w, packed));
      w.on('error', fail);
      // A thread that ends before it is told to (whatever its exit code) leaves batches unanswered.
      w.on('exit', (code) => {
        if (!stopped) fail(new Error(`a reading thread stopped (exit ${code})`));
      });
      give(w);
      give(w);
    }
  });
}
