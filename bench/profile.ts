// A run's CPU profile (V8's sampling profiler through node:inspector: what `node --cpu-prof`
// writes, taken around one part of a run) and where its time goes, self time by source module
// of the bundle and by function, for the goals the bench finds missed.
import { Session } from 'node:inspector';

/** A V8 CPU profile (`Profiler.stop`'s, the `.cpuprofile` format). */
export interface CpuProfile {
  readonly nodes: readonly {
    readonly id: number;
    readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  }[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface ProfileShare {
  readonly name: string;
  readonly ms: number;
}

export interface ProfileSummary {
  /** The sampled time (ms). */
  readonly totalMs: number;
  /** Self time by source module (a file of this repository, an npm package, or V8's and Node's parts), largest first. */
  readonly modules: readonly ProfileShare[];
  /** Self time by function (its name, module and line), largest first. */
  readonly functions: readonly ProfileShare[];
}

/** Runs `body` under V8's sampling profiler (a sample every `intervalUs` µs) and returns its value and the profile. */
export function profiled<T>(intervalUs: number, body: () => T): { value: T; profile: CpuProfile } {
  const session = new Session();
  session.connect();
  // An in-thread session answers each call before `post` returns.
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: intervalUs });
  session.post('Profiler.start');
  let profile: CpuProfile | undefined;
  const stop = (): void => {
    session.post('Profiler.stop', (error, result) => {
      if (!error) profile = result.profile as CpuProfile;
    });
    session.disconnect();
  };
  let value: T;
  try {
    value = body();
  } finally {
    stop();
  }
  if (!profile) throw new Error('the profiler gave no profile');
  return { value, profile };
}

/** V8's own entries of a profile, named as the tables show them. */
const V8_ENTRIES: Record<string, string> = {
  '(garbage collector)': "(V8's collector)",
  '(program)': '(V8 itself: compiling, runtime)',
  '(idle)': '(idle)',
  '(root)': '(V8 itself: compiling, runtime)',
};

/**
 * Where a profile's time goes. `bundle` is the text of the esbuild bundle its code ran from
 * (its `// path` comments mark where each source module begins, so a frame's line names the module).
 */
export function summarizeProfile(profile: CpuProfile, bundle: { readonly url: string; readonly text: string }, top = 12): ProfileSummary {
  const starts: { line: number; module: string }[] = [];
  bundle.text.split('\n').forEach((line, i) => {
    const m = /^\/\/ ((?:shared|server|bench|test|client|scripts|node_modules)\/\S+)$/.exec(line);
    if (m) starts.push({ line: i, module: packageOf(m[1]) });
  });
  const moduleAt = (line: number): string => {
    let lo = 0;
    let hi = starts.length - 1;
    let found = '(the bundle)';
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (starts[mid].line <= line) {
        found = starts[mid].module;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  };
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const modules = new Map<string, number>();
  const functions = new Map<string, number>();
  let totalMs = 0;
  const add = (map: Map<string, number>, key: string, ms: number): void => {
    map.set(key, (map.get(key) ?? 0) + ms);
  };
  for (let i = 0; i < profile.samples.length; i++) {
    // A sample stands for the time until the next one.
    const ms = (profile.timeDeltas[i + 1] ?? profile.timeDeltas[i] ?? 0) / 1000;
    const node = byId.get(profile.samples[i]);
    if (!node) continue;
    totalMs += ms;
    const { functionName, url, lineNumber } = node.callFrame;
    const v8 = V8_ENTRIES[functionName];
    if (v8 !== undefined && url === '') {
      add(modules, v8, ms);
      add(functions, v8, ms);
      continue;
    }
    const inBundle = url === bundle.url;
    const module = inBundle ? moduleAt(lineNumber) : otherModule(url);
    add(modules, module, ms);
    add(functions, `${functionName || '(anonymous)'} (${module}${inBundle ? `, bundle line ${lineNumber + 1}` : ''})`, ms);
  }
  const largest = (map: Map<string, number>): ProfileShare[] =>
    [...map]
      .map(([name, ms]) => ({ name, ms }))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, top);
  return { totalMs, modules: largest(modules), functions: largest(functions) };
}

/** Code from outside the bundle, as the tables show it: Node's own, WebAssembly's, or the file's name. */
function otherModule(url: string): string {
  if (url === '' || url.startsWith('node:')) return '(Node)';
  if (url.startsWith('wasm://')) return '(WebAssembly)';
  return url.split('/').pop() ?? url;
}

/** A module's name as the tables show it: a file of this repository, or the npm package. */
function packageOf(path: string): string {
  const m = /^node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  if (!m) return path;
  // A package inside another's node_modules is itself.
  const inner = /.*node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  return inner ? inner[1] : m[1];
}
