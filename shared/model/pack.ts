import { GreenNode, GreenToken, type GreenElement, type RelativeSyntaxError, SyntaxKind, SyntaxTree } from '../syntax';

import { type Decls, FileModel, ItemDecls, seenItems } from './declarations';

/**
 * Files read elsewhere (a worker thread), handed over as numbers and strings: what a one-shot
 * analysis keeps of a file once its syntax is let go (top-level elements with their widths and
 * syntax errors, and every item's declarations and lambda count). Unpacking gives a tree and a
 * model equal to the ones reading the text makes, without parsing it.
 *
 * Values are written generically: each object as its shape (its keys, in order; shapes are
 * numbered once per batch) and its values, so what is unpacked has the same keys, in the same
 * order, as what was packed. Numbers must be 32-bit integers (offsets, widths, kinds); others go
 * as their text.
 */
export interface PackedFiles {
  readonly ints: Int32Array;
  readonly strings: readonly string[];
  /** Each shape as its keys joined by ','. */
  readonly shapes: readonly string[];
}

/** What one file of a batch is: its tree (syntax let go inside its items) and model (with its items' lambda counts). */
export interface ReleasedFile {
  readonly path: string;
  readonly tree: SyntaxTree;
  readonly model: FileModel;
}

enum V {
  Undefined = 0,
  Null = 1,
  False = 2,
  True = 3,
  Int = 4,
  String = 5,
  Array = 6,
  Object = 7,
  Number = 8,
}

/** A node of the trie of shapes: one per key sequence seen so far. */
interface ShapeNode {
  id: number;
  readonly next: Map<string, ShapeNode>;
}

/** Writes a batch of files; `pack()` hands them over (one packer per batch). */
export class FilePacker {
  /**
   * Grown by doubling from 16 KB, about what a batch of 8 KB of text needs (a thread makes a
   * packer per batch; at 256 KB each, as they were, about 4 MB more stayed resident after the
   * threads ended).
   */
  private ints = new Int32Array(1 << 12);
  private n = 0;
  private readonly strings: string[] = [];
  private readonly stringIds = new Map<string, number>();
  private readonly shapes: string[] = [];
  /** Shapes by their keys, one trie level per key: an object's shape is found without listing its keys. */
  private readonly shapeRoot: ShapeNode = { id: -1, next: new Map() };

  add(path: string, tree: SyntaxTree, model: FileModel): void {
    this.string(path);
    this.string(model.package);
    const children = tree.green.children;
    this.int(children.length);
    const ids = new Map<GreenNode, number>();
    for (let i = 0; i < children.length; i++) {
      const c = children[i];
      this.int(c.kind);
      this.int(c.width);
      if (c instanceof GreenToken) this.int(0);
      else {
        ids.set(c, i);
        this.int(1);
        this.value(c.errors);
      }
    }
    this.int(model.items.length);
    for (const item of model.items) {
      this.int(ids.get(item.element) ?? -1);
      this.int(item.start);
      this.int(item.readAt);
      // Not its summary: a one-shot analysis rarely asks for one (it is written from the
      // declarations when asked), so neither thread writes or keeps tens of thousands of them.
      this.int(item.knownLambdas ?? -1);
      this.value(item.unplaced);
    }
  }

  pack(): PackedFiles {
    return { ints: this.ints.slice(0, this.n), strings: this.strings, shapes: this.shapes };
  }

  private int(x: number): void {
    if (this.n === this.ints.length) {
      const grown = new Int32Array(this.ints.length * 2);
      grown.set(this.ints);
      this.ints = grown;
    }
    this.ints[this.n++] = x;
  }

  private string(s: string): void {
    let id = this.stringIds.get(s);
    if (id === undefined) {
      id = this.strings.length;
      this.strings.push(s);
      this.stringIds.set(s, id);
    }
    this.int(id);
  }

  private shapeOf(v: object): number {
    let node = this.shapeRoot;
    for (const k in v) {
      let next = node.next.get(k);
      if (!next) node.next.set(k, (next = { id: -1, next: new Map() }));
      node = next;
    }
    if (node.id < 0) {
      node.id = this.shapes.length;
      this.shapes.push(Object.keys(v).join(','));
    }
    return node.id;
  }

