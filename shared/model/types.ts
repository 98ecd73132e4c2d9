import { GreenToken, SyntaxKind as K, type SyntaxNode } from '../syntax';
import { Words } from '../syntax/grammar/common';

/** How a type reference holds its kind: owning (default), `&` borrow, `&&` weak, `^` explicit owning, `@` share, `*` pointer. */
export type Ownership = '' | '&' | '&&' | '^' | '@' | '*';

export type Mutability = 'imm' | 'mut';

interface TypeBase {
  /** Offsets of the reference in its file, trivia excluded. */
  readonly start: number;
  readonly end: number;
  readonly ownership: Ownership;
  /** The source text, whitespace normalized. */
  readonly text: string;
}

export type TypeRef =
  | (TypeBase & { readonly tag: 'primitive'; readonly name: string })
  | (TypeBase & { readonly tag: 'named'; readonly name: string; readonly args: readonly TypeRef[] })
  | (TypeBase & { readonly tag: 'rune'; readonly name: string })
  | (TypeBase & { readonly tag: 'array'; readonly mutability: Mutability; readonly size: string | null; readonly element: TypeRef })
  | (TypeBase & { readonly tag: 'tuple'; readonly elements: readonly TypeRef[] })
  | (TypeBase & { readonly tag: 'other' });

/**
 * Kinds that need no export (Compiler.isPrimitive: void, ints, bool, str, never, float), each
 * mapped to its spelling as a constant: a model holds that one string (not a slice of the
 * source), so comparing or looking up a primitive's name compares pointers.
 */
const PRIMITIVE_NAMES = ['int', 'i8', 'i16', 'i32', 'i64', 'u8', 'u16', 'u32', 'u64', 'bool', 'float', 'str', 'void', 'never', '__Never'];
const PRIMITIVES = new Map(PRIMITIVE_NAMES.map((n) => [n, n]));

/** The primitives' names as words found in a text where a token is (`Parser.wordIn`), each answered as the constant `PRIMITIVES` keeps: no string is cut out to learn that a name is not one. */
export const PRIMITIVE_WORDS = new Words(PRIMITIVE_NAMES, false);

export function isPrimitiveName(name: string): boolean {
  return PRIMITIVES.has(name);
}

const OWNERSHIP = new Set(['&', '&&', '^', '@', '*']);

/** The arguments of a plain name: one shared empty list (most type references are plain names). */
export const NO_ARGS: readonly TypeRef[] = Object.freeze([]);

type TypeFields = TypeBase & {
  readonly tag: TypeRef['tag'];
  readonly name?: string;
  readonly args?: readonly TypeRef[];
  readonly mutability?: Mutability;
  readonly size?: string | null;
  readonly element?: TypeRef;
  readonly elements?: readonly TypeRef[];
};

/**
 * A type reference with every member present, in one order (the ones its tag lacks
 * undefined): all type references share one shape, so the code that reads them (checks,
 * lookups, layouts) does so without polymorphic property lookups.
 */
export function shapedType(t: TypeFields): TypeRef {
  return typeRef(t.tag, t.start, t.end, t.ownership, t.text, t.name, t.args, t.mutability, t.size, t.element, t.elements);
}

export function typeRef(
  tag: TypeRef['tag'],
  start: number,
  end: number,
  ownership: Ownership,
  text: string,
  name?: string,
  args?: readonly TypeRef[],
  mutability?: Mutability,
  size?: string | null,
  element?: TypeRef,
  elements?: readonly TypeRef[],
): TypeRef {
  return { tag, start, end, ownership, text, name, args, mutability, size, element, elements } as TypeRef;
}

/**
 * Reads a type node of the syntax tree. `runes` are the generic parameters in
 * scope. Never throws: anything it does not understand becomes `other`.
 */
