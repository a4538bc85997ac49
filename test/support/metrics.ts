// Reads Prometheus text output: each sample with its labels, and sums over the samples a test names.
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export function parseMetrics(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g))
      labels[l[1]] = l[2].replace(/\\(.)/g, (_, c) => (c === 'n' ? '\n' : c));
    out.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return out;
}

/** The samples of a metric whose labels include these (a RegExp label matches by pattern). */
export function samples(all: Sample[], name: string, want: Record<string, string | RegExp> = {}): Sample[] {
  return all.filter((s) => s.name === name && Object.entries(want).every(([k, v]) => (v instanceof RegExp ? v.test(s.labels[k] ?? '') : s.labels[k] === v)));
}

/** Their sum, or NaN when there is none (so a missing metric cannot pass for zero). */
export function sumOf(all: Sample[], name: string, want: Record<string, string | RegExp> = {}): number {
  const found = samples(all, name, want);
  return found.length ? found.reduce((a, s) => a + s.value, 0) : NaN;
}
