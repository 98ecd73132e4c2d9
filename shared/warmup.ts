// Warming the edit path. V8 compiles a function well only after it has run a while with the
// values it will see; until then the first keystrokes after a server starts run partly in the
// interpreter and take up to twice as long (measured in process: the p95 of a 10k-line
// document's first hundred keystrokes 6–8 ms, 3–4 ms once the code has typed elsewhere). The
// server runs `warmUp` once at start-up, before its first diagnostics: a private workspace
// holding a sample package takes scripted keystrokes (every kind of token, deletions, lines
// broken and joined), each answered as a real one is (diagnostics, a hover), then is dropped.
// How long it types, and into how many copies of the sample, follows the workspace's size
// (`warmUpKeystrokes`, `warmUpCopies`): a keystroke in a small file is cheap even in the
// interpreter, one in a 10k-line document is not, a long document runs paths a short one does
// not, and V8 keeps compiling in the background for the first several hundred. Deterministic; it reads no
// clock and touches no other workspace.

import { DEFAULT_HOVER_OPTIONS, hoverInVale, hoverReferenceInText } from './ide/hover';
import { DEFAULT_TARGET } from './layout/targets';
import type { Diagnostic } from './diagnostics';
import { bytesToBigInt, encodeUniversalReference } from './ursl/codec';
import { BACKEND_PROFILE } from './ursl/profile';
import { Workspace } from './workspace';

/** One copy of the sample: FFI declarations of each form, bodies with the common expressions, and mistakes (arrays not exported; copies export one array twice). */
const SAMPLE = `// Warm-up sample, copy $: an observatory's instruments.
exported struct Lens$ imm {
  focal int;
  coating str;
  ratio float;
  clean bool;
}

exported struct Reading$ imm {
  lens Lens$;
  counts []<imm>int;
  stamp i64;
}

// Sealed, every implementation exported: C can copy a Signal$.
sealed exported interface Signal$ imm { }
exported struct Pulse$ imm { width int; }
impl Signal$ for Pulse$;
exported struct Tone$ imm { pitch int; lens Lens$; }
impl Signal$ for Tone$;

exported struct Dome$ {
  slots! int;
  name str;
  logs! List<Reading$>;
}

export [#4]<imm>int as Quad$;
export []<imm>Reading$ as Readings$;
export Array<mut, int> as Counts$;

extern func observe$(lens Lens$, count int) Reading$;
extern func listen$(signal Signal$, dome &Dome$) bool;
extern func measure$(counts []<imm>int) int;
extern func fill$(counts &Array<mut, int>, value int) void;
extern("c_archive_dome") func archive$(dome &Dome$) i64;

abstract func strength$(virtual signal Signal$) int;
func strength$(signal Pulse$) int { signal.width * 2 }
func strength$(signal Tone$) int { signal.pitch + signal.lens.focal }

exported func newDome$(slots int) Dome$ {
  return Dome$(slots, "dome", List<Reading$>());
}

exported func survey$(dome &Dome$, focal int) int {
  lens = Lens$(focal, "survey {focal}", 0.5, true);
  reading = observe$(lens, dome.slots);
  dome.logs.add(reading);
  set dome.slots = dome.slots - 1;
  total = 0;
  i = 0;
  while (i < dome.slots) {
    set total = total + focal * i;
    set i = i + 1;
  }
  quad = #[#](1, 2, 3, 4);
  readings = #[](2, j => Reading$(lens, #[](j, k => k * 2), 3i64));
  counts = Array<mut, int>(4, {_});
  fill$(&counts, 7);
  found = reading.counts.len() > 0 and listen$(Pulse$(focal), dome);
  if found {
    return total + quad[0] + strength$(Tone$(focal, lens)) + readings.len();
  } else {
    archived = archive$(dome);
    return measure$(reading.counts);
  }
}
`;

/** The sample's kinds, hovered by name (a hover on a kind lays it out). */
const KIND_NAMES = ['Lens', 'Reading', 'Signal', 'Pulse', 'Tone', 'Dome'];

/**
 * Log lines holding universal references (64 hex digits each, most significant byte first, as C
 * prints one), made once: the recognizer and the reference hover of C files and logs run on them.
 */
function referenceLog(): string {
  const lines: string[] = [];
  for (let k = 0n; k < 8n; k++) {
    const bytes = encodeUniversalReference(
      {
        objectGeneration: 0x2a07n + k,
        regionGeneration: 0x13n * k,
        objectPointer: 0x7f3a_1c2b_3d40n + 0x40n * k,
        typePointer: 0x40_1230n + 0x10n * k,
        regionPointer: 0x7f10_0000_1000n,
        offsetToGeneration: 8n,
        scopeTetherMask: 0n,
      },
      BACKEND_PROFILE,
    ).bytes;
    // As the recognizer reads 64 digits back (recognize.ts): the bytes as one little-endian number.
    lines.push(`  log("dome ${k}: 0x${bytesToBigInt(bytes).toString(16).padStart(64, '0')}");`);
  }
  return `${lines.join('\n')}\n`;
}

