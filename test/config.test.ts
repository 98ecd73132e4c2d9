// The configuration (shared/config.ts) against its JSON schema (schemas/vale-ffi.schema.json):
// the schema file is current, and the reader accepts exactly what the schema accepts.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import Ajv from 'ajv';
import { type Diagnostic, applySeverity, configSchema, readConfig } from '../shared';
import { schemaText } from '../scripts/docs';

const SCHEMA_FILE = join(__dirname, '..', 'schemas', 'vale-ffi.schema.json');

test('schemas/vale-ffi.schema.json is what the configuration generates (npm run docs)', () => {
  assert.equal(readFileSync(SCHEMA_FILE, 'utf8'), schemaText());
  const pkg = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8'));
  assert.deepEqual(pkg.contributes.jsonValidation, [{ fileMatch: 'vale-ffi.json', url: './schemas/vale-ffi.schema.json' }]);
});

test('the reader accepts exactly what the schema accepts', () => {
  const validate = new Ajv({ strict: true, allErrors: true }).compile(configSchema());
  const cases: unknown[] = [
    {},
    { project: 'fleet', target: 'aarch64-linux', itableProfile: 'natural', binary: 'build/app', buildDirectory: 'out' },
    { include: ['src/**'], exclude: ['generated/', '*.tmp'] },
    { severity: { NonHierarchicalImmutable: 'warning', UncheckedExternalKind: 'off', UnknownKind: 'hint' } },
    { $schema: './node_modules/vale-ffi/schemas/vale-ffi.schema.json', project: 'p' },
    { project: '1fleet' },
    { project: '' },
    { target: 'mips' },
    { itableProfile: 'packed' },
    { binary: 3 },
    { include: 'src' },
    { exclude: [''] },
    { severity: { NoSuchCode: 'off' } },
    { severity: { SyntaxError: 'loud' } },
    { severity: [] },
    { projct: 'x' },
    { maxSourceBytes: 1000, maxBinaryBytes: 2 ** 30 },
    { maxSourceBytes: 0 },
    { maxBinaryBytes: 1.5 },
    { maxSourceBytes: '1 MB' },
    { modules: { vtest: 'src', other_1: 'lib' } },
    { modules: { 'v-test': 'src' } },
    { modules: { vtest: '' } },
    [],
    'fleet',
    null,
  ];
  for (const c of cases) {
    const reading = readConfig(c);
    assert.equal(reading.problems.length === 0, validate(c), `${JSON.stringify(c)}: ${reading.problems.join('; ')}`);
  }
});

test('a problem leaves out its field only; the rest applies', () => {
  const r = readConfig({ project: 'fleet', target: 'mips', severity: { UnknownKind: 'off', Nope: 'off' } });
  assert.deepEqual(r.config, { project: 'fleet', severity: { UnknownKind: 'off' } });
  assert.equal(r.problems.length, 2);
});

test('severity overrides change a code, or remove it with off', () => {
  const d = (code: string, severity: Diagnostic['severity']): Diagnostic => ({
    file: 'a.vale',
    start: 0,
    end: 1,
    code,
    severity,
    message: code,
  });
  const all = [d('NonHierarchicalImmutable', 'error'), d('UncheckedExternalKind', 'information'), d('SyntaxError', 'error')];
  assert.deepEqual(
    applySeverity(all, { NonHierarchicalImmutable: 'warning', UncheckedExternalKind: 'off' }).map((x) => [x.code, x.severity]),
    [
      ['NonHierarchicalImmutable', 'warning'],
      ['SyntaxError', 'error'],
    ],
  );
  assert.equal(applySeverity(all, undefined), all);
});
