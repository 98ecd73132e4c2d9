// Bundles the three entry points with esbuild: the VS Code client, the language server, the CLI.
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
const watch = process.argv.includes('--watch');
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
  define: { VALE_FFI_VERSION: JSON.stringify(pkg.version) },
};
const builds = [
  { ...common, entryPoints: ['client/extension.ts'], outfile: 'dist/client.js', external: ['vscode'] },
  { ...common, entryPoints: ['server/lsp/main.ts'], outfile: 'dist/server.js' },
  { ...common, entryPoints: ['server/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  // The threads that read files for the CLI (server/jobs.ts), loaded from beside it.
  { ...common, entryPoints: ['server/worker.ts'], outfile: 'dist/worker.js' },
];
// web-tree-sitter's runtime and tree-sitter's C grammar ship beside the bundles (server/cparser.ts).
mkdirSync('dist', { recursive: true });
copyFileSync('node_modules/web-tree-sitter/tree-sitter.wasm', 'dist/tree-sitter.wasm');
copyFileSync('node_modules/tree-sitter-wasms/out/tree-sitter-c.wasm', 'dist/tree-sitter-c.wasm');
if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
