/** One sample line of the Prometheus text format: `name{label="value",...} value`. */
export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** A metric family: its `# TYPE` and its samples (for a histogram, the `_bucket`, `_sum` and `_count` lines). */
export interface Family {
  readonly name: string;
  readonly type: string;
  readonly samples: Sample[];
}

const SAMPLE_LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/**
 * Reads exposition text into families. Only as much of the format as the
 * tests need; promtool, Prometheus's own parser, checks the syntax.
 */
export function parsePrometheusText(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  let current: Family | undefined;
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) {
      current = { name: type[1] ?? '', type: type[2] ?? '', samples: [] };
      families.set(current.name, current);
      continue;
    }
    const sample = SAMPLE_LINE.exec(line);
    if (sample && current) {
      const labels = Object.fromEntries([...(sample[2] ?? '').matchAll(LABEL)].map((m) => [m[1], m[2]]));
      current.samples.push({ name: sample[1] ?? '', labels, value: Number(sample[3]) });
    }
  }
  return families;
}

/** The samples of a family named `name` whose labels include `labels`. */
export function samplesOf(family: Family | undefined, name: string, labels: Record<string, string>): Sample[] {
  return (family?.samples ?? []).filter(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
}
