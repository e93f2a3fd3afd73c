import { field, struct, t } from '../dsl';
import { periodicHooks } from '../hooks';
import { Constraint } from './constraint';
import { Affinity, MigrateStrategy, ReschedulePolicy, Spread, TaskGroup } from './task-groups';

// The job structs of Nomad's api/jobs.go, in its order.

export const UpdateStrategy = struct('UpdateStrategy', {
  stagger: field('Stagger', t.duration(), {
    hcl: 'stagger',
    doc: 'Time between migrations of allocations (job-level only).',
    default: '30s',
  }),
  maxParallel: field('MaxParallel', t.int(), {
    hcl: 'max_parallel',
    doc: 'How many allocations are updated at once (0 disables deployments).',
    default: '1',
  }),
  healthCheck: field('HealthCheck', t.enum('checks', 'task_states', 'manual'), {
    hcl: 'health_check',
    doc: 'How allocation health is decided: "checks", "task_states" or "manual".',
    default: '"checks"',
  }),
  minHealthyTime: field('MinHealthyTime', t.duration(), {
    hcl: 'min_healthy_time',
    doc: 'Time an allocation must be healthy before it counts as healthy.',
    default: '10s',
  }),
  healthyDeadline: field('HealthyDeadline', t.duration(), {
    hcl: 'healthy_deadline',
    doc: 'Time an allocation has to become healthy.',
    default: '5m',
  }),
  progressDeadline: field('ProgressDeadline', t.duration(), {
    hcl: 'progress_deadline',
    doc: 'Time a deployment has to make progress (0 disables it).',
    default: '10m',
  }),
  canary: field('Canary', t.int(), {
    hcl: 'canary',
    doc: 'Canaries placed before the old allocations are replaced.',
    default: '0',
  }),
  autoRevert: field('AutoRevert', t.bool(), {
    hcl: 'auto_revert',
    doc: 'Whether a failed deployment reverts to the last stable version.',
    default: 'false',
  }),
  autoPromote: field('AutoPromote', t.bool(), {
    hcl: 'auto_promote',
    doc: 'Whether healthy canaries are promoted automatically.',
    default: 'false',
  }),
});

export const Multiregion = struct('Multiregion', {
  strategy: field(
    'Strategy',
    t.struct(() => MultiregionStrategy),
    { hcl: 'strategy', doc: 'How regions are deployed.', default: '- one at a time' },
  ),
  regions: field(
    'Regions',
    t.list(() => MultiregionRegion),
    { hcl: 'region', doc: 'The regions and their settings.' },
  ),
});

export const MultiregionStrategy = struct('MultiregionStrategy', {
  maxParallel: field('MaxParallel', t.int(), {
    hcl: 'max_parallel',
    doc: 'Regions deployed at once.',
    default: '0 (all)',
  }),
  onFailure: field('OnFailure', t.enum('fail_all', 'fail_local'), {
    hcl: 'on_failure',
    doc: 'What a failure stops: "fail_all" or "fail_local".',
    default: '- the failed region only',
  }),
});

export const MultiregionRegion = struct('MultiregionRegion', {
  name: field('Name', t.string(), { label: true, required: true, doc: 'The region: the label of the `region` block.' }),
  count: field('Count', t.int(), {
    hcl: 'count',
    doc: 'The count of every group in this region.',
    default: '- the group count',
  }),
  datacenters: field('Datacenters', t.stringList(), {
    hcl: 'datacenters',
    doc: 'Datacenters in this region.',
    default: "- the job's",
  }),
  nodePool: field('NodePool', t.string(), {
    hcl: 'node_pool',
    doc: 'The node pool in this region.',
    default: "- the job's",
  }),
  meta: field('Meta', t.stringMap(), { hcl: 'meta', doc: 'Metadata in this region.', default: '- none' }),
});

export const PeriodicConfig = struct(
  'PeriodicConfig',
  {
    enabled: field('Enabled', t.bool(), { hcl: 'enabled', doc: 'Whether the schedule is active.', default: 'true' }),
    cron: field('Spec', t.string(), {
      hcl: 'cron',
      doc: 'Deprecated by crons: one cron expression.',
      default: '- none',
    }),
    crons: field('Specs', t.stringList(), { hcl: 'crons', doc: 'Cron expressions of the launches.' }),
    prohibitOverlap: field('ProhibitOverlap', t.bool(), {
      hcl: 'prohibit_overlap',
      doc: 'Whether a launch waits for the previous one to finish.',
      default: 'false',
    }),
    timeZone: field('TimeZone', t.string(), {
      hcl: 'time_zone',
      doc: 'The time zone of the expressions.',
      default: '"UTC"',
    }),
  },
  periodicHooks,
);

export const ParameterizedJobConfig = struct('ParameterizedJobConfig', {
  payload: field('Payload', t.enum('optional', 'required', 'forbidden'), {
    hcl: 'payload',
    doc: 'Whether a dispatch has a payload: "optional", "required" or "forbidden".',
    default: '"optional"',
  }),
  metaRequired: field('MetaRequired', t.stringList(), {
    hcl: 'meta_required',
    doc: 'Meta keys every dispatch must set.',
    default: '- none',
  }),
  metaOptional: field('MetaOptional', t.stringList(), {
    hcl: 'meta_optional',
    doc: 'Meta keys a dispatch may set.',
    default: '- none',
  }),
});

