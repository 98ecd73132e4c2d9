// Which C files a one-shot check must read with the grammar. Everything the checks take from a C
// file is named by an identifier the file spells: a definition that implements an extern
// (`<project>_<extern>`, which also tells the project), or a name with the project's prefix
// (the kinds, the exported functions, what the C checks compare). A file that spells neither
// holds nothing they read, however its C (or C++) parses: a library, a backend, generated code.
// Its words tell that without a parse. Most of tree-sitter's identifiers are the file's runs of
// ASCII letters, digits and underscores; where a run touches what the grammar may take into an
// identifier besides (a character outside ASCII, a `$`, a universal character name, a line
// continuation), or starts with a digit (a number's, perhaps followed by a name), an identifier
// may be any part of it, and it is searched as such.

/** A run that is one identifier as it stands. */
const EXACT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A C text's runs that hold an underscore (every name the checks read holds one). */
export interface CTextWords {
  /** Runs that are identifiers, whole. */
  readonly exact: readonly string[];
  /** Runs of which an identifier may be any part. */
  readonly loose: readonly string[];
}

/** Whether a character code may belong to an identifier by itself: an ASCII letter, digit, `_`, `$`, or any code outside ASCII. */
function runCode(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 36 || c >= 0x80;
}

const BACKSLASH = 92;
const LF = 10;
const CR = 13;
const LOWER_U = 117;
const UPPER_U = 85;

/**
 * The length of the run's piece that starts at `i` (0 when none does): one character, or what a
 * backslash begins that the run takes in: `\u`, `\U`, a line continuation.
 */
function pieceAt(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c !== BACKSLASH) return runCode(c) ? 1 : 0;
  const d = text.charCodeAt(i + 1);
  if (d === LOWER_U || d === UPPER_U || d === LF) return 2;
  return d === CR && text.charCodeAt(i + 2) === LF ? 3 : 0;
}

/** The length of the run's piece that ends just before `i` (0 when none does), read backwards. */
function pieceBefore(text: string, i: number): number {
  const c = text.charCodeAt(i - 1);
  if (c === LF) {
    if (text.charCodeAt(i - 2) === BACKSLASH) return 2;
    return text.charCodeAt(i - 2) === CR && text.charCodeAt(i - 3) === BACKSLASH ? 3 : 0;
  }
  // A backslash before a `u` is the piece `\u`, never a piece of its own, as the run reads forwards.
  if ((c === LOWER_U || c === UPPER_U) && text.charCodeAt(i - 2) === BACKSLASH) return 2;
  return runCode(c) ? 1 : 0;
}

/**
 * The text's runs of what may belong to an identifier (ASCII letters, digits, `_`, `$`, codes
 * outside ASCII, `\u`, `\U` and line continuations) that hold an underscore. Found from the
 * underscores outwards, so the text's other runs are never cut out of it.
 */
export function cUnderscoreWords(text: string): CTextWords {
  const exact: string[] = [];
  const loose: string[] = [];
  let from = 0;
  for (let u = text.indexOf('_'); u >= 0; u = text.indexOf('_', from)) {
    let start = u;
    for (let n = pieceBefore(text, start); n > 0; n = pieceBefore(text, start)) start -= n;
    let end = u + 1;
    for (let n = pieceAt(text, end); n > 0; n = pieceAt(text, end)) end += n;
    const w = text.slice(start, end);
    (EXACT.test(w) ? exact : loose).push(w);
    from = end;
  }
  return { exact, loose };
}

/** The lengths of a set's names (a loose run is searched for names of these lengths). */
const lengthsOf = new WeakMap<ReadonlySet<string>, readonly number[]>();

/**
 * Whether an identifier may end in `_<extern>` for one of the externs' names: a definition that
 * may implement one (and name the project).
 */
export function mayImplementExtern(words: CTextWords, externs: ReadonlySet<string>): boolean {
  if (externs.size === 0) return false;
  for (const w of words.exact)
    for (let i = w.indexOf('_', 1); i > 0; i = w.indexOf('_', i + 1)) if (externs.has(w.slice(i + 1))) return true;
  if (words.loose.length === 0) return false;
  let lengths = lengthsOf.get(externs);
  if (!lengths) lengthsOf.set(externs, (lengths = [...new Set([...externs].map((n) => n.length))]));
  for (const w of words.loose)
    for (let i = w.indexOf('_', 1); i > 0; i = w.indexOf('_', i + 1))
      for (const n of lengths) if (externs.has(w.substr(i + 1, n))) return true;
  return false;
}

/** Whether an identifier may start with `prefix` (the project's, `<project>_`): a name the C checks may look up. */
export function namesWithPrefix(words: CTextWords, prefix: string): boolean {
  for (const w of words.exact) if (w.startsWith(prefix)) return true;
  for (const w of words.loose) if (w.includes(prefix)) return true;
  return false;
}

/**
 * At most how many votes for each prefix a file whose words are all exact can give the project's
 * inference (`addProjectVotes`: a definition named `<prefix>_<extern>`), by its words; undefined
 * when a loose word may name an extern (then no bound is known).
 */
export function projectVoteBound(words: CTextWords, externs: ReadonlySet<string>): Map<string, number> | undefined {
  if (words.loose.length > 0 && mayImplementExtern({ exact: [], loose: words.loose }, externs)) return undefined;
  const votes = new Map<string, number>();
  for (const w of words.exact)
    for (let i = w.indexOf('_', 1); i > 0; i = w.indexOf('_', i + 1)) {
      if (!externs.has(w.slice(i + 1))) continue;
      const prefix = w.slice(0, i);
      votes.set(prefix, (votes.get(prefix) ?? 0) + 1);
    }
  return votes;
}

/**
 * Whether the votes counted so far (`counts`) decide the project whatever the files not yet read
 * give, at most `left` more per prefix: no other prefix can reach the leader's count (or tie it
 * from before it in code-unit order).
 */
export function projectDecided(
  counts: ReadonlyMap<string, number>,
  left: ReadonlyMap<string, number>,
  leader: string | undefined,
): boolean {
  if (leader === undefined) return left.size === 0;
  const lead = counts.get(leader)!;
  const beats = (prefix: string): boolean => {
    if (prefix === leader) return false;
    const most = (counts.get(prefix) ?? 0) + (left.get(prefix) ?? 0);
    return most > lead || (most === lead && prefix < leader);
  };
  for (const prefix of left.keys()) if (beats(prefix)) return false;
  return true;
}
