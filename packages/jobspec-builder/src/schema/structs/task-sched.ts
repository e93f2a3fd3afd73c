import { field, struct, t } from '../dsl';

// The job structs of Nomad's api/task_sched.go, in its order.

export const TaskSchedule = struct('TaskSchedule', {
  cron: field(
    'Cron',
    t.struct(() => TaskScheduleCron),
    { hcl: 'cron' },
  ),
});

/** Enterprise: the window in which a task may run (`schedule { cron { ... } }`). */
export const TaskScheduleCron = struct('TaskScheduleCron', {
  start: field('Start', t.string(), { hcl: 'start' }),
  end: field('End', t.string(), { hcl: 'end' }),
  timezone: field('Timezone', t.string(), { hcl: 'timezone' }),
});
