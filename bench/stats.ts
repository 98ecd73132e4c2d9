// Small statistics for the benchmarks: medians over repeated runs after warm-up, percentiles,
// a least-squares exponent, and plain-text tables.

export function median(xs: readonly number[]): number {
  return percentile(xs, 50);
}

/** Nearest-rank percentile. */
export function percentile(xs: readonly number[], p: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** Runs `body` `warmup` times, then `runs` times; returns each timed run's milliseconds. */
export function timeRuns(warmup: number, runs: number, body: () => void): number[] {
  for (let i = 0; i < warmup; i++) body();
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    body();
    out.push(performance.now() - t);
  }
  return out;
}

/** The slope of log(y) against log(x): y grows as x^slope. */
export function exponent(xs: readonly number[], ys: readonly number[]): number {
  const lx = xs.map(Math.log);
  const ly = ys.map(Math.log);
  const mx = lx.reduce((a, b) => a + b, 0) / lx.length;
  const my = ly.reduce((a, b) => a + b, 0) / ly.length;
  let num = 0;
  let den = 0;
  for (let i = 0; i < lx.length; i++) {
    num += (lx[i] - mx) * (ly[i] - my);
    den += (lx[i] - mx) ** 2;
  }
  return num / den;
}

export function table(title: string, head: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: readonly string[]): string =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  return [
    `### ${title}`,
    '',
    line(head),
    `|${widths.map((w, i) => (i === 0 ? ` ${'-'.repeat(w)} ` : ` ${'-'.repeat(w - 1)}: `)).join('|')}|`,
    ...rows.map(line),
    '',
  ].join('\n');
}

export const fixed = (n: number, digits = 1): string => n.toFixed(digits);
