/** Stable codes of {@link JobspecIssue}s; tools may match on them. */
export type JobspecIssueCode =
  | 'invalid-type'
  | 'unknown-field'
  | 'required'
  | 'invalid-value'
  | 'out-of-range'
  | 'duplicate-name'
  | 'undefined-reference'
  | 'not-allowed-for-job-type'
  | 'invalid-duration'
  | 'invalid-cron'
  | 'conflict'
  | 'not-renderable'
  | 'syntax-error'
  | 'evaluation-failed'
  | 'limit-exceeded';

/** One problem in a job, at one place. */
export interface JobspecIssue {
  readonly code: JobspecIssueCode;
  /** Where, with group and task names: `groups[web].tasks[server].resources.cpu`. */
  readonly path: string;
  /** What was received, what is allowed, and how to fix it. */
  readonly message: string;
  /** Where in an imported file, `file.nomad.hcl:12:5` (line and column), when known. */
  readonly location?: string;
  /** The path in HCL names when the job was read from HCL: `job["web"].group["web"].task["app"].template[0].change_signal`. */
  readonly hclPath?: string;
}

/** The one error type of this package: every problem found, each with a code and a path. */
export class JobspecError extends Error {
  override readonly name = 'JobspecError';

  constructor(readonly issues: readonly JobspecIssue[]) {
    super(formatIssues(issues));
  }
}

/**
 * A failure of this library itself, never of the input: a bug to report (with the input that caused it). Its message
 * says so; `cause` holds the original error. Thrown instead of passing such a failure off as a problem in the job.
 */
export class JobspecInternalError extends Error {
  override readonly name = 'JobspecInternalError';

  constructor(what: string, cause: unknown) {
    super(
      `internal error in @org/jobspec-builder while ${what}: ${cause instanceof Error ? cause.message : String(cause)}. ` +
        'This is a bug, not a problem in your job: please report it with the input that caused it',
      { cause },
    );
  }
}

/** Every issue on its own line: where (file location, then path), what, and the code. */
export function formatIssues(issues: readonly JobspecIssue[]): string {
  const lines = issues.map((issue) => {
    const path = issue.hclPath ?? issue.path;
    const where = [issue.location, path || (issue.location ? undefined : '(job)')].filter(Boolean).join(': ');
    return `  ${where}: ${issue.message} [${issue.code}]`;
  });
  return `${issues.length} problem${issues.length === 1 ? '' : 's'} in the job:\n${lines.join('\n')}`;
}

/** Builds paths like `groups[web].tasks[server].resources.cpu`. */
export function joinPath(parent: string, segment: string | number): string {
  if (typeof segment === 'number') return `${parent}[${segment}]`;
  if (/^\[/.test(segment)) return `${parent}${segment}`;
  return parent ? `${parent}.${segment}` : segment;
}

/**
 * The path of a list item: by its label where it has one (`groups[web].tasks[server]`), else by its index
 * (`checks[0]`); a label that is an HCL expression has no name yet, so the index stands for it.
 *
 * @internal
 */
export function itemPath(list: string, label: unknown, index: number | string): string {
  return joinPath(list, typeof label === 'string' ? `[${label}]` : typeof index === 'number' ? index : `[${index}]`);
}

/**
 * Whether the issue path `path` is `parent` or below it (`groups[web].count` is within `groups[web]`).
 *
 * @internal
 */
export function pathWithin(path: string, parent: string): boolean {
  return path === parent || path.startsWith(`${parent}.`) || path.startsWith(`${parent}[`);
}
