import { Job, type TaskProps } from '@org/jobspec-builder';
import { NomadError } from '../../errors';

/** Options of {@link withPushgatewayUrl}. */
export interface PushgatewayUrlOptions {
  /**
   * The Pushgateway's Nomad service name.
   *
   * @default 'pushgateway'
   */
  readonly service?: string;
  /**
   * The environment variable the tasks read the URL from.
   *
   * @default 'PUSHGATEWAY_URL'
   */
  readonly variable?: string;
  /**
   * The tasks that get it.
   *
   * @default - every task of every group
   */
  readonly tasks?: readonly string[];
}

/**
 * The job, with the Pushgateway's URL (`http://<address>:<port>`, from Nomad's service catalog) in
 * an environment variable of its tasks: a template block rendered when the task starts, with the
 * task's workload identity (whose implicit policy reads service registrations). A batch job such as
 * the trainer pushes its final metrics there; a task started while no Pushgateway is registered gets
 * no variable and pushes nothing. The variable is read at start only (`change_mode = "noop"`), so a
 * Pushgateway that moves never restarts a running task.
 */
export function withPushgatewayUrl(job: Job, options: PushgatewayUrlOptions = {}): Job {
  const service = options.service ?? 'pushgateway';
  const variable = options.variable ?? 'PUSHGATEWAY_URL';
  if (!/^[a-zA-Z0-9-]+$/.test(service)) {
    throw new NomadError(
      'invalid-prop',
      'withPushgatewayUrl.service',
      `expected a Nomad service name (letters, digits and "-"), received ${JSON.stringify(service)}.`,
    );
  }
  if (!/^[A-Z_][A-Z0-9_]*$/.test(variable)) {
    throw new NomadError(
      'invalid-prop',
      'withPushgatewayUrl.variable',
      `expected an environment variable name such as PUSHGATEWAY_URL, received ${JSON.stringify(variable)}.`,
    );
  }
  const wanted = options.tasks === undefined ? undefined : new Set(options.tasks);
  let matched = 0;
  const withTemplate = (task: TaskProps): TaskProps => {
    if (wanted !== undefined && !wanted.has(String(task.name))) {
      return task;
    }
    matched++;
    return {
      ...task,
      templates: [
        ...(task.templates ?? []),
        {
          destination: 'local/pushgateway.env',
          data: `{{ range nomadService "${service}" }}${variable}=http://{{ .Address }}:{{ .Port }}\n{{ end }}`,
          env: true,
          changeMode: 'noop',
        },
      ],
    };
  };
  const groups = (job.props.groups ?? []).map((group) => ({ ...group, tasks: (group.tasks ?? []).map(withTemplate) }));
  if (wanted !== undefined && matched < wanted.size) {
    throw new NomadError(
      'invalid-prop',
      'withPushgatewayUrl.tasks',
      `expected names of tasks of job ${String(job.props.id)}, received ${JSON.stringify([...wanted])}; the job has ${JSON.stringify(
        (job.props.groups ?? []).flatMap((group) => (group.tasks ?? []).map((task) => task.name)),
      )}.`,
    );
  }
  return new Job({ ...job.props, groups });
}