/** Where the sample lives in its private workspace. */
export const WARM_UP_PATH = '/vale-ffi-warm-up/sample.vale';

/** What a keystroke inserts: a character of each token class, whitespace and a line break. */
const INSERTS = ['a', 'x', '_', '0', '7', ' ', '\n', ';', ',', '.', '(', ')', '{', '}', '<', '>', '[', ']', '&', '"', '=', '+', '#', '/'];

export interface WarmUpReport {
  /** Keystrokes applied (an undo counts as one). */
  readonly keystrokes: number;
  /** The sample's text after them, and its diagnostics as the edits left them. */
  readonly text: string;
  readonly diagnostics: readonly Diagnostic[];
  /** Hovers that had an answer: on a kind's name, and on the universal reference of a log line. */
  readonly hovers: { readonly kinds: number; readonly references: number };
}

/** The fewest keystrokes the warm-up types (an empty or small workspace): about 0.18 s. */
export const MIN_WARM_UP_KEYSTROKES = 200;
/** The most (a workspace of about 270 KB of Vale or more): 1.7–2.0 s of work into the most copies (1,000 took 1.2–1.3). */
export const MAX_WARM_UP_KEYSTROKES = 2000;
/** Characters of Vale per keystroke the warm-up adds above the fewest. */
const CHARS_PER_WARM_UP_KEYSTROKE = 150;

/**
 * How many keystrokes to warm the edit path up with, for a workspace holding `valeChars`
 * characters of Vale. Measured over LSP on the bench's 10k-line document, ten alternating
 * pairs of runs: keystroke p95 8.7–11.6 ms (median 10.0) after 200, 7.1–10.6 ms (median 8.4)
 * after 1,000. Eight more pairs, 1,000 against 2,000: p50 4.62–5.77 ms (median 5.25) against
 * 4.35–6.21 (median 4.45), p95 above the same run's floor (the server answering without
 * work) 4.6 ms against 2.9 (medians). After a warm-up of 1,000, V8 still deoptimised the
 * edit path's functions in the bench's keystrokes (per pass of 300: 9, 4, 6, 4, 3, 2, 0, 1,
 * then about none after the fifteenth pass), mostly on maps it had not yet seen. The warm-up runs while
 * requests and edits are answered, so the longer one costs no answer's latency.
 */
export function warmUpKeystrokes(valeChars: number): number {
  return growing(valeChars, MIN_WARM_UP_KEYSTROKES, MAX_WARM_UP_KEYSTROKES, CHARS_PER_WARM_UP_KEYSTROKE);
}

/** `fewest`, plus one per `charsPerStep` characters of Vale, at most `most`. */
function growing(valeChars: number, fewest: number, most: number, charsPerStep: number): number {
  return Math.min(most, fewest + Math.floor(Math.max(0, valeChars) / charsPerStep));
}

/** The fewest copies of the sample the warm-up types into (an empty or small workspace): about 4.5 KB. */
export const MIN_WARM_UP_COPIES = 2;
/** The most (a workspace of about 190 KB of Vale or more): about 16 KB. */
export const MAX_WARM_UP_COPIES = 8;
/** Characters of Vale per copy of the sample the warm-up adds above the fewest. */
const CHARS_PER_WARM_UP_COPY = 32_000;

/**
 * How many copies of the sample the warm-up types into, for a workspace holding `valeChars`
 * characters of Vale. A big workspace has long documents, whose keystrokes run paths a small
 * sample reaches too seldom for V8 to compile them: more items around an edit, more blocks of
 * diagnostics, exports repeated across copies. Measured in process on the bench's 10k-line
 * document, its first 300 keystrokes after the warm-up (seven alternating runs): p95 1.93–3.58 ms,
 * median 2.09, after 1,000 keystrokes into 8 copies; 2.51–4.27, median 2.68, into 2 (1.62–4.28
 * after 2,000 into 2). The warm-up takes 1.3–1.8 s instead of 0.9–1.1.
 */
export function warmUpCopies(valeChars: number): number {
  return growing(valeChars, MIN_WARM_UP_COPIES, MAX_WARM_UP_COPIES, CHARS_PER_WARM_UP_COPY);
}

/**
 * How the warm-up's keystrokes reach its workspace and are answered. The default hands them to
 * the core and asks for the file's diagnostics; a shell passes its own path (its documents, its
 * diagnostics publisher, its encoder), so that what it runs for a keystroke is what gets compiled.
 */