export function readType(node: SyntaxNode, runes: ReadonlySet<string>, ownership: Ownership = ''): TypeRef {
  // Most types are one name (`int`, `Ship`): read from the token, with nothing else made.
  const only = node.kind === K.PathType && node.green.children.length === 1 ? node.green.children[0] : undefined;
  if (only instanceof GreenToken && only.kind === K.Ident) {
    const name = only.text;
    const start = node.offset;
    const end = start + only.width;
    const primitive = PRIMITIVES.get(name);
    if (primitive !== undefined) return typeRef('primitive', start, end, ownership, primitive, primitive);
    if (runes.has(name)) return typeRef('rune', start, end, ownership, name, name);
    return typeRef('named', start, end, ownership, name, name, NO_ARGS);
  }
  const { start, end } = node.trimmedRange();
  const text = spacesNormalized(node.trimmedText());
  switch (node.kind) {
    case K.OwnershipType: {
      const op = node
        .directTokens()
        .map((t) => t.text)
        .join('');
      const inner = node.firstChild();
      if (!inner) return typeRef('other', start, end, ownership, text);
      const own = (OWNERSHIP.has(op) ? op : '') as Ownership;
      const t = readType(inner, runes, own || ownership);
      return shapedType({ ...(t as TypeFields), start, end, text });
    }
    case K.RegionType: {
      const inner = node.firstChild();
      return inner
        ? shapedType({ ...(readType(inner, runes, ownership) as TypeFields), start, end, text })
        : typeRef('other', start, end, ownership, text);
    }
    case K.PathType: {
      const idents = node.directTokens().filter((t) => t.kind === K.Ident);
      const name = idents.at(-1)?.text ?? '';
      const args = (node.child(K.GenericArgList)?.childrenOf(K.TypeSeq) ?? []).map((seq) => seq.childNodes());
      if (name === 'Array' && args.length === 2 && args[0].length === 1) {
        const mut = args[0][0].trimmedText();
        if ((mut === 'imm' || mut === 'mut') && args[1].length >= 1) {
          return typeRef('array', start, end, ownership, text, undefined, undefined, mutability(mut), null, readType(args[1][0], runes));
        }
      }
      if (name === 'StaticArray' && args.length === 4 && args[1].length === 1 && args[3].length >= 1) {
        const mut = args[1][0].trimmedText();
        if (mut === 'imm' || mut === 'mut') {
          return typeRef(
            'array',
            start,
            end,
            ownership,
            text,
            undefined,
            undefined,
            mutability(mut),
            args[0][0]?.trimmedText() ?? null,
            readType(args[3][0], runes),
          );
        }
      }
      const primitive = args.length === 0 && idents.length === 1 ? PRIMITIVES.get(name) : undefined;
      if (primitive !== undefined) return typeRef('primitive', start, end, ownership, text === primitive ? primitive : text, primitive);
      if (args.length === 0 && runes.has(name)) return typeRef('rune', start, end, ownership, text, name);
      if (!name) return typeRef('other', start, end, ownership, text);
      const argTypes = args.map((seq) => (seq[0] ? readType(seq[0], runes) : typeRef('other', start, end, ownership, text)));
      return typeRef('named', start, end, ownership, text, name, argTypes);
    }
    case K.ArrayType: {
      const hash = node.token(K.Hash);
      const children = node.childNodes();
      const generic = node.child(K.GenericArgList);
      const element = children.at(-1);
      if (!element || element.kind === K.GenericArgList) return typeRef('other', start, end, ownership, text);
      let size: string | null = null;
      if (hash) {
        const sizeNode = children.find((c) => c !== generic && c !== element);
        size = sizeNode ? sizeNode.trimmedText() : '';
      }
      const mutText = generic
        ?.childrenOf(K.TypeSeq)
        .map((s) => s.trimmedText())
        .find((s) => s === 'imm' || s === 'mut');
      return typeRef(
        'array',
        start,
        end,
        ownership,
        text,
        undefined,
        undefined,
        mutText === 'imm' ? 'imm' : 'mut',
        size,
        readType(element, runes),
      );
    }
    case K.TupleType: {
      return typeRef(
        'tuple',
        start,
        end,
        ownership,
        text,
        undefined,
        undefined,
        undefined,
        undefined,
        undefined,
        node.childNodes().map((c) => readType(c, runes)),
      );
    }
    default:
      return typeRef('other', start, end, ownership, text);
  }
}

/**
 * `text` with each run of whitespace made one space (a type's text, as messages show it); the same
 * string when every run already is one space, found by a look at its codes (most type texts hold
 * none, and the pattern's search cost more than the rest of reading the type).
 */
export function spacesNormalized(text: string): string {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // A space after a space, or any other code that may be whitespace (a control, outside ASCII): the pattern decides.
    if (c === 32 ? i > 0 && text.charCodeAt(i - 1) === 32 : c < 32 || c >= 0x80) return text.replace(/\s+/g, ' ');
  }
  return text;
}

/** `imm` or `mut` as the constant (not the source's copy: tens of thousands of array types hold one). */
const mutability = (word: 'imm' | 'mut'): Mutability => (word === 'imm' ? 'imm' : 'mut');

/** The text of a type as C and error messages name it: ownership dropped. */
export function kindText(t: TypeRef): string {
  switch (t.tag) {
    case 'primitive':
    case 'rune':
      return t.name;
    case 'named':
      return t.args.length ? `${t.name}<${t.args.map(kindText).join(', ')}>` : t.name;
    case 'array':
      return t.size === null ? `[]<${t.mutability}>${refText(t.element)}` : `[#${t.size}]<${t.mutability}>${refText(t.element)}`;
    case 'tuple':
      return `(${t.elements.map(refText).join(', ')})`;
    case 'other':
      return t.text.replace(/^(&&|&|\^|@|\*)\s*/, '');
  }
}

/** The text of a reference, ownership included. */
export function refText(t: TypeRef): string {
  return t.ownership + kindText(t);
}
