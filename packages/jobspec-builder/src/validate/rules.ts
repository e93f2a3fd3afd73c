import type { JobspecIssue } from '../errors';
import type { GroupProps, JobProps, ResourcesProps, ServiceProps, TaskProps } from '../model';
import { type Duration, validateCron, validateTimeZone } from '../values';

/**
 * The checks Nomad's server runs on a registered job beyond field types, so
 * that a job that validates here is not rejected by `nomad job run`. Each rule
 * cites where Nomad enforces it: `structs.go` is nomad/structs/structs.go.
 * Rules skip values that are HCL expressions: those are only known to Nomad.
 */
export function semanticIssues(job: JobProps): JobspecIssue[] {
  const issues: JobspecIssue[] = [];
  const add = (code: JobspecIssue['code'], path: string, message: string) => issues.push({ code, path, message });
  const type = typeof job.type === 'string' ? job.type : 'service';
  const isBatchLike = type === 'batch' || type === 'sysbatch';

  // structs.go Job.Validate: "Job ID contains a space" / "contains a null character".
  if (typeof job.id === 'string') {
    if (job.id.length === 0) add('required', 'id', 'the job ID is empty: give the job an ID');
    if (/\s/.test(job.id)) add('invalid-value', 'id', `the job ID "${job.id}" contains whitespace: Nomad rejects it`);
    if (job.id.includes('\0')) add('invalid-value', 'id', 'the job ID contains a null character');
  }
  // structs.go Job.Validate: "Missing job task groups".
  if (!job.groups || job.groups.length === 0) add('required', 'groups', 'a job needs at least one group');

  // structs.go Job.Validate: "Periodic can only be used with batch or sysbatch scheduler".
  if (job.periodic && !isBatchLike) {
    add('not-allowed-for-job-type', 'periodic', `periodic needs type "batch" or "sysbatch", received "${type}"`);
  }
  // structs.go Job.Validate: "Parameterized job can only be used with batch or sysbatch scheduler".
  if (job.parameterized && !isBatchLike) {
    add(
      'not-allowed-for-job-type',
      'parameterized',
      `parameterized needs type "batch" or "sysbatch", received "${type}"`,
    );
  }
  // structs.go TaskGroup.Validate: "Job type %q does not allow update block".
  if (job.update && isBatchLike) {
    add('not-allowed-for-job-type', 'update', `a ${type} job has no deployments: remove the update block`);
  }
  // structs.go Job.Validate: "System jobs may not have an affinity block" / "a spread block".
  if (type === 'system' || type === 'sysbatch') {
    if (job.affinities?.length) add('not-allowed-for-job-type', 'affinities', `${type} jobs may not have affinities`);
    if (job.spreads?.length) add('not-allowed-for-job-type', 'spreads', `${type} jobs may not have spreads`);
  }
  if (job.periodic) periodicIssues(job.periodic, add);
  if (job.parameterized) {
    // structs.go ParameterizedJobConfig.Validate: "Job can't have overlapping meta fields".
    const optional = new Set(asStrings(job.parameterized.metaOptional));
    const both = asStrings(job.parameterized.metaRequired).filter((key) => optional.has(key));
    if (both.length > 0) {
      add('conflict', 'parameterized', `meta keys both required and optional: ${both.join(', ')}; list each key once`);
    }
  }
  if (job.update) updateIssues(job.update, 'update', add);
  constraintIssues(job.constraints, 'constraints', add);

  duplicates(job.groups ?? [], (g) => g.name, 'groups', 'group', add);
  for (const group of job.groups ?? []) groupIssues(group, `groups[${String(group.name)}]`, type, add);
  return issues;
}

type Add = (code: JobspecIssue['code'], path: string, message: string) => void;

