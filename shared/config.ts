import { CODES, nearestCode } from './codes';
import type { Diagnostic, Severity } from './diagnostics';
import { TARGETS, findTarget } from './layout/targets';

/**
 * The project's `vale-ffi.json` (or the `"vale-ffi"` key of package.json), as
 * the CLI and the server both read it. Paths and globs are relative to the
 * directory holding the file. `schemas/vale-ffi.schema.json` describes the same
 * shape for editors; test/config.test.ts keeps the two in agreement.
 */
export interface ValeFfiConfig {
  /** The C project name: C types are `<project>_<Name>`, headers go to `<project>/<Name>.h`. */
  readonly project?: string;
  readonly target?: string;
  readonly itableProfile?: 'midas' | 'natural';
  /** An ELF executable or object whose itable symbols are checked for 16-byte alignment. */
  readonly binary?: string;
  /** The build output directory: never walked for sources (default `build`). */
  readonly buildDirectory?: string;
  /** When set, only `.vale` files matching one of these (gitignore-style) patterns are analyzed. */
  readonly include?: readonly string[];
  /** `.vale` files matching one of these (gitignore-style) patterns are not analyzed. */
  readonly exclude?: readonly string[];
  /** Per-code severity: a code mapped to `off` is not reported. */
  readonly severity?: Readonly<Record<string, SeverityOverride>>;
  /** Modules as `valec build NAME=DIR` takes them: module name → its root directory. */
  readonly modules?: Readonly<Record<string, string>>;
  /** The largest source file read (bytes; default 16 MiB). */
  readonly maxSourceBytes?: number;
  /** The largest binary or recording read (bytes; default 64 MiB). */
  readonly maxBinaryBytes?: number;
}

export type SeverityOverride = Severity | 'off';

export const CONFIG_FILE = 'vale-ffi.json';
export const CONFIG_PACKAGE_KEY = 'vale-ffi';
const SEVERITIES: readonly SeverityOverride[] = ['error', 'warning', 'information', 'hint', 'off'];
const KEYS = [
  '$schema',
  'project',
  'target',
  'itableProfile',
  'binary',
  'buildDirectory',
  'include',
  'exclude',
  'severity',
  'modules',
  'maxSourceBytes',
  'maxBinaryBytes',
] as const;
const MODULE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export interface ConfigReading {
  /** The fields that were valid; an invalid field is left out, never guessed. */
  readonly config: ValeFfiConfig;
  /** One line per problem, naming the field: `severity.Foo: no diagnostic code Foo (did you mean ...?)`. */
  readonly problems: readonly string[];
}

/** Validates a parsed configuration object. */
export function readConfig(raw: unknown): ConfigReading {
  const problems: string[] = [];
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    return { config: {}, problems: ['the configuration must be a JSON object'] };
  const r = raw as Record<string, unknown>;
  const out: { -readonly [K in keyof ValeFfiConfig]: ValeFfiConfig[K] } = {};
  for (const key of Object.keys(r)) {
    if (!(KEYS as readonly string[]).includes(key)) problems.push(`${key}: unknown setting (settings: ${KEYS.slice(1).join(', ')})`);
  }
  const text = (key: 'project' | 'binary' | 'buildDirectory' | 'target' | 'itableProfile'): string | undefined => {
    const v = r[key];
    if (v === undefined) return undefined;
    if (typeof v === 'string' && v.length > 0) return v;
    problems.push(`${key}: expected a non-empty string, got ${JSON.stringify(v)}`);
    return undefined;
  };
  const project = text('project');
  if (project !== undefined) {
    if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(project)) out.project = project;
    else problems.push(`project: must be a C identifier (got '${project}')`);
  }
  const target = text('target');
  if (target !== undefined) {
    if (findTarget(target)) out.target = target;
    else problems.push(`target: must be one of ${TARGETS.map((t) => t.name).join(', ')} (got '${target}')`);
  }
  const profile = text('itableProfile');
  if (profile !== undefined) {
    if (profile === 'midas' || profile === 'natural') out.itableProfile = profile;
    else problems.push(`itableProfile: must be midas or natural (got '${profile}')`);
  }
  const binary = text('binary');
  if (binary !== undefined) out.binary = binary;
  const build = text('buildDirectory');
  if (build !== undefined) out.buildDirectory = build;
  for (const key of ['include', 'exclude'] as const) {
    const v = r[key];
    if (v === undefined) continue;
    if (Array.isArray(v) && v.every((p) => typeof p === 'string' && p.length > 0)) out[key] = v as string[];
    else problems.push(`${key}: expected an array of glob patterns (strings)`);
  }
  const severity = r.severity;
  if (severity !== undefined) {
    if (typeof severity !== 'object' || severity === null || Array.isArray(severity)) {
      problems.push('severity: expected an object mapping diagnostic codes to error, warning, information, hint or off');
    } else {
      const map: Record<string, SeverityOverride> = {};
      for (const [code, level] of Object.entries(severity)) {
        if (!CODES.some((c) => c.code === code))
          problems.push(`severity.${code}: no diagnostic code ${code} (did you mean ${nearestCode(code)}?)`);
        else if (!SEVERITIES.includes(level as SeverityOverride))
          problems.push(`severity.${code}: must be one of ${SEVERITIES.join(', ')} (got ${JSON.stringify(level)})`);
        else map[code] = level as SeverityOverride;
      }
      out.severity = map;
    }
  }
  for (const key of ['maxSourceBytes', 'maxBinaryBytes'] as const) {
    const v = r[key];
    if (v === undefined) continue;
    if (typeof v === 'number' && Number.isSafeInteger(v) && v > 0) out[key] = v;
    else problems.push(`${key}: expected a positive number of bytes, got ${JSON.stringify(v)}`);
  }
  const modules = r.modules;
  if (modules !== undefined) {
    if (typeof modules !== 'object' || modules === null || Array.isArray(modules)) {
      problems.push('modules: expected an object mapping module names to directories, e.g. {"vtest": "src"}');
    } else {
      const map: Record<string, string> = {};
      for (const [name, dir] of Object.entries(modules)) {
        if (!MODULE_NAME.test(name)) problems.push(`modules.${name}: a module name is an identifier`);
        else if (typeof dir !== 'string' || dir.length === 0)
          problems.push(`modules.${name}: expected a directory, got ${JSON.stringify(dir)}`);
        else map[name] = dir;
      }
      out.modules = map;
    }
  }
  return { config: out, problems };
}