export interface WarmUpEditor {
  /** The sample, opened as `path` in `ws` (the warm-up's private workspace). */
  open(ws: Workspace, path: string, text: string): void;
  /** A keystroke: [start, end) of the text before it replaced by `newText` (`text` is the text after), answered as an editor's is. */
  type(start: number, end: number, newText: string, text: string): void;
}

/** The core alone: each keystroke an edit, answered with the file's diagnostics. */
function coreEditor(): WarmUpEditor {
  let ws: Workspace | undefined;
  let path = '';
  return {
    open(workspace, file, text) {
      ws = workspace;
      path = file;
      ws.setFile(path, text);
      ws.diagnostics(path);
    },
    type(start, end, newText, text) {
      ws?.editFile(path, [{ start, end, newText }], text);
      ws?.diagnostics(path);
    },
  };
}

/** A warm-up taken a keystroke at a time (`warmUpSteps`): a server runs it in slices between messages. */
export interface WarmUpSteps {
  /** Opens the sample (the first step), else types the next keystroke (and its hovers), if one is left; answers whether more are left. */
  step(): boolean;
  /** Keystrokes typed so far. */
  readonly typed: number;
  /** What the warm-up left, once `step` has answered false. */
  report(): WarmUpReport;
}

/**
 * Types `keystrokes` scripted keystrokes into a private workspace holding `copies` copies of the
 * sample, each answered by `editor` (by default with the file's diagnostics), and hovers after one
 * in four: where the keystroke was, on a kind's name, and on a universal reference in a log line.
 * Without the last two, a server's first couple of hundred hovers ran partly uncompiled (measured
 * over LSP on the bench's 10k-line document: p95 1.2–1.9 ms over the first 200 hovers of each
 * kind, 0.5 ms after). `afterKeystroke` runs after each keystroke (the server looks at its heap there).
 */
export function warmUp(
  keystrokes = MIN_WARM_UP_KEYSTROKES,
  copies = MIN_WARM_UP_COPIES,
  afterKeystroke?: () => void,
  editor: WarmUpEditor = coreEditor(),
): WarmUpReport {
  const steps = warmUpSteps(keystrokes, copies, afterKeystroke, editor);
  while (steps.step());
  return steps.report();
}

/**
 * `warmUp`, a step at a time: the first step opens the sample (in a large workspace tens of
 * milliseconds: a server runs it in a slice of its own, after the messages already read), each
 * step after it types one keystroke.
 */
export function warmUpSteps(
  keystrokes = MIN_WARM_UP_KEYSTROKES,
  copies = MIN_WARM_UP_COPIES,
  afterKeystroke?: () => void,
  editor: WarmUpEditor = coreEditor(),
): WarmUpSteps {
  const ws = new Workspace();
  let text = '';
  for (let c = 0; c < copies; c++) text += SAMPLE.replaceAll('$', `_w${c}`);
  let opened = false;
  const open = (): void => {
    opened = true;
    editor.open(ws, WARM_UP_PATH, text);
  };
  let seed = 0x2545f491;
  const next = (n: number): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return (seed >>> 8) % n;
  };
  const type = (start: number, end: number, newText: string): void => {
    text = text.slice(0, start) + newText + text.slice(end);
    editor.type(start, end, newText, text);
  };
  const log = referenceLog();
  const hovers = { kinds: 0, references: 0 };
  let undo: number | undefined;
  let i = 0;
  return {
    get typed() {
      return i;
    },
    step() {
      if (!opened) {
        open();
        return keystrokes > 0;
      }
      if (i >= keystrokes) return false;
      // A keystroke is deleted by the next one, but one in eight: the text stays near the sample,
      // with a mistake or two of its own at any moment.
      if (undo !== undefined) {
        type(undo, undo + 1, '');
        undo = undefined;
      } else {
        const at = next(text.length + 1);
        type(at, at, INSERTS[next(INSERTS.length)]);
        if (next(8) !== 0) undo = at;
      }
      if (i % 4 === 3) {
        const program = ws.cProgram(ws.effectiveCProject(), DEFAULT_TARGET);
        hoverInVale(program, WARM_UP_PATH, text, next(text.length + 1), DEFAULT_HOVER_OPTIONS);
        // The name's first place is its declaration, unless a keystroke broke it there.
        const at = text.indexOf(`${KIND_NAMES[next(KIND_NAMES.length)]}_w${next(copies)}`);
        if (at >= 0 && hoverInVale(program, WARM_UP_PATH, text, at + 1, DEFAULT_HOVER_OPTIONS)) hovers.kinds++;
        if (hoverReferenceInText(log, next(log.length), DEFAULT_HOVER_OPTIONS)) hovers.references++;
      }
      afterKeystroke?.();
      i++;
      return i < keystrokes;
    },
    report() {
      if (!opened) open();
      return { keystrokes: i, text, diagnostics: ws.diagnostics(WARM_UP_PATH), hovers };
    },
  };
}