  private value(v: unknown): void {
    switch (typeof v) {
      case 'undefined':
        this.int(V.Undefined);
        return;
      case 'boolean':
        this.int(v ? V.True : V.False);
        return;
      case 'number':
        if ((v | 0) === v && !Object.is(v, -0)) {
          this.int(V.Int);
          this.int(v);
        } else {
          this.int(V.Number);
          this.string(String(v));
        }
        return;
      case 'string':
        this.int(V.String);
        this.string(v);
        return;
      case 'object':
        if (v === null) this.int(V.Null);
        else if (Array.isArray(v)) {
          this.int(V.Array);
          this.int(v.length);
          for (let i = 0; i < v.length; i++) this.value(v[i]);
        } else {
          this.int(V.Object);
          this.int(this.shapeOf(v));
          for (const k in v) this.value((v as Record<string, unknown>)[k]);
        }
        return;
      default:
        throw new TypeError(`cannot pack a ${typeof v}`);
    }
  }
}

const EMPTY_LIST: readonly unknown[] = Object.freeze([]);

type Maker = (r: () => unknown) => unknown;

/** Makers by shape: a few dozen shapes, each compiled once for every batch. */
const makers = new Map<string, Maker>();

function makerOf(shape: string): Maker {
  let maker = makers.get(shape);
  if (maker === undefined) {
    maker = new Function('r', `return {${shape.split(',').map((k) => `${JSON.stringify(k)}: r()`)}};`) as Maker;
    makers.set(shape, maker);
  }
  return maker;
}

/** The files of a batch, in the order they were added; `texts` gives each one's text. */
export function unpackFiles(packed: PackedFiles, text: (path: string) => string): ReleasedFile[] {
  const { ints, strings } = packed;
  // One object literal per shape, compiled once (batches repeat their shapes): unpacked objects share their hidden class.
  const makers = packed.shapes.map(makerOf);
  let at = 0;
  const value = (): unknown => {
    switch (ints[at++]) {
      case V.Undefined:
        return undefined;
      case V.Null:
        return null;
      case V.False:
        return false;
      case V.True:
        return true;
      case V.Int:
        return ints[at++];
      case V.String:
        return strings[ints[at++]];
      case V.Number:
        return Number(strings[ints[at++]]);
      case V.Array: {
        const n = ints[at++];
        // Empty lists are one shared list, as in a model read here (most of an item's lists are empty).
        if (n === 0) return EMPTY_LIST;
        const a = new Array(n);
        for (let i = 0; i < n; i++) a[i] = value();
        return a;
      }
      case V.Object:
        return makers[ints[at++]](value);
      default:
        throw new RangeError(`bad packed value at ${at - 1}`);
    }
  };
  const files: ReleasedFile[] = [];
  while (at < ints.length) {
    const path = strings[ints[at++]];
    const pkg = strings[ints[at++]];
    const source = text(path);
    const n = ints[at++];
    const children = new Array<GreenElement>(n);
    let offset = 0;
    for (let i = 0; i < n; i++) {
      const kind = ints[at++];
      const width = ints[at++];
      if (ints[at++] === 0) children[i] = new GreenToken(kind, source.slice(offset, offset + width));
      else {
        const node = GreenNode.released(kind, width);
        const errors = value() as readonly RelativeSyntaxError[];
        if (errors.length > 0) node.errors = errors;
        children[i] = node;
      }
      offset += width;
    }
    const tree = new SyntaxTree(source, new GreenNode(SyntaxKind.SourceFile, children), { parsedItems: 0, reusedItems: 0 });
    const m = ints[at++];
    const items = new Array<ItemDecls>(m);
    for (let i = 0; i < m; i++) {
      const element = children[ints[at++]] as GreenNode;
      const start = ints[at++];
      const readAt = ints[at++];
      const lambdas = ints[at++];
      const item = new ItemDecls(element, start, value() as Decls, readAt, lambdas >= 0 ? lambdas : undefined);
      items[i] = item;
    }
    files.push({ path, tree, model: new FileModel(path, items, seenItems(items), pkg) });
  }
  return files;
}