function groupIssues(group: GroupProps, path: string, jobType: string, add: Add): void {
  const isBatchLike = jobType === 'batch' || jobType === 'sysbatch';
  // structs.go TaskGroup.Validate: "Missing tasks for task group".
  if (!group.tasks || group.tasks.length === 0) add('required', `${path}.tasks`, 'a group needs at least one task');
  if (group.update && isBatchLike) {
    add('not-allowed-for-job-type', `${path}.update`, `a ${jobType} job has no deployments: remove the update block`);
  }
  if (group.update) updateIssues(group.update, `${path}.update`, add);
  // structs.go TaskGroup.Validate: system jobs run one allocation per node.
  if (jobType === 'system' && typeof group.count === 'number' && group.count > 1) {
    add(
      'not-allowed-for-job-type',
      `${path}.count`,
      `a system job runs one allocation per node: count must be 0 or 1, received ${group.count}`,
    );
  }
  // structs.go TaskGroup.Validate + ScalingPolicy.Validate: min <= count <= max.
  const scaling = group.scaling;
  if (scaling && typeof scaling.max === 'number') {
    const min = typeof scaling.min === 'number' ? scaling.min : 0;
    if (min > scaling.max)
      add('out-of-range', `${path}.scaling`, `min (${min}) must not be greater than max (${scaling.max})`);
    if (typeof group.count === 'number' && (group.count < min || group.count > scaling.max)) {
      add(
        'out-of-range',
        `${path}.count`,
        `count ${group.count} is outside the scaling policy's range [${min}, ${scaling.max}]`,
      );
    }
  }
  if (group.restart) restartIssues(group.restart, `${path}.restart`, add);
  constraintIssues(group.constraints, `${path}.constraints`, add);

  const portLabels = new Set<string>();
  for (const network of group.networks ?? [])
    for (const port of network.ports ?? []) portLabels.add(String(port.label));
  // structs.go NetworkResource.Validate / TaskGroup.validateNetworks: "Port label %s already in use".
  group.networks?.forEach((network, i) => {
    duplicates(network.ports ?? [], (p) => p.label, `${path}.networks[${i}].ports`, 'port', add);
  });
  serviceIssues(group.services, `${path}.services`, portLabels, add);

  duplicates(group.tasks ?? [], (t) => t.name, `${path}.tasks`, 'task', add);
  // structs.go TaskGroup.Validate: "Only one task may be marked as leader".
  const leaders = (group.tasks ?? []).filter((task) => task.leader === true);
  if (leaders.length > 1) {
    add(
      'conflict',
      `${path}.tasks`,
      `only one task may be the leader; leaders: ${leaders.map((l) => l.name).join(', ')}`,
    );
  }
  const volumes = new Set(Object.keys(group.volumes ?? {}));
  for (const task of group.tasks ?? []) {
    taskIssues(task, `${path}.tasks[${String(task.name)}]`, portLabels, volumes, add);
  }
}

function taskIssues(task: TaskProps, path: string, groupPorts: Set<string>, volumes: Set<string>, add: Add): void {
  if (task.resources) resourceIssues(task.resources, `${path}.resources`, add);
  if (task.restart) restartIssues(task.restart, `${path}.restart`, add);
  constraintIssues(task.constraints, `${path}.constraints`, add);
  const ports = new Set(groupPorts);
  for (const network of task.resources?.networks ?? [])
    for (const port of network.ports ?? []) ports.add(String(port.label));
  serviceIssues(task.services, `${path}.services`, ports, add);
  // structs.go Task.Validate: "Task has a volume mount referencing undefined volume".
  task.volumeMounts?.forEach((mount, i) => {
    if (typeof mount.volume === 'string' && !volumes.has(mount.volume)) {
      add(
        'undefined-reference',
        `${path}.volumeMounts[${i}].volume`,
        `volume "${mount.volume}" is not defined in the group; defined: ${[...volumes].join(', ') || 'none'}`,
      );
    }
  });
  // structs.go Template.Validate: "Must specify a source path or have an embedded template" / "a destination".
  task.templates?.forEach((template, i) => {
    const at = `${path}.templates[${i}]`;
    if (template.source === undefined && template.data === undefined) {
      add('required', at, 'a template needs `source` or `data`');
    }
    if (template.destination === undefined) add('required', `${at}.destination`, 'a template needs a destination');
    if (template.changeMode === 'signal' && template.changeSignal === undefined) {
      add('required', `${at}.changeSignal`, 'changeMode "signal" needs a changeSignal such as "SIGHUP"');
    }
    if (template.changeMode === 'script' && template.changeScript === undefined) {
      add('required', `${at}.changeScript`, 'changeMode "script" needs a changeScript');
    }
  });
  // structs.go TaskArtifact.Validate: "source must be specified".
  task.artifacts?.forEach((artifact, i) => {
    if (artifact.source === undefined) add('required', `${path}.artifacts[${i}].source`, 'an artifact needs a source');
  });
  // structs.go TaskLifecycleConfig.Validate: a poststop task cannot be a sidecar.
  if (task.lifecycle?.hook === 'poststop' && task.lifecycle.sidecar === true) {
    add('conflict', `${path}.lifecycle`, 'a poststop task cannot be a sidecar');
  }
  durationNotNegative(task.killTimeout, `${path}.killTimeout`, add);
  durationNotNegative(task.shutdownDelay, `${path}.shutdownDelay`, add);
}

