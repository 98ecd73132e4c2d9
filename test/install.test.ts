// The CLI as a user installs it outside the repository: `npm pack`, then `npm install -g` of the
// tarball into a fresh prefix (no network: the package has no runtime dependencies, the CLI is
// one bundled file), then `vale-ffi --version` and `vale-ffi check` from there.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempDir } from './support/temp';

const REPO = join(__dirname, '..');

test('the packed tarball installs into a prefix, and its vale-ffi runs from there', () => {
  const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'));
  assert.equal(pkg.dependencies, undefined, 'nothing to download at install time: everything is bundled');
  const packs = tempDir('vale-ffi-pack-');
  execFileSync('npm', ['pack', '--silent', '--pack-destination', packs], { cwd: REPO, stdio: ['ignore', 'pipe', 'inherit'] });
  const [tarball] = readdirSync(packs).filter((f) => f.endsWith('.tgz'));
  assert.ok(tarball, 'npm pack wrote a tarball');
  const prefix = tempDir('vale-ffi-prefix-');
  execFileSync('npm', ['install', '--global', '--prefix', prefix, '--offline', '--no-audit', '--no-fund', join(packs, tarball)], {
    cwd: prefix,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const bin = join(prefix, 'bin', 'vale-ffi');
  assert.ok(existsSync(bin), `${bin} is installed`);
  const version = spawnSync(bin, ['--version'], { encoding: 'utf8', cwd: prefix });
  assert.deepEqual([version.status, version.stdout], [0, `${pkg.version}\n`]);
  const check = spawnSync(bin, ['check', join(REPO, 'examples', 'fleet'), '--format', 'json'], { encoding: 'utf8', cwd: prefix });
  assert.equal(check.status, 0, check.stderr);
  assert.deepEqual(JSON.parse(check.stdout), { files: 5, diagnostics: [] });
  const harbor = spawnSync(bin, ['check', join(REPO, 'examples', 'harbor'), '--format', 'sarif'], { encoding: 'utf8', cwd: prefix });
  assert.equal(harbor.status, 1);
  // The SARIF help links point at the explanations installed beside the CLI.
  const helpUri: string = JSON.parse(harbor.stdout).runs[0].tool.driver.rules[0].helpUri;
  assert.ok(existsSync(new URL(helpUri.replace(/#.*/, '')).pathname), helpUri);
  // The reading threads' code ships beside the CLI: --jobs reads the same report.
  const args = ['check', join(REPO, 'examples'), '--format', 'json'];
  const here = spawnSync(bin, [...args, '--jobs', '1'], { encoding: 'utf8', cwd: prefix });
  const threads = spawnSync(bin, [...args, '--jobs', '2'], { encoding: 'utf8', cwd: prefix });
  assert.deepEqual([threads.status, threads.stderr, threads.stdout], [1, '', here.stdout]);
});

test('the extension manifest: categories, keywords, an icon, capabilities, Markdown setting descriptions, a changelog', () => {
  const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'));
  assert.deepEqual(pkg.categories, ['Programming Languages', 'Linters']);
  assert.ok(pkg.keywords.includes('vale') && pkg.keywords.includes('ffi'));
  // The tool only reads files: trusted or not, it runs the same.
  assert.equal(pkg.capabilities.untrustedWorkspaces.supported, true);
  assert.equal(pkg.capabilities.virtualWorkspaces.supported, 'limited');
  const icon = readFileSync(join(REPO, pkg.icon));
  assert.equal(icon.subarray(1, 4).toString(), 'PNG');
  assert.deepEqual([icon.readUInt32BE(16), icon.readUInt32BE(20)], [128, 128], 'a 128×128 icon');
  // README's images are relative links (`vsce package --no-rewrite-relative-links`): they ship beside it.
  const images = [...readFileSync(join(REPO, 'README.md'), 'utf8').matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)].map((m) => m[1]);
  assert.ok(images.length > 0);
  for (const file of [pkg.icon, 'CHANGELOG.md', ...images]) assert.ok(pkg.files.includes(file), `${file} ships in the package`);
  // No invented repository address: the field is set when the project has a public one.
  assert.ok(!JSON.stringify(pkg).includes('example.invalid'), 'no placeholder address in package.json');
  // The getting-started walkthrough: four steps, each with its page shipped and a way to complete it.
  const [walkthrough] = pkg.contributes.walkthroughs;
  assert.deepEqual(
    walkthrough.steps.map((s: { id: string }) => s.id),
    ['openExample', 'seeDiagnostics', 'hoverKind', 'decodeReference'],
  );
  for (const step of walkthrough.steps) {
    assert.ok(readFileSync(join(REPO, step.media.markdown), 'utf8').startsWith('# '), step.media.markdown);
    assert.ok(
      pkg.files.some((f: string) => step.media.markdown.startsWith(f)),
      `${step.media.markdown} ships in the package`,
    );
    assert.ok(step.completionEvents.length > 0, step.id);
  }
  const commands = new Set(pkg.contributes.commands.map((c: { command: string }) => c.command));
  for (const c of ['valeFfi.showOutput', 'valeFfi.decodeDebugVariable']) assert.ok(commands.has(c), c);
  const props = pkg.contributes.configuration.properties;
  for (const [key, value] of Object.entries(props) as [string, { description?: string; markdownDescription?: string }][]) {
    assert.equal(value.description, undefined, `${key}: a markdownDescription`);
    assert.ok(value.markdownDescription, key);
    // Outside code spans a `<` would start an HTML tag and swallow the text after it.
    const prose = value
      .markdownDescription!.split('`')
      .filter((_, i) => i % 2 === 0)
      .join('');
    assert.doesNotMatch(prose, /(^|[^\\])</, `${key}: an unescaped < in the description`);
  }
});
