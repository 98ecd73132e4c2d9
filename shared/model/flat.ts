/** Written by `flat`, so the character read that flattens a string is never dropped as unused. */
let _sink = 0;

/**
 * The string as one piece. Text built by `+` or a template is a tree of pieces until
 * something reads a character: strings kept as long as the index (summaries, facts, root
 * descriptions) are flattened once, for a fraction of the memory and quick comparisons.
 */
export function flat(s: string): string {
  _sink ^= s.charCodeAt(0) | 0;
  return s;
}
