// The custom protocol (`valeFfi/*` requests), declared once: each request's method, parameters
// and result, and the JSON builders both the server and the CLI use for those results. The
// server registers handlers through these specs, the client and the tests send through them,
// so neither side spells a method name or casts a result.
import { type DecodedUrsl, type UrslFields, hex } from './ursl/codec';
import { FIELD_NAMES } from './ursl/profile';
import type { CLayout, CProgram } from './layout/cprogram';
import type { MessageDrawing } from './layout/sample';
import type { RecordedValue, Recording } from './recording/reader';

/** A request of the `valeFfi/` protocol: its method, typed by its parameters and result. */
export interface RequestSpec<P, R> {
  readonly method: string;
  /** Never set: carries the types. */
  readonly types?: { params: P; result: R };
}

const request = <P, R>(method: string): RequestSpec<P, R> => ({ method });

export interface DecodedJson {
  profile: string;
  fields: Record<string, string>;
  raw: Record<string, string>;
  bytesHex: string;
  cWords: Record<string, string>;
  problems: { field: string; code: string; message: string }[];
}

export interface LayoutJson {
  name: string;
  cName: string;
  size: number;
  align: number;
  fields: { name: string; cType: string; offset: number; size: number; align: number }[];
  padding: { offset: number; size: number }[];
  messageSize: number | null;
}

/** The layout request's answer: the layout, its target, and which holes are tail padding. */
export interface LayoutResult extends Omit<LayoutJson, 'padding'> {
  target: string;
  padding: { offset: number; size: number; tail: boolean }[];
  /** For an imm kind: the message a sample value becomes (objects, child pointers, the `_vasp` size). */
  message?: MessageDrawing;
}

/** A recorded value: `void`, a `reference`, a `message` (its kind, size, value), or a number/bool (`kind` the Vale type). */
export interface RecordedValueJson {
  kind: string;
  offset?: number;
  value?: unknown;
  type?: string;
  size?: number;
  reference?: DecodedJson;
}

export interface RecordingJson {
  size: number;
  calls: {
    offset: number;
    callee: string;
    /** The universal references of the mutable arguments, as recorded. */
    args: { param: string; offset: number; reference: DecodedJson }[];
    /** Every parameter; `recorded: false` for those the recording format does not carry. */
    params: { name: string; type: string; recorded: boolean }[];
    result: RecordedValueJson;
  }[];
  error: { offset: number; reason: string } | null;
}

export interface HeaderResult {
  /** The kind or function name, the file's key, or 'all'. */
  name: string;
  path: string;
  text: string;
}

export interface KindEntry {
  name: string;
  valeName: string;
  uri: string;
}

export const LAYOUT = request<{ name: string }, LayoutResult>('valeFfi/layout');
export const KINDS = request<Record<string, never>, KindEntry[]>('valeFfi/kinds');
export const HEADER = request<{ name?: string; uri?: string }, HeaderResult>('valeFfi/header');
export const DECODE = request<{ text: string; profile?: string }, DecodedJson>('valeFfi/decode');
export const ENCODE = request<{ fields: Record<string, string | number>; profile?: string }, DecodedJson>('valeFfi/encode');
export const RECORDING = request<{ uri: string }, RecordingJson>('valeFfi/recording');

/** What the server is doing, sent when indexing starts and ends and when the set of files changes. */
export interface StatusParams {
  state: 'indexing' | 'ready';
  /** Vale files and C files analysed. */
  valeFiles: number;
  cFiles: number;
  /** The C project name in use (configured, from a module, or inferred from the C files). */
  project: string;
}

/** The server's notification of `StatusParams` (the status bar item shows it). */
export const STATUS = { method: 'valeFfi/status' } as const;

/** Every request, for documentation and tests. */
export const REQUESTS: readonly RequestSpec<unknown, unknown>[] = [LAYOUT, KINDS, HEADER, DECODE, ENCODE, RECORDING];

const bytesHex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

export function decodedJson(d: DecodedUrsl): DecodedJson {
  const fields = (f: UrslFields): Record<string, string> => Object.fromEntries(FIELD_NAMES.map((n) => [n, hex(f[n])]));
  return {
    profile: d.profile,
    fields: fields(d.fields),
    raw: fields(d.raw),
    bytesHex: bytesHex(d.bytes),
    cWords: Object.fromEntries(Object.entries(d.cWords).map(([k, v]) => [k, hex(v)])),
    problems: d.problems.map((p) => ({ field: p.field, code: p.code, message: p.message })),
  };
}

export function layoutJson(program: CProgram, l: CLayout): LayoutJson {
  return {
    name: l.kind.valeName,
    cName: l.cName,
    size: l.size,
    align: l.align,
    fields: l.fields.map((f) => ({
      name: f.name,
      cType: f.count === undefined ? f.type.text : `${f.type.text}[${f.count}]`,
      offset: f.offset,
      size: f.size,
      align: f.align,
    })),
    padding: l.padding.map((p) => ({ offset: p.offset, size: p.size })),
    messageSize: program.staticMessageSize(l.kind),
  };
}

function valueJson(v: RecordedValue): RecordedValueJson {
  switch (v.kind) {
    case 'void':
      return { kind: 'void' };
    case 'reference':
      return { kind: 'reference', offset: v.offset, reference: decodedJson(v.reference) };
    case 'message':
      return { kind: 'message', type: v.type, offset: v.offset, size: v.size, value: v.value };
    default:
      return { kind: v.kind, offset: v.offset, value: v.value };
  }
}

export function recordingJson(r: Recording): RecordingJson {
  return {
    size: r.size,
    calls: r.calls.map((c) => ({
      offset: c.offset,
      callee: c.callee,
      args: c.args.map((a) => ({ param: a.param, offset: a.offset, reference: decodedJson(a.reference) })),
      params: c.params.map((p) => ({ ...p })),
      result: valueJson(c.result),
    })),
    error: r.error ?? null,
  };
}
