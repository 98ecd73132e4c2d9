// tree-sitter's C grammar through web-tree-sitter, for the core's C reader (shared/c). The wasm
// files ship beside the bundles (dist/tree-sitter.wasm, dist/tree-sitter-c.wasm; build.mjs copies
// them); from the sources they are found in node_modules. Loading is asynchronous, so each shell
// loads the parser once before it reads C files.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { CParser } from '../shared';

function firstExisting(candidates: readonly string[]): string | undefined {
  return candidates.find((path) => existsSync(path));
}

let loading: Promise<CParser | undefined> | undefined;

/** The C parser, or undefined (with the reason on `warn`) when its wasm files are missing. */
export function loadCParser(warn: (message: string) => void = () => undefined): Promise<CParser | undefined> {
  loading ??= (async () => {
    // Beside the bundle (dist/), else the packages themselves (running from the sources, server/).
    const modules = join(__dirname, '..', 'node_modules');
    const runtime = firstExisting([join(__dirname, 'tree-sitter.wasm'), join(modules, 'web-tree-sitter', 'tree-sitter.wasm')]);
    const grammar = firstExisting([join(__dirname, 'tree-sitter-c.wasm'), join(modules, 'tree-sitter-wasms', 'out', 'tree-sitter-c.wasm')]);
    if (!runtime || !grammar) {
      warn(`C files are not read: ${!runtime ? 'tree-sitter.wasm' : 'tree-sitter-c.wasm'} is missing beside ${__dirname}`);
      return undefined;
    }
    const Parser = require('web-tree-sitter');
    await Parser.init({ locateFile: (name: string) => join(dirname(runtime), name) });
    const language = await Parser.Language.load(readFileSync(grammar));
    const parser = new Parser();
    parser.setLanguage(language);
    return (text: string) => {
      const tree = parser.parse(text);
      return { root: tree.rootNode, release: () => tree.delete() };
    };
  })();
  return loading;
}