function resourceIssues(resources: ResourcesProps, path: string, add: Add): void {
  // structs.go Resources.Validate: "Task can only ask for 'cpu' or 'cores' resource, not both."
  if (resources.cpu !== undefined && resources.cores !== undefined) {
    add('conflict', path, 'ask for `cpu` (MHz) or `cores`, not both');
  }
  // structs.go Resources.MeetsMinResources: "minimum MemoryMB value is 10".
  const memory = resources.memory?.toMebibytes();
  if (memory !== undefined && memory < 10) {
    add('out-of-range', `${path}.memory`, `Nomad's minimum is 10 MiB, received ${memory} MiB`);
  }
  // structs.go Resources.Validate: "MemoryMaxMB value (%d) should be larger than MemoryMB value (%d)".
  const memoryMax = resources.memoryMax?.toMebibytes();
  if (memory !== undefined && memoryMax !== undefined && memoryMax > 0 && memoryMax < memory) {
    add('out-of-range', `${path}.memoryMax`, `memoryMax (${memoryMax} MiB) must be at least memory (${memory} MiB)`);
  }
}

function serviceIssues(
  services: readonly ServiceProps[] | undefined,
  path: string,
  ports: Set<string>,
  add: Add,
): void {
  services?.forEach((service, i) => {
    const at = `${path}[${typeof service.name === 'string' ? service.name : i}]`;
    // structs.go TaskGroup.validateServices: "port label %q referenced by services %v does not exist".
    if (typeof service.port === 'string' && !/^\d+$/.test(service.port) && !ports.has(service.port)) {
      add(
        'undefined-reference',
        `${at}.port`,
        `port "${service.port}" is not a port label of the group's network; defined: ${[...ports].join(', ') || 'none'}`,
      );
    }
    // structs.go Service.Validate: Nomad's own provider supports only http and tcp checks, and no Consul features.
    if (service.provider === 'nomad') {
      for (const consulOnly of [
        'connect',
        'meta',
        'canaryMeta',
        'taggedAddresses',
        'weights',
        'enableTagOverride',
      ] as const) {
        if (service[consulOnly] !== undefined) {
          add(
            'conflict',
            `${at}.${consulOnly}`,
            `${consulOnly} needs provider "consul"; the "nomad" provider has no such feature`,
          );
        }
      }
    }
    service.checks?.forEach((check, j) => {
      const checkAt = `${at}.checks[${typeof check.name === 'string' ? check.name : j}]`;
      if (service.provider === 'nomad' && check.type !== undefined && check.type !== 'http' && check.type !== 'tcp') {
        add(
          'not-allowed-for-job-type',
          `${checkAt}.type`,
          `the "nomad" provider runs http and tcp checks only, received "${String(check.type)}"`,
        );
      }
      // structs.go ServiceCheck.validate: "http type must have http path", "script type must have a valid script path".
      if (check.type === 'http' && check.path === undefined)
        add('required', `${checkAt}.path`, 'an http check needs a path');
      if (check.type === 'script' && check.command === undefined)
        add('required', `${checkAt}.command`, 'a script check needs a command');
      // structs.go ServiceCheck.validate: minCheckInterval and minCheckTimeout are 1s.
      for (const key of ['interval', 'timeout'] as const) {
        const value = check[key];
        if (check.type !== undefined && value === undefined) {
          add('required', `${checkAt}.${key}`, `a check needs an ${key}, e.g. Duration.seconds(10)`);
        } else if (value && value.toNanosBigInt() < 1_000_000_000n) {
          add('out-of-range', `${checkAt}.${key}`, `the minimum ${key} is 1s, received ${value.toGoString()}`);
        }
      }
    });
  });
}

