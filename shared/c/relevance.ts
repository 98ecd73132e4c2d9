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

/** A run of what may belong to an identifier. */
const RUN = /(?:[A-Za-z0-9_$]|[\u0080-\uffff]|\\[uU]|\\\r?\n)+/g;
/** A run that is one identifier as it stands. */
const EXACT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A C text's runs that hold an underscore (every name the checks read holds one). */
export interface CTextWords {
  /** Runs that are identifiers, whole. */
  readonly exact: readonly string[];
  /** Runs of which an identifier may be any part. */
  readonly loose: readonly string[];
}

export function cUnderscoreWords(text: string): CTextWords {
  const exact: string[] = [];
  const loose: string[] = [];
  for (const m of text.matchAll(RUN)) {
    const w = m[0];
    if (w.indexOf('_') < 0) continue;
    (EXACT.test(w) ? exact : loose).push(w);
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
