import { SyntaxKind } from '../syntax/kinds';
import { SyntaxNode } from '../syntax/red';
import type { SyntaxTree } from '../syntax/tree';

/** A foldable region, in offsets: from the end of its first line's content to its last line. */
export interface FoldingRegion {
  readonly start: number;
  readonly end: number;
  readonly kind: 'region' | 'comment';
}

/**
 * What an editor can fold in a Vale file: every top-level item and every block that spans
 * several lines, and runs of two or more line comments. Read from the tree alone.
 */
export function foldingRegions(tree: SyntaxTree): FoldingRegion[] {
  const out: FoldingRegion[] = [];
  const lines = tree.lines;
  const multiLine = (start: number, end: number): boolean => lines.positionAt(start).line < lines.positionAt(end).line;
  const walk = (node: SyntaxNode, depth: number): void => {
    if (depth > 200) return;
    for (const c of node.children()) {
      if (!(c instanceof SyntaxNode)) continue;
      if (depth === 0 || c.kind === SyntaxKind.Block) {
        const r = c.trimmedRange();
        if (multiLine(r.start, r.end)) out.push({ start: r.start, end: r.end, kind: 'region' });
      }
      walk(c, depth + 1);
    }
  };
  walk(tree.root, 0);
  // Runs of line comments, each on its own line.
  let run: { start: number; end: number; line: number; count: number } | undefined;
  const flush = (): void => {
    if (run && run.count > 1) out.push({ start: run.start, end: run.end, kind: 'comment' });
    run = undefined;
  };
  // Every token in order, on a stack (a chain of operators nests as deep as it is long).
  for (const t of tree.root.tokens()) {
    if (t.kind === SyntaxKind.Whitespace) continue;
    if (t.kind !== SyntaxKind.LineComment) {
      flush();
      continue;
    }
    const line = lines.positionAt(t.offset).line;
    if (run && line === run.line + 1) run = { ...run, end: t.end, line, count: run.count + 1 };
    else {
      flush();
      run = { start: t.offset, end: t.end, line, count: 1 };
    }
  }
  flush();
  // One region per first line (an item and its body start on the same line): the larger one.
  const byLine = new Map<number, FoldingRegion>();
  for (const r of out.sort((a, b) => a.start - b.start || b.end - a.end)) {
    const line = lines.positionAt(r.start).line;
    if (!byLine.has(line)) byLine.set(line, r);
  }
  return [...byLine.values()];
}
