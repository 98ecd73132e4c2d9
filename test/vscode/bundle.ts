// Bundles the in-host suite (test/vscode/suite.ts) with its imports (the core, the scenarios),
// leaving `vscode` to the extension host that loads it. Used by test/vscode/run.ts for desktop
// VS Code and by the code-server suite, which runs it in code-server's extension host.
import * as esbuild from 'esbuild';
import { join } from 'node:path';

export const REPO = join(__dirname, '..', '..');

/** Writes .vscode-test/suite/index.js and returns its path. */
export async function bundleSuite(): Promise<string> {
  const outfile = join(REPO, '.vscode-test', 'suite', 'index.js');
  await esbuild.build({
    entryPoints: [join(__dirname, 'suite.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: ['vscode'],
    logLevel: 'warning',
  });
  return outfile;
}
