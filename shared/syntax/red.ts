import { type GreenElement, GreenNode, GreenToken, greenText } from './green';
import { SyntaxKind, isTrivia } from './kinds';

/**
 * The red layer: green elements seen at an absolute offset, with a parent.
 * Created on demand while walking; cheap and throwaway.
 */
export class SyntaxToken {
  constructor(
    readonly green: GreenToken,
    readonly offset: number,
    readonly parent: SyntaxNode | null,
  ) {}
  get kind(): SyntaxKind {
    return this.green.kind;
  }
  get text(): string {
    return this.green.text;
  }
  get end(): number {
    return this.offset + this.green.text.length;
  }
  get isTrivia(): boolean {
    return isTrivia(this.green.kind);
  }
}

export type SyntaxElement = SyntaxNode | SyntaxToken;

/** The text of the first significant token directly under a green node ('' when there is none). */
export function firstTokenText(node: GreenNode): string {
  const children = node.children;
  for (let i = 0; i < children.length; i++) {
    const c = children[i];
    if (c instanceof GreenToken && !isTrivia(c.kind)) return c.text;
  }
  return '';
}

export class SyntaxNode {
  constructor(
    readonly green: GreenNode,
    readonly offset: number,
    readonly parent: SyntaxNode | null,
  ) {}

  get kind(): SyntaxKind {
    return this.green.kind;
  }

  get end(): number {
    return this.offset + this.green.width;
  }

  children(): SyntaxElement[] {
    const out: SyntaxElement[] = [];
    let offset = this.offset;
    for (const c of this.green.children) {
      out.push(c instanceof GreenNode ? new SyntaxNode(c, offset, this) : new SyntaxToken(c, offset, this));
      offset += c.width;
    }
    return out;
  }

  childNodes(): SyntaxNode[] {
    const out: SyntaxNode[] = [];
    let offset = this.offset;
    for (const c of this.green.children) {
      if (c instanceof GreenNode) out.push(new SyntaxNode(c, offset, this));
      offset += c.width;
    }
    return out;
  }

  /** The first child node whose kind passes `test`, or the first child node without one (only that one is made). */
  firstChild(test?: (kind: SyntaxKind) => boolean): SyntaxNode | undefined {
    const children = this.green.children;
    let offset = this.offset;
    for (let i = 0; i < children.length; i++) {
      const c = children[i];
      if (c instanceof GreenNode && (test === undefined || test(c.kind))) return new SyntaxNode(c, offset, this);
      offset += c.width;
    }
    return undefined;
  }

  /** First child node of a kind. */
  child(kind: SyntaxKind): SyntaxNode | undefined {
    let offset = this.offset;
    for (const c of this.green.children) {
      if (c instanceof GreenNode && c.kind === kind) return new SyntaxNode(c, offset, this);
      offset += c.width;
    }
    return undefined;
  }

  /** The child nodes of a kind (only those are made). */
  childrenOf(kind: SyntaxKind): SyntaxNode[] {
    const out: SyntaxNode[] = [];
    const children = this.green.children;
    let offset = this.offset;
    for (let i = 0; i < children.length; i++) {
      const c = children[i];
      if (c instanceof GreenNode && c.kind === kind) out.push(new SyntaxNode(c, offset, this));
      offset += c.width;
    }
    return out;
  }

  /** Significant tokens directly under this node (not in child nodes). */
  directTokens(): SyntaxToken[] {
    const out: SyntaxToken[] = [];
    let offset = this.offset;
    for (const c of this.green.children) {
      if (c instanceof GreenToken && !isTrivia(c.kind)) out.push(new SyntaxToken(c, offset, this));
      offset += c.width;
    }
    return out;
  }

  /** The first direct token of a kind, optionally with a given text (only that one is made). */
  token(kind: SyntaxKind, text?: string): SyntaxToken | undefined {
    const children = this.green.children;
    let offset = this.offset;
    for (let i = 0; i < children.length; i++) {
      const c = children[i];
      if (c instanceof GreenToken && c.kind === kind && (text === undefined || c.text === text)) return new SyntaxToken(c, offset, this);
      offset += c.width;
    }
    return undefined;
  }

