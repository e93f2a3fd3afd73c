import { Job } from '../job';
import type { GroupProps, JobProps, TaskProps } from '../model';
import { Size, type SizeLike } from '../values';
import { mergeOverrides } from './merge';

export interface ParameterizedBatchJobOptions {
  /** Job ID, also the group and task name. */
  readonly id: string;
  readonly image: string;
  /** Command and arguments of the container; `${NOMAD_META_x}` reads dispatch meta. @default - the image's entrypoint */
  readonly command?: string;
  readonly args?: readonly string[];
  /** Meta keys every dispatch must set (`nomad job dispatch -meta key=value`). @default - none */
  readonly metaRequired?: readonly string[];
  /** Meta keys a dispatch may set. @default - none */
  readonly metaOptional?: readonly string[];
  /** Whether a dispatch carries a payload. @default 'optional' */
  readonly payload?: 'optional' | 'required' | 'forbidden';
  /** File (in the task's `local/` directory) the payload is written to. @default - not written */
  readonly payloadFile?: string;
  /** @default 1000 */
  readonly cpu?: number;
  /** Memory of the task (this library's `Size` or aws-cdk-lib's). @default Size.gibibytes(1) */
  readonly memory?: Size | SizeLike;
  /** @default ['*'] */
  readonly datacenters?: readonly string[];
  /**
   * Overrides merged deeply into the generated job, group and task: objects key by key at every depth, lists and
   * other values replaced (see the README's "Overriding what a pattern generates").
   * @default - none
   */
  readonly job?: Partial<Omit<JobProps, 'id' | 'groups'>>;
  /** Overrides of the group, merged deeply like `job`. @default - none */
  readonly group?: Partial<Omit<GroupProps, 'name'>>;
  /** Overrides of the task, merged deeply like `job` (`config: { args }` keeps the image). @default - none */
  readonly task?: Partial<Omit<TaskProps, 'name' | 'driver'>>;
}

/**
 * A batch job that runs once per `nomad job dispatch` (or `NomadClient.dispatch`),
 * parameterized by dispatch meta and an optional payload: the shape of ML training runs.
 */
export function parameterizedBatchJob(options: ParameterizedBatchJobOptions): Job {
  const task: TaskProps = mergeOverrides<TaskProps>(
    {
      name: options.id,
      driver: 'docker',
      config: {
        image: options.image,
        ...(options.command ? { command: options.command } : {}),
        ...(options.args ? { args: options.args } : {}),
      },
      resources: { cpu: options.cpu ?? 1000, memory: options.memory ?? Size.gibibytes(1) },
      ...(options.payloadFile ? { dispatchPayload: { file: options.payloadFile } } : {}),
    },
    options.task,
  );
  const job: JobProps = mergeOverrides<JobProps>(
    {
      id: options.id,
      type: 'batch',
      datacenters: options.datacenters ?? ['*'],
      parameterized: {
        payload: options.payload ?? 'optional',
        ...(options.metaRequired ? { metaRequired: options.metaRequired } : {}),
        ...(options.metaOptional ? { metaOptional: options.metaOptional } : {}),
      },
    },
    options.job,
  );
  const group: GroupProps = mergeOverrides<GroupProps>({ name: options.id, count: 1, tasks: [task] }, options.group);
  return new Job({ ...job, groups: [group] });
}
