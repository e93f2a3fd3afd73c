import type {
  AllocationMetric,
  Evaluation,
  FieldDiff,
  JobDiff,
  JobPlanResponse,
  ObjectDiff,
  TaskDiff,
  TaskGroupDiff,
} from './types';

// A port of the Nomad CLI's plan output (command/job_plan.go: formatJobDiff, formatDryRun and
// command/monitor.go: formatAllocMetrics), so the text reads exactly like `nomad job plan`.
// Map iteration order is random in Go; here maps are sorted so the output is deterministic.

export interface FormatPlanDiffOptions {
  /**
   * Expand added and deleted task groups and tasks field by field, like `nomad job plan -verbose`.
   * @default false
   */
  readonly verbose?: boolean;
  /**
   * ANSI colors as the Nomad CLI prints them (green create, red destroy, yellow update).
   * @default false
   */
  readonly color?: boolean;
  /**
   * Marker of an edited field or block; added ones get `+`, deleted ones `-`.
   * @default '+/-' (Nomad's marker)
   */
  readonly editedMarker?: string;
}

/**
 * The answer of a plan (`NomadClient.plan()`) as `nomad job plan` prints it: the diff with a
 * `+`, `-` or `+/-` marker per field and block, each task group with the scheduler's update
 * counts (`1 create`, `2 in-place update`, `1 create/destroy update`, ...), each task with what
 * its change forces, then the scheduler dry-run, warnings and preemptions.
 *
 * @example
 * const plan = await client.plan(job);
 * console.log(formatPlanDiff(plan, { color: process.stdout.isTTY }));
 */
export function formatPlanDiff(plan: JobPlanResponse, options: FormatPlanDiffOptions = {}): string {
  const style: Formatter = { verbose: options.verbose === true, editedMarker: options.editedMarker ?? '+/-' };
  const sections: string[] = [];
  if (plan.Diff) sections.push(formatJobDiff(plan.Diff, style).trim());
  sections.push(`${tag('bold')}Scheduler dry-run:${tag('reset')}\n${formatDryRun(plan)}`);
  if (plan.Warnings)
    sections.push(`${tag('bold')}${tag('yellow')}Job Warnings:\n${plan.Warnings.trim()}${tag('reset')}`);
  const preempted = plan.Annotations?.PreemptedAllocs ?? [];
  if (preempted.length > 0) {
    sections.push(
      `${tag('bold')}${tag('yellow')}Preemptions:${tag('reset')}\n${columns([
        ['Alloc ID', 'Job ID', 'Task Group'],
        ...preempted.map((alloc) => [alloc.ID, alloc.JobID, alloc.TaskGroup]),
      ])}`,
    );
  }
  return render(sections.join('\n\n'), options.color === true);
}

/**
 * Whether applying the plan would create, destroy, migrate or replace allocations: what
 * `nomad job plan` signals with exit code 1 (0 when nothing or only in-place updates change).
 */
export function planChangesAllocations(plan: JobPlanResponse): boolean {
  if (plan.Diff?.Type === 'None') return false;
  return Object.values(plan.Annotations?.DesiredTGUpdates ?? {}).some(
    (u) => (u.Stop ?? 0) + (u.Place ?? 0) + (u.Migrate ?? 0) + (u.DestructiveUpdate ?? 0) + (u.Canary ?? 0) > 0,
  );
}

interface Formatter {
  readonly verbose: boolean;
  readonly editedMarker: string;
}

type Style = 'bold' | 'reset' | 'green' | 'red' | 'light_yellow' | 'cyan' | 'yellow' | 'blue';

const ANSI: Record<Style, string> = {
  bold: '\u001b[1m',
  reset: '\u001b[0m',
  green: '\u001b[32m',
  red: '\u001b[31m',
  light_yellow: '\u001b[93m',
  cyan: '\u001b[36m',
  yellow: '\u001b[33m',
  blue: '\u001b[34m',
};

// Styles are marked with two Private Use Area characters rather than Nomad's `[green]` text,
// so a field value that contains "[red]" is printed as written instead of turning into a color.
function tag(style: Style): string {
  return `\ue000${style}\ue001`;
}

