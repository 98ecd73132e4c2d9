// Pure renderers for the extension's views (no vscode import, so tests can call them).
import type { DecodedJson, LayoutResult, RecordingJson } from '../shared/protocol';

/** What the views show: the protocol's results (shared/protocol.ts). */
export type LayoutView = LayoutResult;
export type DecodedView = DecodedJson;
export type RecordingView = RecordingJson;

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The memory layout as a bar of fields and padding, with offsets, plus the table. */
export function layoutPage(l: LayoutView): string {
  const parts = [
    ...l.fields.map((f) => ({ offset: f.offset, size: f.size, label: f.name, detail: f.cType, padding: false })),
    ...l.padding.map((p) => ({
      offset: p.offset,
      size: p.size,
      label: p.tail ? 'tail padding' : 'padding',
      detail: `${p.size} bytes`,
      padding: true,
    })),
  ].sort((a, b) => a.offset - b.offset);
  const total = Math.max(l.size, 1);
  const cells = parts
    .map((p) => {
      const width = Math.max((p.size / total) * 100, p.size === 0 ? 0.5 : 2);
      return (
        `<div class="cell ${p.padding ? 'pad' : 'field'}" style="width:${width.toFixed(2)}%" title="${escapeHtml(`${p.label}: offset ${p.offset}, ${p.size} bytes`)}">` +
        `<span class="off">${p.offset}</span><span class="name">${escapeHtml(p.label)}</span></div>`
      );
    })
    .join('');
  const rows = parts
    .map(
      (p) =>
        `<tr class="${p.padding ? 'pad' : ''}"><td>${p.offset}</td><td>${p.size}</td><td>${escapeHtml(p.label)}</td><td><code>${escapeHtml(p.detail)}</code></td></tr>`,
    )
    .join('');
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline';">
<style>
body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); padding: 12px; }
.bar { display: flex; border: 1px solid var(--vscode-panel-border, #888); height: 56px; margin: 12px 0; }
.cell { position: relative; border-right: 1px solid var(--vscode-panel-border, #888); overflow: hidden; box-sizing: border-box; padding: 2px 4px; }
.field { background: var(--vscode-editor-selectionBackground, #264f78); }
.pad { background: repeating-linear-gradient(45deg, transparent, transparent 4px, rgba(128,128,128,.35) 4px, rgba(128,128,128,.35) 8px); }
.off { display: block; font-size: 10px; opacity: .8; }
.name { display: block; font-size: 12px; white-space: nowrap; }
table { border-collapse: collapse; } td, th { padding: 2px 10px; text-align: left; } tr.pad td { opacity: .7; font-style: italic; }
</style></head><body>
<h2>${escapeHtml(l.name)} <small>→ <code>${escapeHtml(l.cName)}</code></small></h2>
<p id="summary">size ${l.size} bytes, align ${l.align}, target ${escapeHtml(l.target)}${l.messageSize !== null ? `, message ${l.messageSize} bytes` : ''}</p>
<div class="bar">${cells}</div>
<table><tr><th>offset</th><th>size</th><th>field</th><th>C type</th></tr>${rows}</table>
</body></html>`;
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
