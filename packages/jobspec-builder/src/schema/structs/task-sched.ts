import { field, struct, t } from '../dsl';

// The job structs of Nomad's api/task_sched.go, in its order.

export const TaskSchedule = struct('TaskSchedule', {
  cron: field(
    'Cron',
    t.struct(() => TaskScheduleCron),
    { hcl: 'cron', doc: 'Enterprise: the window, as cron expressions.' },
  ),
});

/** Enterprise: the window in which a task may run (`schedule { cron { ... } }`). */
export const TaskScheduleCron = struct('TaskScheduleCron', {
  start: field('Start', t.string(), { hcl: 'start', doc: 'Cron expression of the start of the window.' }),
  end: field('End', t.string(), { hcl: 'end', doc: 'Cron expression (minute and hour) of the end of the window.' }),
  timezone: field('Timezone', t.string(), {
    hcl: 'timezone',
    doc: 'The time zone of the expressions.',
    default: '"UTC"',
  }),
});