function render(text: string, color: boolean): string {
  const out = text.replace(/\ue000(\w+)\ue001/g, (_, style: Style) => (color ? ANSI[style] : ''));
  return color ? `${out}${ANSI.reset}` : out;
}

function diffMarker(type: string, style: Formatter): { readonly marker: string; readonly length: number } {
  switch (type) {
    case 'Added':
      return { marker: `${tag('green')}+${tag('reset')} `, length: 2 };
    case 'Deleted':
      return { marker: `${tag('red')}-${tag('reset')} `, length: 2 };
    case 'Edited':
      return {
        marker: `${tag('light_yellow')}${style.editedMarker}${tag('reset')} `,
        length: style.editedMarker.length + 1,
      };
    default:
      return { marker: '', length: 0 };
  }
}

function spaces(count: number): string {
  return ' '.repeat(Math.max(0, count));
}

function quote(value: string | undefined): string {
  return JSON.stringify(value ?? '');
}

function formatJobDiff(job: JobDiff, style: Formatter): string {
  let out = `${diffMarker(job.Type, style).marker}${tag('bold')}Job: ${quote(job.ID)}\n`;
  const groups = job.TaskGroups ?? [];
  let { longestField, longestMarker } = longestPrefixes(job.Fields, job.Objects, style);
  for (const group of groups) longestMarker = Math.max(longestMarker, diffMarker(group.Type, style).length);

  // Like the CLI, the job's own fields only show when the job is edited (or in verbose mode).
  if (job.Type === 'Edited' || style.verbose) {
    const fields = alignedFieldsAndObjects(job.Fields, job.Objects, 0, longestField, longestMarker, style);
    out += fields;
    if (fields.length > 0) out += '\n';
  }
  for (const group of groups) {
    out += `${formatTaskGroupDiff(group, longestMarker - diffMarker(group.Type, style).length, style)}\n`;
  }
  return out;
}

/** Scheduler update types (scheduler/annotate.go) and their colors in the CLI. */
const UPDATE_COLORS: Readonly<Record<string, Style | undefined>> = {
  ignore: undefined,
  create: 'green',
  destroy: 'red',
  migrate: 'blue',
  'in-place update': 'cyan',
  'create/destroy update': 'yellow',
  canary: 'light_yellow',
};

