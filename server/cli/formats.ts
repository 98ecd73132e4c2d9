// Machine formats of `check` for CI: SARIF 2.1.0 (code scanning) and GitHub Actions workflow commands.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CODES, type Diagnostic, type LineIndex, codeAnchor, codeInfo, explainMarkdown } from '../../shared';
import { LONG_ARRAY, piecesOfJson } from './report';

/** docs/diagnostics.md as shipped beside the bundle (dist/ → docs/). */
function helpUri(code: string): string {
  return `${pathToFileURL(join(__dirname, '..', 'docs', 'diagnostics.md')).href}#${codeAnchor(code)}`;
}

const SARIF_LEVEL = { error: 'error', warning: 'warning', information: 'note', hint: 'note' } as const;

interface Region {
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
}

/** 1-based lines and columns (UTF-16 code units, as `columnKind` says), end column exclusive. */
function region(lines: LineIndex, start: number, end: number): Region {
  const a = lines.positionAt(start);
  const b = lines.positionAt(end);
  return { startLine: a.line + 1, startColumn: a.character + 1, endLine: b.line + 1, endColumn: b.character + 1 };
}

const uriOf = (file: string): string => file.split('\\').join('/');

/** One SARIF 2.1.0 log: one run, the registry's codes as rules, one result per diagnostic. */
export function toSarif(diagnostics: readonly Diagnostic[], lines: (file: string) => LineIndex, version: string): unknown {
  return sarifLog(version, diagnostics.map(sarifResult(lines)));
}

/** `toSarif` and a newline as `JSON.stringify(…, null, 2)` writes it, in pieces made as they are written. */
export function sarifPieces(diagnostics: readonly Diagnostic[], lines: (file: string) => LineIndex, version: string): Generator<string> {
  const result = sarifResult(lines);
  return piecesOfJson(sarifLog(version, LONG_ARRAY), diagnostics.length, (i) => result(diagnostics[i]));
}

/** The log around its results (an array, or `LONG_ARRAY` in its place). */
function sarifLog(version: string, results: unknown): unknown {
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'vale-ffi',
            version,
            informationUri: helpUri('').replace(/#$/, ''),
            rules: CODES.map((c) => ({
              id: c.code,
              shortDescription: { text: c.title },
              fullDescription: { text: c.explanation },
              helpUri: helpUri(c.code),
              help: { text: c.explanation, markdown: explainMarkdown(c) },
              defaultConfiguration: { level: SARIF_LEVEL[c.severity] },
              properties: { origin: c.origin },
            })),
          },
        },
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
}

/** How a log's result is made from a diagnostic. */
function sarifResult(lines: (file: string) => LineIndex): (d: Diagnostic) => unknown {
  const ruleIndex = new Map(CODES.map((c, i) => [c.code, i]));
  return (d) => {
    const index = ruleIndex.get(d.code);
    const result: Record<string, unknown> = {
      ruleId: d.code,
      ...(index !== undefined && codeInfo(d.code) ? { ruleIndex: index } : {}),
      level: SARIF_LEVEL[d.severity],
      message: { text: d.message },
      locations: [{ physicalLocation: { artifactLocation: { uri: uriOf(d.file) }, region: region(lines(d.file), d.start, d.end) } }],
    };
    if (d.related && d.related.length > 0) {
      result.relatedLocations = d.related.map((r, id) => ({
        id,
        message: { text: r.message },
        physicalLocation: { artifactLocation: { uri: uriOf(r.file) }, region: region(lines(r.file), r.start, r.end) },
      }));
    }
    return result;
  };
}

/** GitHub's escaping of a workflow command's data and of its property values. */
const escapeData = (s: string): string => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProperty = (s: string): string => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

const GITHUB_COMMAND = { error: 'error', warning: 'warning', information: 'notice', hint: 'notice' } as const;

/** One `::error file=…,line=…,col=…,endLine=…,endColumn=…,title=Code::message` line per diagnostic. */
export function toGithub(diagnostics: readonly Diagnostic[], lines: (file: string) => LineIndex): string {
  return diagnostics
    .map((d) => {
      const r = region(lines(d.file), d.start, d.end);
      const props = [
        `file=${escapeProperty(uriOf(d.file))}`,
        `line=${r.startLine}`,
        `col=${r.startColumn}`,
        `endLine=${r.endLine}`,
        `endColumn=${r.endColumn}`,
        `title=${escapeProperty(d.code)}`,
      ];
      const notes = (d.related ?? []).map((x) => {
        const p = lines(x.file).positionAt(x.start);
        return `\n${x.file}:${p.line + 1}:${p.character + 1}: ${x.message}`;
      });
      return `::${GITHUB_COMMAND[d.severity]} ${props.join(',')}::${escapeData(d.message + notes.join(''))}\n`;
    })
    .join('');
}
