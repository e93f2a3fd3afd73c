import { field, struct, t } from '../dsl';

// The job structs of Nomad's api/scaling.go, in its order.

export const ScalingPolicy = struct('ScalingPolicy', {
  min: field('Min', t.int(), {
    hcl: 'min',
    doc: 'The lowest count (or resource value) the autoscaler may set.',
    default: '- the group count',
  }),
  max: field('Max', t.int(), { hcl: 'max', doc: 'The highest count (or resource value) the autoscaler may set.' }),
  policy: field('Policy', t.freeform(), {
    hcl: 'policy',
    doc: 'The autoscaler policy; free-form, as the Nomad Autoscaler reads it.',
    default: '- none',
  }),
  enabled: field('Enabled', t.bool(), {
    hcl: 'enabled',
    doc: 'Whether the autoscaler acts on the policy.',
    default: 'true',
  }),
  type: field('Type', t.enum('horizontal', 'vertical_cpu', 'vertical_mem'), {
    hcl: 'type',
    doc: '"horizontal" for a group; "vertical_cpu" or "vertical_mem" for a task.',
    default: '"horizontal"',
  }),
});
