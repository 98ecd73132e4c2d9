import { READ_LIMITS, readRegularFile } from '../read';
import { type Connection, type RequestHandler, RequestType, ResponseError } from 'vscode-languageserver/node';
import { URI } from 'vscode-uri';
import {
  type CProgram,
  ACCEPTED_FORMS,
  DECODE,
  ENCODE,
  FIELD_NAMES,
  HEADER,
  type HeaderResult,
  KINDS,
  LAYOUT,
  RECORDING,
  type RequestSpec,
  type UrslFields,
  VALE_BUILTINS_HEADER,
  allHeaders,
  decodeUniversalReference,
  decodedJson,
  encodeUniversalReference,
  findProfile,
  functionHeader,
  kindHeader,
  layoutJson,
  messageDrawing,
  parseUniversalReference,
  readRecording,
  recordingJson,
} from '../../shared';
import { type Documents, keyOf } from './documents';
import { type Guard, type Shape, shape, valid } from './guard';

const INVALID = -32602;

/** The preview says, above a header, why its numbers may differ from the backend's (the file on disk never does). */
const noteLines = (h: { notes?: readonly string[] }): string => (h.notes ?? []).map((n) => `// vale-ffi: ${n}\n`).join('');
const headerResult = (h: { name: string; path: string; text: string; notes?: readonly string[] }): HeaderResult => ({
  name: h.name,
  path: h.path,
  text: `${noteLines(h)}${h.text}`,
});

/**
 * Custom requests for the client and other editors (all under `valeFfi/`):
 * layout of a kind, generated headers, decode/encode a universal reference.
 */
export function registerRequests(
  connection: Connection,
  guard: Guard,
  documents: Documents,
  /** The C program the answers use (the project set, else the one the C files use). */
  program: () => CProgram,
): void {
  /** A handler for one request of the protocol (shared/protocol.ts), typed by its spec, behind its parameter shape. */
  const on = <P, R>(
    spec: RequestSpec<P, R>,
    handler: (params: P | undefined) => R | ResponseError<void>,
    params: Shape = shape.any,
  ): void => {
    const guarded = guard.request<P | undefined, R, []>(spec.method, params, handler) as RequestHandler<P | undefined, R, void>;
    connection.onRequest(new RequestType<P | undefined, R, void>(spec.method), guarded);
  };
  const text = valid.optional(valid.string);

  on(
    LAYOUT,
    (params) => {
      const p = program();
      const kind = p.findKind(params?.name ?? '');
      if (!kind) return new ResponseError(INVALID, `no exported kind named ${params?.name}`);
      const l = p.layout(kind);
      return {
        ...layoutJson(p, l),
        target: p.target.name,
        padding: l.padding.map((x) => ({ offset: x.offset, size: x.size, tail: x.tail })),
        message: messageDrawing(p, kind),
      };
    },
    shape.of({ name: valid.string }),
  );

  on(KINDS, () => program().kinds.map((k) => ({ name: k.exportName, valeName: k.valeName, uri: documents.uriOf(k.file) })));

  /** One header (by kind or function name), or every header of a file (by uri), or all of them. */
  on(
    HEADER,
    (params) => {
      const p = program();
      if (params?.name) {
        const kind = p.kinds.find((k) => k.exportName === params.name);
        if (kind) return headerResult(kindHeader(p, kind));
        for (const m of p.index.files.values()) {
          const f = m.functions.find((fn) => fn.name === params.name && (fn.extern || fn.exported));
          if (f) return headerResult(functionHeader(p, f, m.package));
        }
        return new ResponseError(INVALID, `no exported kind or FFI function named ${params.name}`);
      }
      const key = params?.uri ? keyOf(params.uri) : undefined;
      const headers = allHeaders(p).filter((h) => !key || (h.kind ? h.kind.file === key : h.function?.file === key));
      const text = [{ path: 'ValeBuiltins.h', text: VALE_BUILTINS_HEADER, notes: [] }, ...headers]
        .map((h) => `// ${h.path}\n${noteLines(h)}${h.text}`)
        .join('\n');
      return { name: key ?? 'all', path: `${p.project}/`, text };
    },
    shape.of({ 'name?': text, 'uri?': text }),
  );

  on(
    DECODE,
    (params) => {
      const profile = findProfile(params?.profile ?? 'backend');
      if (!profile) return new ResponseError(INVALID, `unknown profile ${params?.profile}`);
      const found = parseUniversalReference(params?.text ?? '');
      if (!found)
        return new ResponseError(INVALID, `not a universal reference. Accepted forms:\n${ACCEPTED_FORMS.map((f) => `- ${f}`).join('\n')}`);
      return decodedJson(decodeUniversalReference(found.bytes, profile));
    },
    shape.of({ text: valid.string, 'profile?': text }),
  );

  on(
    ENCODE,
    (params) => {
      const profile = findProfile(params?.profile ?? 'backend');
      if (!profile) return new ResponseError(INVALID, `unknown profile ${params?.profile}`);
      try {
        const fields = Object.fromEntries(FIELD_NAMES.map((n) => [n, BigInt(params?.fields?.[n] ?? 0)])) as UrslFields;
        return decodedJson(encodeUniversalReference(fields, profile));
      } catch (e) {
        return new ResponseError(INVALID, e instanceof Error ? e.message : String(e));
      }
    },
    shape.of({ fields: valid.object, 'profile?': text }),
  );

  /** A recording file decoded with the workspace's extern declarations. */
  on(
    RECORDING,
    (params) => {
      let bytes: Buffer;
      try {
        bytes = readRegularFile(URI.parse(params?.uri ?? '').fsPath, READ_LIMITS.binary);
      } catch (e) {
        return new ResponseError(INVALID, `cannot read ${params?.uri}: ${(e as Error).message}`);
      }
      return recordingJson(readRecording(new Uint8Array(bytes), program()));
    },
    shape.of({ uri: valid.string }),
  );
}