function updateIssues(update: NonNullable<JobProps['update']>, path: string, add: Add): void {
  // structs.go UpdateStrategy.Validate.
  if (typeof update.maxParallel === 'number' && update.maxParallel < 0) {
    add('out-of-range', `${path}.maxParallel`, `must be 0 or more, received ${update.maxParallel}`);
  }
  if (typeof update.canary === 'number' && update.canary < 0)
    add('out-of-range', `${path}.canary`, `must be 0 or more, received ${update.canary}`);
  // bigint: durations past ~104 days exceed a safe JavaScript number.
  const minHealthy = update.minHealthyTime?.toNanosBigInt();
  const healthy = update.healthyDeadline?.toNanosBigInt();
  const progress = update.progressDeadline?.toNanosBigInt();
  if (minHealthy !== undefined && healthy !== undefined && minHealthy >= healthy) {
    add('out-of-range', `${path}.minHealthyTime`, 'minHealthyTime must be less than healthyDeadline');
  }
  if (healthy !== undefined && progress !== undefined && progress !== 0n && healthy >= progress) {
    add(
      'out-of-range',
      `${path}.healthyDeadline`,
      'healthyDeadline must be less than progressDeadline (or progressDeadline 0)',
    );
  }
  if (update.autoPromote === true && (update.canary === undefined || update.canary === 0)) {
    add('conflict', `${path}.autoPromote`, 'autoPromote needs canary > 0');
  }
}

function restartIssues(restart: NonNullable<GroupProps['restart']>, path: string, add: Add): void {
  // structs.go RestartPolicy.Validate: "Nonzero attempts (%d) * delay (%s) must be <= interval (%s)".
  const { attempts, delay, interval } = restart;
  if (
    typeof attempts === 'number' &&
    attempts > 0 &&
    delay &&
    interval &&
    BigInt(attempts) * delay.toNanosBigInt() > interval.toNanosBigInt()
  ) {
    add(
      'out-of-range',
      path,
      `attempts × delay (${attempts} × ${delay.toGoString()}) must not exceed interval (${interval.toGoString()})`,
    );
  }
}

function periodicIssues(periodic: NonNullable<JobProps['periodic']>, add: Add): void {
  // structs.go PeriodicConfig.Validate: "Must specify a spec"; cron parsed with hashicorp/cronexpr.
  const specs = [periodic.cron, ...(Array.isArray(periodic.crons) ? periodic.crons : [])].filter(
    (spec): spec is string => typeof spec === 'string',
  );
  if (periodic.cron === undefined && periodic.crons === undefined) {
    add('required', 'periodic.crons', 'a periodic job needs a cron expression, e.g. crons: ["0 3 * * *"]');
  }
  for (const spec of specs) {
    const problem = validateCron(spec);
    if (problem) add('invalid-cron', 'periodic.crons', `"${spec}": ${problem}`);
  }
  if (typeof periodic.timeZone === 'string') {
    const problem = validateTimeZone(periodic.timeZone);
    if (problem) add('invalid-value', 'periodic.timeZone', problem);
  }
}

function constraintIssues(constraints: JobProps['constraints'] | undefined, path: string, add: Add): void {
  constraints?.forEach((constraint, i) => {
    const at = `${path}[${i}]`;
    const operator = constraint.operator ?? '=';
    // structs.go Constraint.Validate: per-operator requirements.
    if (operator === 'regexp' && typeof constraint.value === 'string') {
      try {
        new RegExp(constraint.value);
      } catch (error) {
        add('invalid-value', `${at}.value`, `not a regular expression: ${(error as Error).message}`);
      }
    }
    if (operator === 'distinct_property' && constraint.attribute === undefined) {
      add('required', `${at}.attribute`, 'distinct_property needs the attribute to keep distinct');
    }
    const needsBoth = !['distinct_hosts', 'distinct_property', 'is_set', 'is_not_set'].includes(String(operator));
    if (needsBoth && (constraint.attribute === undefined || constraint.value === undefined)) {
      add('required', at, `operator "${String(operator)}" compares an attribute with a value: set both`);
    }
  });
}

function duplicates<T>(items: readonly T[], name: (item: T) => unknown, path: string, what: string, add: Add): void {
  const seen = new Set<string>();
  for (const item of items) {
    const value = name(item);
    if (typeof value !== 'string') continue; // an HCL expression: only Nomad knows its value
    // structs.go Job.Validate / TaskGroup.Validate: "redefines '%s' from ...".
    if (seen.has(value))
      add('duplicate-name', `${path}[${value}]`, `the ${what} name "${value}" is used twice: names must be unique`);
    seen.add(value);
  }
}

function durationNotNegative(value: Duration | undefined, path: string, add: Add): void {
  if (value?.isNegative()) add('invalid-duration', path, `must not be negative, received ${value.toGoString()}`);
}

function asStrings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}
