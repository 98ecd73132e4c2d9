import {
  ACCEPTED_FORMS,
  type DecodedUrsl,
  EncodeError,
  FIELD_NAMES,
  PROFILES,
  type UrslFields,
  type UrslProfile,
  decodeUniversalReference,
  encodeUniversalReference,
  findProfile,
  hex,
  parseUniversalReference,
} from '../../shared/ursl';
import { decodedJson } from '../../shared/protocol';
import { UsageError } from './files';
import type { CommandResult } from './check';

export function profileOption(name: string | undefined): UrslProfile {
  const profile = findProfile(name ?? 'backend');
  if (!profile) throw new UsageError(`--profile must be one of ${PROFILES.map((p) => p.name).join(', ')} (got '${name}')`);
  return profile;
}

export function toTextReport(d: DecodedUrsl): string {
  const width = Math.max(...FIELD_NAMES.map((n) => n.length));
  const lines = [`universal reference (${d.profile} profile)`];
  for (const n of FIELD_NAMES) {
    const raw = d.raw[n] === d.fields[n] ? '' : `   (packed ${hex(d.raw[n])})`;
    lines.push(`  ${n.padEnd(width)}  ${hex(d.fields[n])}${raw}`);
  }
  lines.push(`  bytes (memory order)  ${Buffer.from(d.bytes).toString('hex')}`);
  lines.push(
    `  C words  ${Object.entries(d.cWords)
      .map(([k, v]) => `${k}=${hex(v)}`)
      .join(' ')}`,
  );
  for (const p of d.problems) lines.push(`  ${p.severity === 'information' ? 'note' : p.severity}[${p.code}] ${p.field}: ${p.message}`);
  return `${lines.join('\n')}\n`;
}

export interface UrslOptions {
  profile: string;
  format: 'text' | 'json';
  fillZero?: boolean;
  color?: string;
}

/** Exit 1 when a decoded field has an error-level problem (a null object pointer, lost bits...). */
const problemStatus = (d: DecodedUrsl): number => (d.problems.some((p) => p.severity === 'error') ? 1 : 0);

function report(d: DecodedUrsl, format: 'text' | 'json', notes: string[] = []): CommandResult {
  if (format === 'json') {
    const stderr = notes.map((n) => `vale-ffi: note: ${n}\n`).join('');
    return { stdout: `${JSON.stringify(decodedJson(d), null, 2)}\n`, stderr, exitCode: problemStatus(d) };
  }
  return { stdout: toTextReport(d) + notes.map((n) => `  note: ${n}\n`).join(''), exitCode: problemStatus(d) };
}

export function runDecode(text: string, options: UrslOptions): CommandResult {
  const found = parseUniversalReference(text);
  if (!found) {
    throw new UsageError(`not a universal reference. Accepted forms:\n${ACCEPTED_FORMS.map((f) => `  - ${f}`).join('\n')}`);
  }
  return report(decodeUniversalReference(found.bytes, profileOption(options.profile)), options.format);
}

export function runEncode(json: string, options: UrslOptions): CommandResult {
  const profile = profileOption(options.profile);
  let input: unknown;
  try {
    input = JSON.parse(json);
  } catch {
    throw new UsageError('encode takes a JSON object of fields, e.g. {"objectGeneration": "0x1320", ...}');
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new UsageError('encode takes a JSON object of fields');
  const fields: Partial<UrslFields> = {};
  for (const [k, v] of Object.entries(input)) {
    if (!(FIELD_NAMES as readonly string[]).includes(k)) throw new UsageError(`unknown field '${k}' (fields: ${FIELD_NAMES.join(', ')})`);
    if (typeof v !== 'string' && !(typeof v === 'number' && Number.isSafeInteger(v)))
      throw new UsageError(`${k} must be a number or a string like "0x1f"`);
    try {
      fields[k as keyof UrslFields] = BigInt(v);
    } catch {
      throw new UsageError(`${k}: '${v}' is not a number`);
    }
  }
  const missing = profile.members.map((m) => m.field).filter((n) => fields[n] === undefined);
  const notes: string[] = [];
  if (missing.length > 0) {
    if (!options.fillZero) {
      throw new UsageError(`missing field${missing.length === 1 ? '' : 's'} ${missing.join(', ')} (or pass --fill-zero to take them as 0)`);
    }
    for (const n of missing) fields[n] = 0n;
    notes.push(`taken as 0: ${missing.join(', ')}`);
  }
  try {
    return report(encodeUniversalReference(fields, profile), options.format, notes);
  } catch (e) {
    if (e instanceof EncodeError) throw new UsageError(e.message);
    throw e;
  }
}
