import { field, struct, t } from '../dsl';

// The job structs of Nomad's api/scaling.go, in its order.

export const ScalingPolicy = struct('ScalingPolicy', {
  min: field('Min', t.int(), { hcl: 'min' }),
  max: field('Max', t.int(), { hcl: 'max' }),
  policy: field('Policy', t.freeform(), { hcl: 'policy' }),
  enabled: field('Enabled', t.bool(), { hcl: 'enabled' }),
  type: field('Type', t.enum('horizontal', 'vertical_cpu', 'vertical_mem'), { hcl: 'type' }),
});