  /** The text of the first significant token directly under this node ('' when there is none); nothing is made. */
  firstTokenText(): string {
    return firstTokenText(this.green);
  }

  /** All tokens under this node, in order, trivia included. */
  *tokens(): Generator<SyntaxToken> {
    const stack: SyntaxElement[] = [this];
    while (stack.length > 0) {
      const e = stack.pop()!;
      if (e instanceof SyntaxToken) yield e;
      else {
        const cs = e.children();
        for (let i = cs.length - 1; i >= 0; i--) stack.push(cs[i]);
      }
    }
  }

  *descendants(): Generator<SyntaxNode> {
    const stack: SyntaxNode[] = [this];
    while (stack.length > 0) {
      const n = stack.pop()!;
      yield n;
      const cs = n.childNodes();
      for (let i = cs.length - 1; i >= 0; i--) stack.push(cs[i]);
    }
  }

  /** The text of this node, printed from its tokens (read from the green tree: no red nodes made). */
  text(): string {
    return greenText(this.green);
  }

  /**
   * `text().trim()`; for the usual node of one token between whitespace (a name, a plain type),
   * that token's text, with nothing made.
   */
  trimmedText(): string {
    let only: GreenToken | undefined;
    for (const c of this.green.children) {
      if (c instanceof GreenNode) return this.text().trim();
      if (c.kind === SyntaxKind.Whitespace) continue;
      if (only) return this.text().trim();
      only = c;
    }
    return only ? only.text.trim() : '';
  }

  /** The innermost element covering an offset (tokens win over nodes). */
  elementAt(offset: number): SyntaxElement | undefined {
    if (offset < this.offset || offset > this.end) return undefined;
    let node: SyntaxNode = this;
    for (;;) {
      let next: SyntaxElement | undefined;
      let o = node.offset;
      for (const c of node.green.children) {
        const end = o + c.width;
        if (
          (offset >= o && offset < end) ||
          (offset === end && end === node.end && c === node.green.children[node.green.children.length - 1])
        ) {
          next = c instanceof GreenNode ? new SyntaxNode(c, o, node) : new SyntaxToken(c as GreenToken, o, node);
          break;
        }
        o = end;
      }
      if (next === undefined) return node;
      if (next instanceof SyntaxToken) return next;
      node = next;
    }
  }

  /** Range without leading and trailing trivia. */
  trimmedRange(): { start: number; end: number } {
    // From each end of the green tree inwards, to the first token that is not trivia.
    const lead = triviaWidth(this.green, false);
    if (lead === this.green.width) return { start: this.offset, end: this.offset };
    return { start: this.offset + lead, end: this.offset + this.green.width - triviaWidth(this.green, true) };
  }

  ancestors(): SyntaxNode[] {
    const out: SyntaxNode[] = [];
    for (let p = this.parent; p; p = p.parent) out.push(p);
    return out;
  }
}

/**
 * The width of the trivia at the start (or, `fromEnd`, the end) of an element, up to its first
 * (or last) token that is not trivia, or a node let go of its children; the element's whole width
 * when it is all trivia. Down the first (or last) children on a stack of its own (a chain of
 * binary operators nests as deep as it is long), each node's children looked at one at a time
 * from that end: a block of 30,000 statements is not listed to find its `{`.
 */
function triviaWidth(e: GreenElement, fromEnd: boolean): number {
  if (e instanceof GreenToken) return isTrivia(e.kind) ? e.text.length : 0;
  if (e.children.length === 0) return 0;
  let width = 0;
  const nodes: GreenNode[] = [e];
  const next: number[] = [fromEnd ? e.children.length - 1 : 0];
  while (nodes.length > 0) {
    const top = nodes.length - 1;
    const n = nodes[top];
    const i = next[top];
    if (i < 0 || i >= n.children.length) {
      nodes.pop();
      next.pop();
      continue;
    }
    next[top] = fromEnd ? i - 1 : i + 1;
    const c = n.children[i];
    if (c instanceof GreenToken) {
      if (!isTrivia(c.kind)) return width;
      width += c.text.length;
      continue;
    }
    if (c.children.length === 0) {
      if (c.width > 0) return width;
      continue;
    }
    nodes.push(c);
    next.push(fromEnd ? c.children.length - 1 : 0);
  }
  return width;
}
