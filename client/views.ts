// Pure renderers for the extension's views (no vscode import, so tests can call them).
import type { DecodedJson, LayoutResult, RecordingJson, StatusParams } from '../shared/protocol';

/** What the views show: the protocol's results (shared/protocol.ts). */
export type LayoutView = LayoutResult;
export type DecodedView = DecodedJson;
export type RecordingView = RecordingJson;

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Width of the drawings in CSS pixels; a label is written in a cell only when it fits there. */
const BAR_WIDTH = 840;
const CHAR_WIDTH = 7.5;
const fits = (label: string, px: number): boolean => label.length * CHAR_WIDTH + 8 <= px;

/**
 * The memory layout: a bar of fields and padding (a field whose name does not fit its cell shows
 * its number, the table's first column, and the whole name as a tooltip), the table with offset,
 * size, align and C type, and for an imm kind the message a sample value becomes.
 */
export function layoutPage(l: LayoutView): string {
  const parts = [
    ...l.fields.map((f) => ({ offset: f.offset, size: f.size, align: String(f.align), label: f.name, detail: f.cType, padding: false })),
    ...l.padding.map((p) => ({
      offset: p.offset,
      size: p.size,
      align: '',
      label: p.tail ? 'tail padding' : 'padding',
      detail: `${p.size} bytes`,
      padding: true,
    })),
  ].sort((a, b) => a.offset - b.offset);
  const total = Math.max(l.size, 1);
  const cells = parts
    .map((p, i) => {
      const width = Math.max((p.size / total) * 100, p.size === 0 ? 0.5 : 2);
      const px = (width / 100) * BAR_WIDTH;
      const shown = p.padding ? (fits(p.label, px) ? p.label : '') : fits(p.label, px) ? p.label : String(i + 1);
      return (
        `<div class="cell ${p.padding ? 'pad' : 'field'}" style="width:${width.toFixed(2)}%" title="${escapeHtml(`${p.label}: offset ${p.offset}, ${p.size} bytes${p.align ? `, align ${p.align}` : ''}`)}">` +
        `<span class="off">${p.offset}</span><span class="name">${escapeHtml(shown)}</span></div>`
      );
    })
    .join('');
  const rows = parts
    .map(
      (p, i) =>
        `<tr class="${p.padding ? 'pad' : ''}"><td>${i + 1}</td><td>${p.offset}</td><td>${p.size}</td><td>${p.align}</td><td>${escapeHtml(p.label)}</td><td><code>${escapeHtml(p.detail)}</code></td></tr>`,
    )
    .join('');
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline';">
<style>
body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); padding: 12px; }
.bar { display: flex; border: 1px solid var(--vscode-panel-border, #888); height: 56px; margin: 12px 0; width: 100%; max-width: ${BAR_WIDTH}px; }
.cell { position: relative; border-right: 1px solid var(--vscode-panel-border, #888); overflow: hidden; box-sizing: border-box; padding: 2px 4px; }
.field { background: var(--vscode-editor-selectionBackground, #264f78); }
.pad { background: repeating-linear-gradient(45deg, transparent, transparent 4px, rgba(128,128,128,.35) 4px, rgba(128,128,128,.35) 8px); }
.off { display: block; font-size: 10px; opacity: .8; }
.name { display: block; font-size: 12px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
table { border-collapse: collapse; } td, th { padding: 2px 10px; text-align: left; } tr.pad td { opacity: .7; font-style: italic; }
svg text { fill: var(--vscode-foreground); font-size: 11px; font-family: var(--vscode-font-family); }
svg .object { fill: var(--vscode-editor-selectionBackground, #264f78); stroke: var(--vscode-panel-border, #888); }
svg .slack { fill: none; stroke: var(--vscode-panel-border, #888); stroke-dasharray: 3 3; }
svg .arrow { fill: none; stroke: var(--vscode-charts-orange, #d18616); stroke-width: 1.5; }
svg .head { fill: var(--vscode-charts-orange, #d18616); }
</style></head><body>
<h2>${escapeHtml(l.name)} <small>→ <code>${escapeHtml(l.cName)}</code></small></h2>
<p id="summary">size ${l.size} bytes, align ${l.align}, target ${escapeHtml(l.target)}${l.messageSize !== null ? `, message ${l.messageSize} bytes` : ''}</p>
<div class="bar">${cells}</div>
<table><tr><th>#</th><th>offset</th><th>size</th><th>align</th><th>field</th><th>C type</th></tr>${rows}</table>
${l.message ? messageSection(l.message) : ''}
</body></html>`;
}

/**
 * The message an imm value becomes: objects in pre-order at 16-byte boundaries (dashed: the
 * padding up to the next boundary), each child pointer an arrow from where it is written to the
 * object it points at, and the size a `_vasp` extern receives.
 */
function messageSection(m: NonNullable<LayoutView['message']>): string {
  const scale = BAR_WIDTH / Math.max(m.size, 1);
  const x = (offset: number): number => 4 + offset * scale;
  const top = 70;
  const height = 44;
  const boxes = m.objects
    .map((o, i) => {
      const padded = Math.ceil(Math.max(o.size, 1) / 16) * 16;
      const label = `${o.kind} (${o.size} B)`;
      const w = Math.max(o.size * scale, 2);
      const shown = fits(label, w) ? label : fits(o.kind, w) ? o.kind : String(i + 1);
      return (
        `<g class="message-object"><title>${escapeHtml(`${i + 1}. ${o.kind}: offset ${o.offset}, ${o.size} bytes`)}</title>` +
        `<rect class="slack" x="${x(o.offset).toFixed(1)}" y="${top}" width="${(padded * scale).toFixed(1)}" height="${height}"/>` +
        `<rect class="object" x="${x(o.offset).toFixed(1)}" y="${top}" width="${w.toFixed(1)}" height="${height}"/>` +
        `<text x="${(x(o.offset) + 3).toFixed(1)}" y="${top + 16}">${o.offset}</text>` +
        `<text x="${(x(o.offset) + 3).toFixed(1)}" y="${top + 32}">${escapeHtml(shown)}</text></g>`
      );
    })
    .join('');
  const arrows = m.pointers
    .map((p) => {
      const from = x(p.at) + 4;
      const to = x(p.to) + 2;
      const lift = Math.min(60, 16 + Math.abs(to - from) / 6);
      return (
        `<g class="message-pointer"><title>${escapeHtml(`pointer at byte ${p.at} → object at ${p.to}`)}</title>` +
        `<path class="arrow" d="M ${from.toFixed(1)} ${top} C ${from.toFixed(1)} ${(top - lift).toFixed(1)}, ${to.toFixed(1)} ${(top - lift).toFixed(1)}, ${to.toFixed(1)} ${top - 6}"/>` +
        `<path class="head" d="M ${(to - 4).toFixed(1)} ${top - 8} L ${(to + 4).toFixed(1)} ${top - 8} L ${to.toFixed(1)} ${top - 1} Z"/></g>`
      );
    })
    .join('');
  const legend = m.objects
    .map((o, i) => `<tr><td>${i + 1}</td><td>${o.offset}</td><td>${o.size}</td><td><code>${escapeHtml(o.kind)}</code></td></tr>`)
    .join('');
  return `<h3>As a message</h3>
<p id="message-summary">The value <code>${escapeHtml(JSON.stringify(m.value))}</code> becomes a message of ${m.size} bytes (the size a <code>_vasp</code> extern receives): ${m.objects.length} object${m.objects.length === 1 ? '' : 's'} in pre-order, each at a 16-byte boundary, ${m.pointers.length} child pointer${m.pointers.length === 1 ? '' : 's'}.</p>
<svg viewBox="0 0 ${BAR_WIDTH + 8} ${top + height + 8}" width="100%" style="max-width: ${BAR_WIDTH + 8}px" role="img" aria-label="message drawing">${boxes}${arrows}</svg>
<table><tr><th>#</th><th>offset</th><th>size</th><th>object</th></tr>${legend}</table>`;
}

/** A decoded universal reference as a Markdown document. */
export function referenceMarkdown(input: string, d: DecodedView): string {
  const lines = [
    `# Universal reference (${d.profile} profile)`,
    '',
    '```',
    input.trim(),
    '```',
    '',
    '| field | value | packed |',
    '| --- | ---: | ---: |',
    ...Object.keys(d.fields).map((f) => `| ${f} | \`${d.fields[f]}\` (${BigInt(d.fields[f])}) | \`${d.raw[f]}\` |`),
    '',
    `Bytes in memory order: \`${d.bytesHex}\``,
    '',
    `C words: ${Object.entries(d.cWords)
      .map(([k, v]) => `\`${k} = ${v}\``)
      .join(', ')}`,
    '',
    '## Checks',
    '',
    ...(d.problems.length ? d.problems.map((p) => `- **${p.code}** (${p.field}): ${p.message}`) : ['- no problems found']),
    '',
  ];
  return lines.join('\n');
}

/** A recording as a table of calls; every argument and return value expands to its decoded form. */
export function recordingPage(name: string, r: RecordingView): string {
  const json = (v: unknown): string => escapeHtml(JSON.stringify(v, null, 2));
  const reference = (d: DecodedView): string =>
    `<details><summary>reference <code>${escapeHtml(d.fields.objectPointer ?? '')}</code></summary><pre>${json(d.fields)}</pre>${d.problems.map((p) => `<div class="problem">${escapeHtml(p.code)}: ${escapeHtml(p.message)}</div>`).join('')}</details>`;
  const result = (res: RecordingView['calls'][number]['result']): string => {
    if (res.kind === 'void') return 'void';
    if (res.kind === 'reference' && res.reference) return reference(res.reference);
    if (res.kind === 'message')
      return `<details><summary>${escapeHtml(res.type ?? '')} (${res.size} bytes)</summary><pre>${json(res.value)}</pre></details>`;
    return `<code>${escapeHtml(String(res.value))}</code>`;
  };
  const rows = r.calls
    .map(
      (c, i) =>
        `<tr><td>${i + 1}</td><td>${c.offset}</td><td><code>${escapeHtml(c.callee)}</code></td><td>${
          c.params
            .map((p) => {
              const a = c.args.find((x) => x.param === p.name);
              return `<div>${escapeHtml(p.name)}: ${a ? reference(a.reference) : `<code>${escapeHtml(p.type)}</code> <small>(not recorded)</small>`}</div>`;
            })
            .join('') || '—'
        }</td><td>${result(c.result)}</td></tr>`,
    )
    .join('');
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline';">
<style>body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); padding: 12px; } table { border-collapse: collapse; width: 100%; }
td, th { border-bottom: 1px solid var(--vscode-panel-border, #888); padding: 4px 8px; text-align: left; vertical-align: top; } pre { margin: 4px 0; }
.error { color: var(--vscode-errorForeground, #f44); margin-top: 12px; } .problem { opacity: .8; font-size: 12px; }</style></head><body>
<h2>${escapeHtml(name)}</h2><p id="summary">${r.calls.length} call${r.calls.length === 1 ? '' : 's'}, ${r.size} bytes</p>
<table><tr><th>#</th><th>offset</th><th>callee</th><th>mutable arguments</th><th>returned</th></tr>${rows}</table>
${r.error ? `<p class="error">Stopped at byte ${r.error.offset}: ${escapeHtml(r.error.reason)}</p>` : ''}
</body></html>`;
}

/** The status bar item: what the server analyses and the problems it found (codicons in the text). */
export function statusItem(
  status: StatusParams | undefined,
  problems: { errors: number; warnings: number },
): { text: string; tooltip: string } {
  if (!status || status.state === 'indexing') {
    return {
      text: `$(sync~spin) Vale FFI${status ? `: indexing ${status.valeFiles} files` : ''}`,
      tooltip: 'Vale FFI is reading the workspace. Click to show its output.',
    };
  }
  const counts = [
    problems.errors > 0 ? `$(error) ${problems.errors}` : '',
    problems.warnings > 0 ? `$(warning) ${problems.warnings}` : '',
  ].filter(Boolean);
  const files = `${status.valeFiles} Vale file${status.valeFiles === 1 ? '' : 's'}${status.cFiles > 0 ? `, ${status.cFiles} C file${status.cFiles === 1 ? '' : 's'}` : ''}`;
  return {
    text: `${counts.length === 0 ? '$(check)' : counts.join(' ')} Vale FFI`,
    tooltip: `Vale FFI: ${files}, C project ${status.project}; ${problems.errors} error${problems.errors === 1 ? '' : 's'}, ${problems.warnings} warning${problems.warnings === 1 ? '' : 's'}. Click to show its output.`,
  };
}