export const JobUIConfig = struct('JobUIConfig', {
  description: field('Description', t.string(), {
    hcl: 'description',
    doc: 'Markdown description shown in the UI (up to 1000 bytes).',
    default: '- none',
  }),
  links: field(
    'Links',
    t.list(() => JobUILink),
    { hcl: 'link', doc: 'Links shown in the UI.', default: '- none' },
  ),
});

export const JobUILink = struct('JobUILink', {
  label: field('Label', t.string(), { hcl: 'label', doc: 'The link text.' }),
  url: field('URL', t.string(), { hcl: 'url', doc: 'The link URL.' }),
});

export const JobVersionTag = struct('JobVersionTag', {});

export const Job = struct('Job', {
  region: field('Region', t.string(), { hcl: 'region', doc: 'The region to run the job in.', default: '"global"' }),
  namespace: field('Namespace', t.string(), {
    hcl: 'namespace',
    doc: 'The namespace the job is registered in.',
    default: '"default"',
  }),
  id: field('ID', t.string(), {
    label: true,
    required: true,
    doc: 'The job ID, unique in its namespace: the label of the `job` block.',
  }),
  name: field('Name', t.string(), { hcl: 'name', doc: 'The display name of the job.', default: '- the job ID' }),
  type: field('Type', t.enum('service', 'batch', 'system', 'sysbatch'), {
    hcl: 'type',
    doc: 'The scheduler: "service", "batch", "system" or "sysbatch".',
    default: '"service"',
  }),
  priority: field('Priority', t.int({ min: 1, max: 100 }), {
    hcl: 'priority',
    doc: 'The job priority, 1 to 100: higher-priority jobs are placed first and may preempt lower ones.',
    default: '50',
  }),
  allAtOnce: field('AllAtOnce', t.bool(), {
    hcl: 'all_at_once',
    doc: 'Whether the scheduler places all allocations at once or may place some before others.',
    default: 'false',
  }),
  datacenters: field('Datacenters', t.stringList(), {
    hcl: 'datacenters',
    doc: 'The datacenters the job may run in; wildcards such as "*" or "us-*" are allowed.',
    default: '["*"]',
  }),
  nodePool: field('NodePool', t.string(), {
    hcl: 'node_pool',
    doc: 'The node pool the job runs in.',
    default: '"default"',
  }),
  constraints: field(
    'Constraints',
    t.list(() => Constraint),
    { hcl: 'constraint', doc: 'Constraints every node must satisfy for the job.', default: '- none' },
  ),
  affinities: field(
    'Affinities',
    t.list(() => Affinity),
    { hcl: 'affinity', doc: 'Node preferences for the job.', default: '- none' },
  ),
  groups: field(
    'TaskGroups',
    t.list(() => TaskGroup),
    { hcl: 'group', doc: 'The task groups of the job; a job needs at least one.' },
  ),
  update: field(
    'Update',
    t.struct(() => UpdateStrategy),
    {
      hcl: 'update',
      doc: 'The update strategy of every group (rolling updates, canaries).',
      default: "- Nomad's default strategy for service jobs",
    },
  ),
  multiregion: field(
    'Multiregion',
    t.struct(() => Multiregion),
    { hcl: 'multiregion', doc: 'Enterprise: how the job is deployed across regions.', default: '- one region' },
  ),
  spreads: field(
    'Spreads',
    t.list(() => Spread),
    { hcl: 'spread', doc: 'How allocations are spread over a node attribute.', default: '- none' },
  ),
  periodic: field(
    'Periodic',
    t.struct(() => PeriodicConfig),
    { hcl: 'periodic', doc: 'Runs the (batch) job on a cron schedule.', default: '- not periodic' },
  ),
  parameterized: field(
    'ParameterizedJob',
    t.struct(() => ParameterizedJobConfig),
    {
      hcl: 'parameterized',
      doc: 'Makes the (batch) job a template run by `nomad job dispatch`.',
      default: '- not parameterized',
    },
  ),
  reschedule: field(
    'Reschedule',
    t.struct(() => ReschedulePolicy),
    { hcl: 'reschedule', doc: 'How failed allocations of every group are rescheduled.', default: '- by job type' },
  ),
  migrate: field(
    'Migrate',
    t.struct(() => MigrateStrategy),
    {
      hcl: 'migrate',
      doc: 'How allocations move off draining nodes (service jobs).',
      default: '- one at a time, on check health',
    },
  ),
  meta: field('Meta', t.stringMap(), {
    hcl: 'meta',
    doc: 'User metadata, available to tasks as NOMAD_META_<key>.',
    default: '- none',
  }),
  ui: field(
    'UI',
    t.struct(() => JobUIConfig),
    { hcl: 'ui', doc: 'A description and links shown in the Nomad UI.', default: '- none' },
  ),
});
