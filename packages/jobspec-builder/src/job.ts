import { JobspecError, type JobspecIssue, pathWithin } from './errors';
import { attribute, block, type HclBlock, HclError, HclExpression, type HclValue, renderHcl } from './hcl';
import type { JobProps } from './model';
import { encodeStruct, readApiJob } from './render/api-json';
import { structBody } from './render/hcl';
import type { ResolvedPropsOf } from './schema/dsl';
import { resolveUnits } from './schema/resolve-units';
import * as S from './schema/structs';
import { toJobspecIssues } from './validate/issues';
import { locateIssues, sourceOf } from './validate/locate';
import { semanticIssues } from './validate/rules';
import { withoutInvalidFields } from './validate/sanitize';
import { structSchema } from './validate/zod-schema';

type ResolvedJobProps = ResolvedPropsOf<typeof S.Job>;

/** The body of `POST /v1/jobs` (and `nomad job run -json` input). */
export interface JobRegisterRequest {
  readonly Job: Record<string, unknown>;
}

/** An input variable of a rendered jobspec, set with `nomad job run -var name=value`. */
export class Variable {
  constructor(
    readonly name: string,
    readonly options: {
      /** HCL type constraint, e.g. `string`, `number`, `list(string)`. @default - any type */
      readonly type?: string;
      readonly default?: HclValue;
      readonly description?: string;
    } = {},
  ) {}

  /** The expression `var.<name>`, to use as a value anywhere in the job. */
  get ref(): HclExpression {
    return HclExpression.of(`var.${this.name}`);
  }

  toHclBlock(): HclBlock {
    return block(
      'variable',
      [this.name],
      [
        ...(this.options.type ? [attribute('type', HclExpression.of(this.options.type))] : []),
        ...(this.options.description !== undefined ? [attribute('description', this.options.description)] : []),
        ...(this.options.default !== undefined ? [attribute('default', this.options.default)] : []),
      ],
    );
  }
}

export interface RenderOptions {
  /**
   * Validate first and throw a {@link JobspecError} listing every problem. Turn it off to
   * convert a job as Nomad's parser would (`nomad job run -output`), leaving the server's
   * checks to the server. @default true
   */
  readonly validate?: boolean;
}

export interface ToHclOptions extends RenderOptions {
  /** `variable` blocks written before the job, for `-var` at run time. @default - none */
  readonly variables?: readonly Variable[];
}

/**
 * A Nomad job. Holds typed props, validates them the way Nomad's server would,
 * and renders the HCL jobspec (`nomad job run`) or the API JSON (`POST /v1/jobs`).
 *
 * @example
 * const job = new Job({ id: 'web', groups: [{ name: 'web', tasks: [{ name: 'app', driver: 'docker', config: { image: 'nginx:1.27' } }] }] });
 * job.toHcl();
 */
export class Job {
  /**
   * Reads an API JSON job: `{"Job": {...}}` or the bare job object, as `GET /v1/job/:id` returns it.
   *
   * @throws JobspecError listing every field that cannot be read (a wrong type, with its path), or for invalid JSON
   */
  static fromApiJson(json: unknown): Job {
    let object = json;
    if (typeof json === 'string') {
      try {
        object = JSON.parse(json) as unknown;
      } catch (error) {
        throw new JobspecError([
          { code: 'syntax-error', path: '', message: `invalid JSON: ${(error as Error).message}` },
        ]);
      }
    }
    const { props, issues } = readApiJob(object);
    if (!props || issues.length > 0) throw new JobspecError(issues);
    return new Job(props as unknown as JobProps);
  }

  /** The job's props; durations and sizes given as aws-cdk-lib's are held as this library's own. */
  readonly props: JobProps;

  constructor(props: JobProps) {
    this.props = resolveUnits(S.Job, asRecord(props)) as unknown as JobProps;
  }

  /**
   * Every problem Nomad would reject this job for, or an empty list: the fields of the wrong type or out of range,
   * and Nomad's rules checked on the rest of the job, all in one list. A job read from HCL has each problem's
   * `file:line:column` and its path in HCL names.
   */
  validate(): JobspecIssue[] {
    const parsed = structSchema(S.Job).safeParse(this.props);
    let issues: JobspecIssue[];
    if (parsed.success) {
      issues = semanticIssues(this.props as ResolvedJobProps);
    } else {
      const schemaIssues = toJobspecIssues(parsed.error.issues, S.Job, this.props);
      // Nomad's rules run on the job without the fields that failed, so that no problem hides another.
      const rest = semanticIssues(withoutInvalidFields(this.props, parsed.error.issues) as ResolvedJobProps);
      const reported = schemaIssues.map((issue) => issue.path);
      issues = [...schemaIssues, ...rest.filter((issue) => !reported.some((path) => pathWithin(issue.path, path)))];
    }
    return locateIssues(sourceOf(this), issues);
  }

  /** Throws a {@link JobspecError} listing every problem, if there is any. */
  assertValid(): void {
    const issues = this.validate();
    if (issues.length > 0) throw new JobspecError(issues);
  }

  /** The `{"Job": {...}}` body for `POST /v1/jobs`: Go field names, durations in nanoseconds. */
  toApiJson(options: RenderOptions = {}): JobRegisterRequest {
    if (options.validate ?? true) this.assertValid();
    const api = encodeStruct(S.Job, asRecord(this.props), '');
    return { Job: { ID: api.ID, Name: this.props.name ?? api.ID, ...api } };
  }

  /** The jobspec in canonical HCL2, as `nomad fmt` formats it. */
  toHcl(options: ToHclOptions = {}): string {
    if (options.validate ?? true) this.assertValid();
    try {
      const job = block('job', [String(this.props.id)], structBody(S.Job, asRecord(this.props), ''));
      return renderHcl([...(options.variables ?? []).map((v) => v.toHclBlock()), job]);
    } catch (error) {
      // What validation lets through but HCL cannot hold (a `raw.hcl` name that is not an
      // identifier, a string with a lone surrogate) is reported like every other problem.
      if (error instanceof HclError) {
        throw new JobspecError([{ code: 'not-renderable', path: error.path, message: error.message }]);
      }
      throw error;
    }
  }
}

/** The props as the schema-driven codecs walk them: a record of fields. */
function asRecord(props: JobProps): Readonly<Record<string, unknown>> {
  return props as unknown as Readonly<Record<string, unknown>>;
}
