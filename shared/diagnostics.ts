export type Severity = 'error' | 'warning' | 'information' | 'hint';

/** A place in a file, in offsets (UTF-16 code units) of that file's text. */
export interface Location {
  readonly file: string;
  readonly start: number;
  readonly end: number;
}

export interface RelatedInformation extends Location {
  readonly message: string;
}

/** A finding of the core, in file offsets; the server and the CLI turn offsets into positions. */
export interface Diagnostic extends Location {
  readonly severity: Severity;
  /** Stable code: a Vale compiler error name where one exists, else ours. */
  readonly code: string;
  readonly message: string;
  readonly related?: readonly RelatedInformation[];
  /** Quick fixes computed by the core; each leaves files that parse and no longer have this diagnostic. */
  readonly fixes?: readonly QuickFix[];
}

/** A replacement of [start, end) in a file's current text. */
export interface FileEdit extends Location {
  readonly newText: string;
  /** The file does not exist yet: the edit creates it, with `newText` as its text (start = end = 0). */
  readonly create?: boolean;
}

export interface QuickFix {
  readonly title: string;
  /** The one obvious fix for its diagnostic. */
  readonly preferred: boolean;
  /** Non-overlapping edits, possibly in several files. */
  readonly edits: readonly FileEdit[];
}

export const SYNTAX_ERROR = 'SyntaxError';

/** By file, then start, end and code. A file's diagnostics name it with one string: `===` decides at once. */
export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return a.start - b.start || a.end - b.end || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);
}
