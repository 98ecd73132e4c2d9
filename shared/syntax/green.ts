import type { SyntaxKind } from './kinds';

/**
 * Green elements are immutable and position-free: a node knows its width, not
 * its offset, so an unchanged top-level item can be reused as-is after an edit
 * anywhere before it. Positions come from the red layer (red.ts).
 */
export class GreenToken {
  constructor(
    readonly kind: SyntaxKind,
    readonly text: string,
  ) {}
  get width(): number {
    return this.text.length;
  }
}

/** A syntax error, in offsets relative to the start of the node that holds it. */
export interface RelativeSyntaxError {
  readonly start: number;
  readonly end: number;
  readonly message: string;
  /** A problem the file can live with (Vale itself may still reject it). */
  readonly warning?: boolean;
}

export class GreenNode {
  readonly width: number;
  /**
   * Errors found while parsing this node (only set on top-level nodes, and on the statements of a
   * block: those their turn of the statement list found, also among their item's).
   */
  errors: readonly RelativeSyntaxError[] = NO_ERRORS;
  /**
   * How far past its end the parser looked while parsing this node (only set on top-level nodes,
   * and on the statements of a block): an edit inside that window may change the node.
   */
  lookahead = 0;
  /** Lexer state right after this node (only set on top-level nodes and the statements of a block; '' is plain code). */
  endModes = '';

  /** `width`, when the caller knows it (a file's root: its text's length), saves summing the children's. */
  constructor(
    readonly kind: SyntaxKind,
    readonly children: readonly GreenElement[],
    width?: number,
  ) {
    if (width === undefined) {
      width = 0;
      for (let i = 0; i < children.length; i++) width += children[i].width;
    }
    this.width = width;
  }

  /** A top-level node whose syntax was let go (a one-shot analysis read it elsewhere): its width, no children. */
  static released(kind: SyntaxKind, width: number): GreenNode {
    const node = new GreenNode(kind, RELEASED);
    (node as { width: number }).width = width;
    return node;
  }
}

/** The children of a node whose syntax was let go. */
export const RELEASED: readonly GreenElement[] = Object.freeze([]);

/** A node's errors when it has none (one list shared by them all). */
export const NO_ERRORS: readonly RelativeSyntaxError[] = Object.freeze([]);

export type GreenElement = GreenNode | GreenToken;

/** Prints a green element back to text: the concatenation of its tokens. */
export function greenText(e: GreenElement): string {
  if (e instanceof GreenToken) return e.text;
  const parts: string[] = [];
  // In order, on a stack of its own: a chain of operators nests as deep as it is long.
  const stack: GreenElement[] = [e];
  for (let x = stack.pop(); x !== undefined; x = stack.pop()) {
    if (x instanceof GreenToken) parts.push(x.text);
    else for (let i = x.children.length - 1; i >= 0; i--) stack.push(x.children[i]);
  }
  return parts.join('');
}
