import { field, struct, t } from '../dsl';
import { periodicHooks } from '../hooks';
import { Constraint } from './constraint';
import { Affinity, MigrateStrategy, ReschedulePolicy, Spread, TaskGroup } from './tasks';

// The job structs of Nomad's api/jobs.go, in its order.

export const UpdateStrategy = struct('UpdateStrategy', {
  stagger: field('Stagger', t.duration(), { hcl: 'stagger' }),
  maxParallel: field('MaxParallel', t.int(), { hcl: 'max_parallel' }),
  healthCheck: field('HealthCheck', t.enum('checks', 'task_states', 'manual'), { hcl: 'health_check' }),
  minHealthyTime: field('MinHealthyTime', t.duration(), { hcl: 'min_healthy_time' }),
  healthyDeadline: field('HealthyDeadline', t.duration(), { hcl: 'healthy_deadline' }),
  progressDeadline: field('ProgressDeadline', t.duration(), { hcl: 'progress_deadline' }),
  canary: field('Canary', t.int(), { hcl: 'canary' }),
  autoRevert: field('AutoRevert', t.bool(), { hcl: 'auto_revert' }),
  autoPromote: field('AutoPromote', t.bool(), { hcl: 'auto_promote' }),
});

export const Multiregion = struct('Multiregion', {
  strategy: field(
    'Strategy',
    t.struct(() => MultiregionStrategy),
    { hcl: 'strategy' },
  ),
  regions: field(
    'Regions',
    t.list(() => MultiregionRegion),
    { hcl: 'region' },
  ),
});

export const MultiregionStrategy = struct('MultiregionStrategy', {
  maxParallel: field('MaxParallel', t.int(), { hcl: 'max_parallel' }),
  onFailure: field('OnFailure', t.enum('fail_all', 'fail_local'), { hcl: 'on_failure' }),
});

export const MultiregionRegion = struct('MultiregionRegion', {
  name: field('Name', t.string(), { label: true, required: true }),
  count: field('Count', t.int(), { hcl: 'count' }),
  datacenters: field('Datacenters', t.stringList(), { hcl: 'datacenters' }),
  nodePool: field('NodePool', t.string(), { hcl: 'node_pool' }),
  meta: field('Meta', t.stringMap(), { hcl: 'meta' }),
});

export const PeriodicConfig = struct(
  'PeriodicConfig',
  {
    enabled: field('Enabled', t.bool(), { hcl: 'enabled' }),
    cron: field('Spec', t.string(), { hcl: 'cron' }),
    crons: field('Specs', t.stringList(), { hcl: 'crons' }),
    prohibitOverlap: field('ProhibitOverlap', t.bool(), { hcl: 'prohibit_overlap' }),
    timeZone: field('TimeZone', t.string(), { hcl: 'time_zone' }),
  },
  periodicHooks,
);

export const ParameterizedJobConfig = struct('ParameterizedJobConfig', {
  payload: field('Payload', t.enum('optional', 'required', 'forbidden'), { hcl: 'payload' }),
  metaRequired: field('MetaRequired', t.stringList(), { hcl: 'meta_required' }),
  metaOptional: field('MetaOptional', t.stringList(), { hcl: 'meta_optional' }),
});

export const JobUIConfig = struct('JobUIConfig', {
  description: field('Description', t.string(), { hcl: 'description' }),
  links: field(
    'Links',
    t.list(() => JobUILink),
    { hcl: 'link' },
  ),
});

export const JobUILink = struct('JobUILink', {
  label: field('Label', t.string(), { hcl: 'label' }),
  url: field('URL', t.string(), { hcl: 'url' }),
});

export const JobVersionTag = struct('JobVersionTag', {});

export const Job = struct('Job', {
  region: field('Region', t.string(), { hcl: 'region' }),
  namespace: field('Namespace', t.string(), { hcl: 'namespace' }),
  id: field('ID', t.string(), { label: true, required: true }),
  name: field('Name', t.string(), { hcl: 'name' }),
  type: field('Type', t.enum('service', 'batch', 'system', 'sysbatch'), { hcl: 'type' }),
  priority: field('Priority', t.int({ min: 1, max: 100 }), { hcl: 'priority' }),
  allAtOnce: field('AllAtOnce', t.bool(), { hcl: 'all_at_once' }),
  datacenters: field('Datacenters', t.stringList(), { hcl: 'datacenters' }),
  nodePool: field('NodePool', t.string(), { hcl: 'node_pool' }),
  constraints: field(
    'Constraints',
    t.list(() => Constraint),
    { hcl: 'constraint' },
  ),
  affinities: field(
    'Affinities',
    t.list(() => Affinity),
    { hcl: 'affinity' },
  ),
  groups: field(
    'TaskGroups',
    t.list(() => TaskGroup),
    { hcl: 'group' },
  ),
  update: field(
    'Update',
    t.struct(() => UpdateStrategy),
    { hcl: 'update' },
  ),
  multiregion: field(
    'Multiregion',
    t.struct(() => Multiregion),
    { hcl: 'multiregion' },
  ),
  spreads: field(
    'Spreads',
    t.list(() => Spread),
    { hcl: 'spread' },
  ),
  periodic: field(
    'Periodic',
    t.struct(() => PeriodicConfig),
    { hcl: 'periodic' },
  ),
  parameterized: field(
    'ParameterizedJob',
    t.struct(() => ParameterizedJobConfig),
    { hcl: 'parameterized' },
  ),
  reschedule: field(
    'Reschedule',
    t.struct(() => ReschedulePolicy),
    { hcl: 'reschedule' },
  ),
  migrate: field(
    'Migrate',
    t.struct(() => MigrateStrategy),
    { hcl: 'migrate' },
  ),
  meta: field('Meta', t.stringMap(), { hcl: 'meta' }),
  ui: field(
    'UI',
    t.struct(() => JobUIConfig),
    { hcl: 'ui' },
  ),
});