/** Applies per-code severity overrides: a changed severity is a new diagnostic, `off` removes it. */
export function applySeverity(
  diagnostics: readonly Diagnostic[],
  overrides: Readonly<Record<string, SeverityOverride>> | undefined,
): Diagnostic[] {
  if (!overrides || Object.keys(overrides).length === 0) return diagnostics as Diagnostic[];
  const out: Diagnostic[] = [];
  for (const d of diagnostics) {
    const level = overrides[d.code];
    if (level === undefined || level === d.severity) out.push(d);
    else if (level !== 'off') out.push({ ...d, severity: level });
  }
  return out;
}

/** The JSON schema of the configuration (draft-07), written to schemas/vale-ffi.schema.json by `npm run docs`. */
export function configSchema(): Record<string, unknown> {
  const glob = { type: 'array', items: { type: 'string', minLength: 1 } };
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'vale-ffi configuration',
    description:
      'Read by the vale-ffi CLI and language server from vale-ffi.json (or the "vale-ffi" key of package.json), found upward from the working directory. Paths and patterns are relative to the file.',
    type: 'object',
    additionalProperties: false,
    properties: {
      $schema: { type: 'string' },
      project: {
        type: 'string',
        pattern: '^[A-Za-z_][A-Za-z0-9_]*$',
        description: 'The C project name: C types are <project>_<Name>, headers go to <project>/<Name>.h.',
      },
      target: { enum: TARGETS.map((t) => t.name), description: 'The C target whose sizes and alignments layouts use.' },
      itableProfile: {
        enum: ['midas', 'natural'],
        description:
          'midas: itables 16-byte aligned as the Vale backend emits them; natural: pointer-aligned, as a toolchain without ITN16BA.',
      },
      binary: {
        type: 'string',
        minLength: 1,
        description: 'An ELF executable or object whose itable symbols are checked for 16-byte alignment.',
      },
      buildDirectory: {
        type: 'string',
        minLength: 1,
        description: 'The build output directory, never searched for sources (default: build).',
      },
      include: { ...glob, description: 'When set, only .vale files matching one of these gitignore-style patterns are analyzed.' },
      exclude: { ...glob, description: '.vale files matching one of these gitignore-style patterns are not analyzed.' },
      modules: {
        type: 'object',
        description:
          'Modules as valec build NAME=DIR takes them: module name to its root directory (its subdirectories are packages NAME.sub).',
        propertyNames: { pattern: MODULE_NAME.source },
        additionalProperties: { type: 'string', minLength: 1 },
      },
      maxSourceBytes: { type: 'integer', minimum: 1, description: 'The largest source file read, in bytes (default 16 MiB).' },
      maxBinaryBytes: { type: 'integer', minimum: 1, description: 'The largest binary or recording read, in bytes (default 64 MiB).' },
      severity: {
        type: 'object',
        description: 'Per-code severity; off hides the code.',
        propertyNames: { enum: CODES.map((c) => c.code) },
        additionalProperties: { enum: SEVERITIES },
      },
    },
  };
}