function formatTaskGroupDiff(group: TaskGroupDiff, groupPrefix: number, style: Formatter): string {
  let out = `${diffMarker(group.Type, style).marker}${spaces(groupPrefix)}${tag('bold')}Task Group: ${quote(group.Name)}${tag('reset')}`;
  const updates = Object.entries(group.Updates ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (updates.length > 0) {
    const parts = updates.map(([type, count]) => {
      const color = UPDATE_COLORS[type];
      return `${tag('reset')}${color ? tag(color) : ''}${count} ${type}`;
    });
    out += ` (${parts.join(', ')}${tag('reset')})\n`;
  } else {
    out += `${tag('reset')}\n`;
  }

  const tasks = group.Tasks ?? [];
  let { longestField, longestMarker } = longestPrefixes(group.Fields, group.Objects, style);
  for (const task of tasks) longestMarker = Math.max(longestMarker, diffMarker(task.Type, style).length);

  const subStart = groupPrefix + 2;
  if (group.Type === 'Edited' || style.verbose) {
    const fields = alignedFieldsAndObjects(group.Fields, group.Objects, subStart, longestField, longestMarker, style);
    out += fields;
    if (fields.length > 0) out += '\n';
  }
  for (const task of tasks) {
    out += `${formatTaskDiff(task, subStart, longestMarker - diffMarker(task.Type, style).length, style)}\n`;
  }
  return out;
}

function formatTaskDiff(task: TaskDiff, start: number, taskPrefix: number, style: Formatter): string {
  let out = `${spaces(start)}${diffMarker(task.Type, style).marker}${spaces(taskPrefix)}${tag('bold')}Task: ${quote(task.Name)}`;
  const annotations = task.Annotations ?? [];
  if (annotations.length > 0) out += ` ${tag('reset')}(${colorAnnotations(annotations)})`;

  // An added or deleted task is one line unless verbose: its fields are all new or all gone.
  if (task.Type === 'None') return out;
  if ((task.Type === 'Deleted' || task.Type === 'Added') && !style.verbose) return out;
  out += '\n';

  const { longestField, longestMarker } = longestPrefixes(task.Fields, task.Objects, style);
  out += alignedFieldsAndObjects(task.Fields, task.Objects, start + 2, longestField, longestMarker, style);
  return out;
}

function formatObjectDiff(diff: ObjectDiff, start: number, keyPrefix: number, style: Formatter): string {
  const { marker, length } = diffMarker(diff.Type, style);
  let out = `${spaces(start)}${marker}${spaces(keyPrefix)}${diff.Name} {\n`;
  const { longestField, longestMarker } = longestPrefixes(diff.Fields, diff.Objects, style);
  out += alignedFieldsAndObjects(diff.Fields, diff.Objects, start + keyPrefix + 2, longestField, longestMarker, style);
  return `${out}\n${spaces(start + length + keyPrefix)}}`;
}

function formatFieldDiff(
  diff: FieldDiff,
  start: number,
  keyPrefix: number,
  valuePrefix: number,
  style: Formatter,
): string {
  let out = `${spaces(start)}${diffMarker(diff.Type, style).marker}${spaces(keyPrefix)}${diff.Name}: ${spaces(valuePrefix)}`;
  switch (diff.Type) {
    case 'Added':
      out += quote(diff.New);
      break;
    case 'Deleted':
      out += quote(diff.Old);
      break;
    case 'Edited':
      out += `${quote(diff.Old)} => ${quote(diff.New)}`;
      break;
    default:
      out += quote(diff.New);
  }
  const annotations = diff.Annotations ?? [];
  if (annotations.length > 0) out += ` (${colorAnnotations(annotations)})`;
  return out;
}

function alignedFieldsAndObjects(
  fields: readonly FieldDiff[] | null | undefined,
  objects: readonly ObjectDiff[] | null | undefined,
  start: number,
  longestField: number,
  longestMarker: number,
  style: Formatter,
): string {
  const fieldList = fields ?? [];
  const objectList = objects ?? [];
  let out = '';
  fieldList.forEach((field, i) => {
    const keyPrefix = longestMarker - diffMarker(field.Type, style).length;
    const valuePrefix = longestField - field.Name.length;
    out += formatFieldDiff(field, start, keyPrefix, valuePrefix, style);
    if (i + 1 !== fieldList.length || objectList.length > 0) out += '\n';
  });
  objectList.forEach((object, i) => {
    out += formatObjectDiff(object, start, longestMarker - diffMarker(object.Type, style).length, style);
    if (i + 1 !== objectList.length) out += '\n';
  });
  return out;
}

function longestPrefixes(
  fields: readonly FieldDiff[] | null | undefined,
  objects: readonly ObjectDiff[] | null | undefined,
  style: Formatter,
): { longestField: number; longestMarker: number } {
  let longestField = 0;
  let longestMarker = 0;
  for (const field of fields ?? []) {
    longestField = Math.max(longestField, field.Name.length);
    longestMarker = Math.max(longestMarker, diffMarker(field.Type, style).length);
  }
  for (const object of objects ?? []) longestMarker = Math.max(longestMarker, diffMarker(object.Type, style).length);
  return { longestField, longestMarker };
}

const ANNOTATION_COLORS: Readonly<Record<string, Style>> = {
  'forces create': 'green',
  'forces destroy': 'red',
  'forces in-place update': 'cyan',
  'forces create/destroy update': 'yellow',
};

function colorAnnotations(annotations: readonly string[]): string {
  return annotations
    .map((annotation) => {
      const color = ANNOTATION_COLORS[annotation];
      return color ? `${tag(color)}${annotation}${tag('reset')}` : annotation;
    })
    .join(', ');
}

function formatDryRun(plan: JobPlanResponse): string {
  const evals: readonly Evaluation[] = plan.CreatedEvals ?? [];
  const rolling = [...evals].reverse().find((e) => e.TriggeredBy === 'rolling-update');
  const failed = Object.entries(plan.FailedTGAllocs ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  let out: string;
  if (failed.length === 0) {
    out = `${tag('bold')}${tag('green')}- All tasks successfully allocated.${tag('reset')}\n`;
  } else {
    // The CLI words this by the submitted job's type; a plan answer carries the type only on
    // the evaluations it created.
    const system = evals.some((e) => e.Type === 'system');
    out = `${tag('bold')}${tag('yellow')}- WARNING: Failed to place ${system ? 'allocations on all nodes' : 'all allocations'}.${tag('reset')}\n`;
    for (const [group, metrics] of failed) {
      const count = (metrics.CoalescedFailures ?? 0) + 1;
      out += `  ${tag('yellow')}Task Group ${quote(group)} (failed to place ${count} allocation${count > 1 ? 's' : ''}):\n${tag('reset')}`;
      out += `${tag('yellow')}${formatAllocMetrics(metrics, '    ')}${tag('reset')}\n\n`;
    }
    if (rolling === undefined) out = out.replace(/\n$/, '');
  }
  if (rolling !== undefined) {
    out += `${tag('green')}- Rolling update, next evaluation will be in ${goDuration(rolling.Wait ?? 0)}.${tag('reset')}\n`;
  }
  const next = plan.NextPeriodicLaunch;
  if (next && !next.startsWith('0001-01-01')) {
    out += `${tag('green')}- If submitted now, next periodic launch would be at ${next}.${tag('reset')}\n`;
  }
  return out.replace(/\n$/, '');
}

function sortedEntries(map: Readonly<Record<string, number>> | null | undefined): [string, number][] {
  return Object.entries(map ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function formatAllocMetrics(metrics: AllocationMetric, prefix: string): string {
  const lines: string[] = [];
  if ((metrics.NodesEvaluated ?? 0) === 0) lines.push(`${prefix}* No nodes were eligible for evaluation`);
  for (const [dc, available] of sortedEntries(metrics.NodesAvailable)) {
    if (available === 0) lines.push(`${prefix}* No nodes are available in datacenter ${quote(dc)}`);
  }
  for (const [klass, count] of sortedEntries(metrics.ClassFiltered)) {
    lines.push(`${prefix}* Class ${quote(klass)}: ${count} nodes excluded by filter`);
  }
  for (const [constraint, count] of sortedEntries(metrics.ConstraintFiltered)) {
    lines.push(`${prefix}* Constraint ${quote(constraint)}: ${count} nodes excluded by filter`);
  }
  if ((metrics.NodesExhausted ?? 0) > 0)
    lines.push(`${prefix}* Resources exhausted on ${metrics.NodesExhausted} nodes`);
  for (const [klass, count] of sortedEntries(metrics.ClassExhausted)) {
    lines.push(`${prefix}* Class ${quote(klass)} exhausted on ${count} nodes`);
  }
  for (const [dimension, count] of sortedEntries(metrics.DimensionExhausted)) {
    lines.push(`${prefix}* Dimension ${quote(dimension)} exhausted on ${count} nodes`);
  }
  for (const dimension of metrics.QuotaExhausted ?? []) lines.push(`${prefix}* Quota limit hit ${quote(dimension)}`);
  return lines.join('\n');
}

/** Go's `time.Duration.String()` for a number of nanoseconds: `30s`, `1m30s`, `1h0m0s`, `250ms`. */
export function goDuration(nanoseconds: number): string {
  if (nanoseconds === 0) return '0s';
  const sign = nanoseconds < 0 ? '-' : '';
  let rest = Math.abs(nanoseconds);
  const decimal = (value: number): string => String(Number(value.toFixed(9)));
  if (rest < 1e3) return `${sign}${rest}ns`;
  if (rest < 1e6) return `${sign}${decimal(rest / 1e3)}µs`;
  if (rest < 1e9) return `${sign}${decimal(rest / 1e6)}ms`;
  const hours = Math.floor(rest / 3.6e12);
  rest -= hours * 3.6e12;
  const minutes = Math.floor(rest / 6e10);
  rest -= minutes * 6e10;
  const seconds = decimal(rest / 1e9);
  return `${sign}${hours > 0 ? `${hours}h` : ''}${hours > 0 || minutes > 0 ? `${minutes}m` : ''}${seconds}s`;
}

function columns(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0))) ?? [];
  return rows
    .map((row) =>
      row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd((widths[column] ?? 0) + 2))).join(''),
    )
    .join('\n');
}
