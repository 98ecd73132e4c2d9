// What the grammar modules share: word sets, operator tables, token sets for recovery, and how
// a token is named in messages.
import { SyntaxKind as K } from '../kinds';

/** Words that only ever begin a top-level item; seeing one inside a block means a `}` is missing. */
export const ITEM_ONLY_WORDS = new Set(['struct', 'interface', 'trait', 'impl', 'import', 'export', 'exported', 'extern', 'sealed']);
/** Words that may begin a top-level item (as attributes or keywords). */
export const ITEM_START_WORDS = new Set([
  'func',
  'funky',
  'struct',
  'interface',
  'trait',
  'impl',
  'import',
  'export',
  'exported',
  'extern',
  'sealed',
  'abstract',
  'pure',
  'additive',
  'linear',
  'weakable',
]);
export const ATTRIBUTE_WORDS = new Set(['exported', 'extern', 'abstract', 'pure', 'sealed', 'additive', 'linear', 'weakable']);
export const OWNERSHIP_WORDS = new Set(['inl', 'heap', 'own', 'borrow', 'weak', 'share']);

/**
 * Every word the parser or the lexer compares a name's text with: each `Words` set's (added as it
 * is made) and those asked one at a time (`isWord`, `eatWord`; test/syntax.test.ts holds this list
 * to the grammar's calls). A name that is none of them reads the same to the parser whatever it
 * is (syntax/relex.ts relies on it).
 */
export const GRAMMAR_WORDS = new Set<string>([
  '_',
  'additive',
  'and',
  'as',
  'block',
  'break',
  'else',
  'export',
  'false',
  'for',
  'foreach',
  'func',
  'funky',
  'if',
  'imm',
  'impl',
  'import',
  'in',
  'interface',
  'mut',
  'or',
  'parallel',
  'pure',
  'region',
  'return',
  'ro',
  'rw',
  'self',
  'set',
  'struct',
  'trait',
  'true',
  'unsafe',
  'virtual',
  'where',
  'while',
]);

/**
 * Words the parser looks for, found in the text where a token is, without cutting the token
 * out: a parse makes no string to learn that an identifier is not one of them. `grammar` false:
 * words a reader of the tree looks for (not the parser), left out of `GRAMMAR_WORDS`.
 */
export class Words {
  private readonly byLength: string[][] = [];

  constructor(words: Iterable<string>, grammar = true) {
    for (const w of words) {
      if (grammar) GRAMMAR_WORDS.add(w);
      while (this.byLength.length <= w.length) this.byLength.push([]);
      this.byLength[w.length].push(w);
    }
  }

  /** The word of this set that `text` spells from `start` to `end` (the set's own string), else ''. */
  at(text: string, start: number, end: number): string {
    const length = end - start;
    if (length >= this.byLength.length) return '';
    const list = this.byLength[length];
    for (let i = 0; i < list.length; i++) if (text.startsWith(list[i], start)) return list[i];
    return '';
  }
}

export const ITEM_STARTS = new Words(ITEM_START_WORDS);
/** `atItemBoundaryInBlock`'s words: the item-only ones, and the ones that start an item at column 0. */
export const BOUNDARY_WORDS = new Words([...ITEM_ONLY_WORDS, 'func', 'funky', 'abstract']);
export const ATTRIBUTES = new Words(ATTRIBUTE_WORDS);
export const OWNERSHIPS = new Words(OWNERSHIP_WORDS);

/** A set of token kinds, as data (rust-analyzer's TokenSet): where a list or statement stops. */
export class TokenSet {
  private readonly members: boolean[] = [];

  constructor(...kinds: K[]) {
    for (const k of kinds) this.members[k] = true;
  }

  has(kind: K): boolean {
    return this.members[kind] === true;
  }
}

/**
 * Argument lists of at least this many elements (brackets, arguments, commas and the trivia
 * between them) keep what each argument's turn read, as a block's statements do
 * (`parseArgTurns`): an edit among the arguments of a long call or array literal re-parses the
 * arguments around it, not its statement (syntax/body.ts). Shorter ones keep nothing (each
 * argument's record would be memory for no gain): they are re-parsed with their statement.
 */
export const ARG_TURNS = { minimum: 64 };

/** Where an argument list stops looking for arguments (besides its closing bracket). */
export const ARGUMENTS_END = new TokenSet(K.RParen, K.RBracket, K.RBrace, K.Semi, K.InterpEnd);
/** Where a parenthesized expression or tuple stops. */
export const PARENS_END = new TokenSet(K.RBrace, K.RBracket, K.Semi, K.InterpEnd);
/** Where a generic argument or parameter list gives up (a `>` is missing). */
export const ANGLES_END = new TokenSet(K.RParen, K.RBrace, K.RBracket, K.Semi, K.LBrace);
/** Where a parameter list gives up (its `)` is missing). */
export const PARAMS_END = new TokenSet(K.LBrace, K.RBrace, K.Semi);
/** Tokens that end a statement (a `{` too where a condition ends at its body). */
export const STATEMENT_END = new TokenSet(K.Semi, K.RBrace, K.EOF, K.RParen, K.RBracket, K.InterpEnd);
/** Tokens after which a missing `;` is not an error. */
export const SEMI_OPTIONAL_BEFORE = new TokenSet(K.RBrace, K.EOF, K.InterpEnd);
/** Tokens that cannot begin a statement: a closing bracket with nothing open. */
export const STRAY_CLOSERS = new TokenSet(K.RParen, K.RBracket);
/** Operators usable as names (`func +(...)`, `.+`, `+(a, b)`). */
export const OPERATOR_NAMES = new TokenSet(
  K.EqEq,
  K.EqEqEq,
  K.NotEq,
  K.Lt,
  K.Gt,
  K.LtEq,
  K.GtEq,
  K.Spaceship,
  K.Plus,
  K.Minus,
  K.Star,
  K.Slash,
);

export function isOperatorName(k: K): boolean {
  return OPERATOR_NAMES.has(k);
}

/** Binding power of binary operators, as in Vale's ExpressionParser (higher binds tighter). */
export function binaryPrecedence(kind: K, word: string | null): number {
  switch (kind) {
    case K.Star:
    case K.Slash:
      return 5;
    case K.Plus:
    case K.Minus:
      return 4;
    case K.EqEq:
    case K.EqEqEq:
    case K.NotEq:
    case K.LtEq:
    case K.GtEq:
    case K.Spaceship:
    case K.Lt:
    case K.Gt:
      return 2;
    case K.Ident:
      return word === 'and' || word === 'or' ? 1 : 3;
    default:
      return 0;
  }
}

/** How a token is named in a message. */
export function describe(kind: K, text: string): string {
  switch (kind) {
    case K.EOF:
      return 'end of file';
    case K.Ident:
      return `'${text}'`;
    case K.Int:
    case K.Float:
      return `number ${text}`;
    case K.StringStart:
      return 'a string';
    case K.Unknown:
      return `unexpected character ${JSON.stringify(text)}`;
    default:
      return `'${text}'`;
  }
}
