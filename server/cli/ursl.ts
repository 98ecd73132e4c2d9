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

export function runDecode(text: string, profile: UrslProfile, format: 'text' | 'json'): CommandResult {
  const found = parseUniversalReference(text);
  if (!found) {
    throw new UsageError(`not a universal reference. Accepted forms:\n${ACCEPTED_FORMS.map((f) => `  - ${f}`).join('\n')}`);
  }
  const decoded = decodeUniversalReference(found.bytes, profile);
  return { stdout: format === 'json' ? `${JSON.stringify(decodedJson(decoded), null, 2)}\n` : toTextReport(decoded), exitCode: 0 };
}

export function runEncode(json: string, profile: UrslProfile, format: 'text' | 'json'): CommandResult {
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
  try {
    const decoded = encodeUniversalReference(fields, profile);
    return { stdout: format === 'json' ? `${JSON.stringify(decodedJson(decoded), null, 2)}\n` : toTextReport(decoded), exitCode: 0 };
  } catch (e) {
    if (e instanceof EncodeError) throw new UsageError(e.message);
    throw e;
  }
}
