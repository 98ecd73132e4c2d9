// Reading a variable's 32 bytes from a paused debug session over the Debug Adapter Protocol, for
// "Decode as Vale reference". No vscode import: the extension hands over a request function
// (session.customRequest), the tests a DAP client on lldb-dap-19 or on a fake adapter.
import { bytesToBigInt } from '../shared/ursl/codec';

/** One DAP request: the command and its arguments, answered with the response's body. */
export type DapRequest = (command: string, args: Record<string, unknown>) => Promise<unknown>;

/** What the Variables and Watch context menus pass to the command, reduced to what reading needs. */
export interface DebugItem {
  /** The name shown in the view. */
  name: string;
  /** An expression that evaluates to the variable in its frame (DAP `evaluateName`). */
  expression?: string;
  /** The DAP `memoryReference`: for a struct its address, for a pointer the address it holds. */
  memoryReference?: string;
  type?: string;
}

/**
 * The item of a context-menu argument: the Variables view passes `{sessionId, container,
 * variable}` (DAP Variable), the Watch view the watch expression itself (`name` is the expression).
 */
export function debugItemOf(arg: unknown): DebugItem | undefined {
  if (typeof arg !== 'object' || arg === null) return undefined;
  const a = arg as Record<string, unknown>;
  const fromVariables = typeof a.variable === 'object' && a.variable !== null;
  const v = (fromVariables ? a.variable : a) as Record<string, unknown>;
  const str = (x: unknown): string | undefined => (typeof x === 'string' && x !== '' ? x : undefined);
  const name = str(v.name) ?? str(v.evaluateName);
  if (!name) return undefined;
  return {
    name,
    expression: str(v.evaluateName) ?? (fromVariables ? undefined : name),
    memoryReference: str(v.memoryReference),
    type: str(v.type),
  };
}

export class DebugReadError extends Error {}

export interface ReadResult {
  bytes: Uint8Array;
  via: 'readMemory' | 'evaluate';
  /** Why readMemory was not used or did not answer, when evaluate was. */
  note?: string;
}

export interface ReadOptions {
  /** The adapter said `supportsReadMemoryRequest` in its initialize answer. */
  supportsReadMemory: boolean;
  /** The frame the expression is evaluated in (DAP frameId), when a frame is selected. */
  frameId?: number;
  /** How long to wait for readMemory before falling back to evaluate (some adapters never answer). */
  timeoutMs?: number;
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DebugReadError(`${what} got no answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

/** A C expression that views the variable's 32 bytes as four 64-bit words (through a pointer if it is one). */
export function wordsExpression(item: DebugItem): string {
  const e = item.expression ?? item.name;
  const pointer = item.type !== undefined && /\*\s*(const\s*)?$/.test(item.type.trim());
  return `*(unsigned long long (*)[4])${pointer ? `(${e})` : `&(${e})`}`;
}

/** A number as a debugger prints it: decimal, 0x hex, possibly with a suffix or a summary after it. */
function parseWord(text: string): bigint | undefined {
  const m = /^\s*(0x[0-9a-fA-F]+|\d+)/.exec(text);
  if (!m) return undefined;
  const v = BigInt(m[1]);
  return v <= 0xffffffffffffffffn ? v : undefined;
}

async function viaReadMemory(request: DapRequest, memoryReference: string): Promise<Uint8Array> {
  const body = (await request('readMemory', { memoryReference, offset: 0, count: 32 })) as
    | { data?: string; unreadableBytes?: number }
    | undefined;
  const bytes = body?.data ? Uint8Array.from(Buffer.from(body.data, 'base64')) : new Uint8Array(0);
  if (bytes.length < 32) {
    throw new DebugReadError(
      `readMemory at ${memoryReference} gave ${bytes.length} of 32 bytes${body?.unreadableBytes ? ` (${body.unreadableBytes} unreadable)` : ''}`,
    );
  }
  return bytes.subarray(0, 32);
}

async function viaEvaluate(request: DapRequest, item: DebugItem, frameId: number | undefined): Promise<Uint8Array> {
  if (!item.expression) throw new DebugReadError(`${item.name} has no expression the debugger can evaluate (no evaluateName)`);
  const expression = wordsExpression(item);
  const evaluated = (await request('evaluate', { expression, context: 'watch', ...(frameId === undefined ? {} : { frameId }) })) as
    | { result?: string; variablesReference?: number }
    | undefined;
  if (!evaluated?.variablesReference) {
    throw new DebugReadError(`the debugger could not view ${item.expression} as four 64-bit words: ${evaluated?.result ?? 'no answer'}`);
  }
  const listed = (await request('variables', { variablesReference: evaluated.variablesReference })) as
    | { variables?: { name: string; value: string }[] }
    | undefined;
  const words = (listed?.variables ?? []).slice(0, 4).map((v) => parseWord(v.value));
  if (words.length !== 4 || words.some((w) => w === undefined)) {
    throw new DebugReadError(
      `${expression} did not give four numbers: ${(listed?.variables ?? []).map((v) => `${v.name} = ${v.value}`).join(', ') || 'no children'}`,
    );
  }
  const bytes = new Uint8Array(32);
  const view = new DataView(bytes.buffer);
  words.forEach((w, i) => view.setBigUint64(8 * i, w as bigint, true));
  return bytes;
}

/**
 * The variable's 32 bytes in memory order: with readMemory where the adapter offers it and the
 * variable has a memory reference, else through evaluate of a four-word view (lldb-dap-19 has no
 * readMemory). A readMemory that fails or never answers falls back to evaluate, saying why.
 */
export async function readReferenceBytes(request: DapRequest, item: DebugItem, options: ReadOptions): Promise<ReadResult> {
  let note: string | undefined;
  if (options.supportsReadMemory && item.memoryReference) {
    try {
      return {
        bytes: await withTimeout(viaReadMemory(request, item.memoryReference), options.timeoutMs ?? 3_000, 'readMemory'),
        via: 'readMemory',
      };
    } catch (e) {
      note = (e as Error).message;
    }
  } else {
    note = options.supportsReadMemory ? `${item.name} has no memory reference` : 'the debug adapter does not offer readMemory';
  }
  try {
    return { bytes: await viaEvaluate(request, item, options.frameId), via: 'evaluate', note };
  } catch (e) {
    throw new DebugReadError(`${(e as Error).message}${note ? ` (and readMemory: ${note})` : ''}`);
  }
}

/** 32 bytes as the decode request takes them: `0x…`, the 256-bit little-endian integer. */
export function referenceText(bytes: Uint8Array): string {
  return `0x${bytesToBigInt(bytes).toString(16).padStart(64, '0')}`;
}
