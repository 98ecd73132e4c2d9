import { readFileSync } from 'node:fs';
import { Connection, ResponseError } from 'vscode-languageserver/node';
import { URI } from 'vscode-uri';
import {
  ACCEPTED_FORMS, FIELD_NAMES, UrslFields, VALE_BUILTINS_HEADER, Workspace, allHeaders, decodeUniversalReference, encodeUniversalReference,
  findProfile, functionHeader, kindHeader, parseUniversalReference, readRecording,
} from '../../shared';
import { layoutJson } from '../cli/layout';
import { recordingJson } from '../cli/recording';
import { toJsonObject } from '../cli/ursl';
import { Documents, keyOf } from './documents';
import { Settings } from './settings';

const INVALID = -32602;

/**
 * Custom requests for the client and other editors (all under `valeFfi/`):
 * layout of a kind, generated headers, decode/encode a universal reference.
 */
export function registerRequests(connection: Connection, workspace: Workspace, documents: Documents, settings: () => Settings): void {
  const program = () => workspace.cProgram(settings().projectName, settings().target);

  connection.onRequest('valeFfi/layout', (params: { name: string }) => {
    const p = program();
    const kind = p.findKind(params?.name ?? '');
    if (!kind) return new ResponseError(INVALID, `no exported kind named ${params?.name}`);
    const l = p.layout(kind);
    return { target: p.target.name, ...layoutJson(p, l), padding: l.padding };
  });

  connection.onRequest('valeFfi/kinds', () => program().kinds.map((k) => ({ name: k.exportName, valeName: k.valeName, uri: documents.uriOf(k.file) })));

  /** One header (by kind or function name), or every header of a file (by uri), or all of them. */
  connection.onRequest('valeFfi/header', (params: { name?: string; uri?: string }) => {
    const p = program();
    if (params?.name) {
      const kind = p.kinds.find((k) => k.exportName === params.name);
      if (kind) return kindHeader(p, kind);
      for (const m of p.index.files.values()) {
        const f = m.functions.find((fn) => fn.name === params.name && (fn.extern || fn.exported));
        if (f) return functionHeader(p, f, m.package);
      }
      return new ResponseError(INVALID, `no exported kind or FFI function named ${params.name}`);
    }
    const key = params?.uri ? keyOf(params.uri) : undefined;
    const headers = allHeaders(p).filter((h) => !key || (h.kind ? h.kind.file === key : h.function?.file === key));
    const text = [{ path: 'ValeBuiltins.h', text: VALE_BUILTINS_HEADER }, ...headers].map((h) => `// ${h.path}\n${h.text}`).join('\n');
    return { name: key ?? 'all', path: `${p.project}/`, text };
  });

  connection.onRequest('valeFfi/decode', (params: { text: string; profile?: string }) => {
    const profile = findProfile(params?.profile ?? 'backend');
    if (!profile) return new ResponseError(INVALID, `unknown profile ${params?.profile}`);
    const found = parseUniversalReference(params?.text ?? '');
    if (!found) return new ResponseError(INVALID, `not a universal reference. Accepted forms:\n${ACCEPTED_FORMS.map((f) => `- ${f}`).join('\n')}`);
    return toJsonObject(decodeUniversalReference(found.bytes, profile));
  });

  connection.onRequest('valeFfi/encode', (params: { fields: Record<string, string | number>; profile?: string }) => {
    const profile = findProfile(params?.profile ?? 'backend');
    if (!profile) return new ResponseError(INVALID, `unknown profile ${params?.profile}`);
    try {
      const fields = Object.fromEntries(FIELD_NAMES.map((n) => [n, BigInt(params?.fields?.[n] ?? 0)])) as UrslFields;
      return toJsonObject(encodeUniversalReference(fields, profile));
    } catch (e) {
      return new ResponseError(INVALID, e instanceof Error ? e.message : String(e));
    }
  });

  /** A recording file decoded with the workspace's extern declarations. */
  connection.onRequest('valeFfi/recording', (params: { uri: string }) => {
    let bytes: Buffer;
    try {
      bytes = readFileSync(URI.parse(params?.uri ?? '').fsPath);
    } catch (e) {
      return new ResponseError(INVALID, `cannot read ${params?.uri}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    return recordingJson(readRecording(new Uint8Array(bytes), program()));
  });
}
