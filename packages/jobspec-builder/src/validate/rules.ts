import type { JobspecIssue } from '../errors';
import type {
  AffinityProps,
  CheckProps,
  ConstraintProps,
  GroupProps,
  JobProps,
  NetworkProps,
  ResourcesProps,
  ServiceProps,
  SpreadProps,
  TaskProps,
  TemplateProps,
} from '../model';
import { Duration, validateCron, validateTimeZone } from '../values';

/**
 * The checks Nomad runs when it registers a job, beyond field types, so that a job that validates here is not
 * rejected by `nomad job run` (and, for group service ports, does not fail when its allocation starts).
 *
 * Sources, checked against Nomad 1.10/1.11 (main of 2025, structs.go at 732eebf): `structs.go` is nomad/structs/structs.go,
 * `services.go` nomad/structs/services.go, `constraint.go` nomad/structs/constraint.go, `volumes.go`
 * nomad/structs/volumes.go. Each rule quotes the message Nomad returns. Before validating, Nomad fills defaults
 * (api/jobs.go `(*Job).Canonicalize`, api/tasks.go `(*TaskGroup).Canonicalize` and `NewDefaultReschedulePolicy`):
 * rules on `update`, `migrate`, `restart` and `reschedule` therefore check the job-level block merged with the
 * group's over Nomad's defaults, and say which values are defaults.
 *
 * Enforced by the schema (src/schema/structs.ts, zod) instead of here: field types, enums (job type, lifecycle
 * hook "invalid hook", constraint/affinity operators "Unknown constraint type", restart mode, reschedule
 * delay_function, check/service address_mode, on_update, template change_mode, artifact mode), group
 * `count >= 0` ("Task group count can't be negative"), `cpu >= 1` and `cores >= 1` (`Resources.MeetsMinResources`
 * "minimum CPU value is 1"), job `priority` 1-100 (nomad/job_endpoint_hooks.go `jobValidate`, with the default
 * `job_max_priority`), port `static`/`to` ranges (`TaskGroup.validateNetworks`), affinity weight -100..100.
 *
 * Codes: `required` a value Nomad needs is missing or empty; `invalid-value` Nomad rejects the value or does not
 * allow it in this place; `out-of-range` a number or size outside Nomad's bounds; `invalid-duration` a duration
 * outside them; `invalid-cron` a cron spec; `duplicate-name` something that must be unique is not;
 * `undefined-reference` a reference to a port, volume, task or device that is not defined; `not-allowed-for-job-type`
 * a block or value the job type forbids; `conflict` settings that contradict each other.
 *
 * Values that are HCL expressions are skipped: only Nomad knows them.
 */
export function semanticIssues(job: JobProps): JobspecIssue[] {
  const issues: JobspecIssue[] = [];
  const seen = new Set<string>();
  const add: Add = (code, path, message) => {
    // The same problem can surface twice (a job-level update merged into each group): report it once.
    const key = `${code}\0${path}\0${message}`;
    if (seen.has(key)) return;
    seen.add(key);
    issues.push({ code, path, message });
  };
  const type = job.type === undefined ? 'service' : str(job.type);
  const ctx: JobContext = { job, type, add };

  jobIssues(ctx);
  const groups = job.groups ?? [];
  duplicates(
    groups,
    (g) => g.name,
    'groups',
    add,
    (name, first, second) => {
      // structs.go (*Job).Validate: "Job task group %d redefines '%s' from group %d".
      return `group ${second} redefines the name ${q(name)} of group ${first}: group names must be unique in a job`;
    },
  );
  groups.forEach((group, i) => {
    groupIssues(ctx, group, itemPath('groups', group.name, i));
  });
  return issues;
}

type Add = (code: JobspecIssue['code'], path: string, message: string) => void;

interface JobContext {
  readonly job: JobProps;
  /** The job type, `undefined` when it is an HCL expression. */
  readonly type: string | undefined;
  readonly add: Add;
}

interface GroupContext extends JobContext {
  readonly group: GroupProps;
  readonly path: string;
}

const SECOND = 1_000_000_000n;

// ---------------------------------------------------------------------------------------------------------------
// Job

function jobIssues(ctx: JobContext): void {
  const { job, type, add } = ctx;

  // structs.go (*Job).Validate: "Missing job ID" / "Job ID contains a space" / "Job ID contains a null character".
  const id = str(job.id);
  if (id === '') add('required', 'id', 'the job ID is empty: give the job an ID such as "web"');
  else if (id?.includes(' ')) {
    add('invalid-value', 'id', `the job ID contains a space: received ${q(id)}; use "-" or "_" instead`);
  } else if (id?.includes('\0')) {
    add('invalid-value', 'id', `the job ID contains a null character: received ${q(id)}; remove it`);
  }
  // structs.go (*Job).Validate: "Job Name contains a null character".
  const name = str(job.name);
  if (name?.includes('\0')) {
    add('invalid-value', 'name', `the job name contains a null character: received ${q(name)}; remove it`);
  }
  // structs.go (*Job).Validate: "Job datacenter must be non-empty string".
  asList(job.datacenters).forEach((dc, i) => {
    if (dc === '') {
      add(
        'invalid-value',
        `datacenters[${i}]`,
        'a datacenter is the empty string: name one, e.g. "dc1", or "*" for all',
      );
    }
  });
  // structs.go (*Job).Validate: "Missing job task groups".
  if (!job.groups || job.groups.length === 0) {
    add('required', 'groups', 'the job has no groups: add at least one group with a task');
  }
  // structs.go (*Job).Validate: "UI description must be under 1000 characters, currently %d" (Go counts bytes).
  const description = str(job.ui?.description);
  if (description !== undefined && utf8Length(description) > 1000) {
    add(
      'out-of-range',
      'ui.description',
      `the UI description is too long: received ${utf8Length(description)} bytes, allowed at most 1000`,
    );
  }

  // structs.go (*Job).Validate: "System jobs may not have an affinity block" / "a spread block" (system only:
  // sysbatch jobs may have both).
  if (type === 'system') {
    if (job.affinities?.length) {
      add(
        'not-allowed-for-job-type',
        'affinities',
        'a system job runs on every node, so it may not have affinities: remove them',
      );
    }
    if (job.spreads?.length) {
      add(
        'not-allowed-for-job-type',
        'spreads',
        'a system job runs on every node, so it may not have spreads: remove them',
      );
    }
  } else {
    affinityIssues(job.affinities, 'affinities', add);
    spreadIssues(job.spreads, 'spreads', add);
  }
  constraintIssues(job.constraints, 'constraints', 'job', add);

  // structs.go (*Job).Validate: "Periodic can only be used with %q or %q scheduler" (batch, sysbatch); checked, with
  // (*PeriodicConfig).Validate, only when the periodic block is enabled (api default: enabled).
  const periodic = job.periodic;
  const periodicEnabled = periodic !== undefined && (periodic.enabled === undefined || periodic.enabled === true);
  if (periodicEnabled && type !== undefined && !isBatchLike(type)) {
    add(
      'not-allowed-for-job-type',
      'periodic',
      `periodic needs type "batch" or "sysbatch": received type ${q(type)}; change the type or remove the periodic block`,
    );
  }
  if (periodic && periodicEnabled) periodicIssues(periodic, add);

  // structs.go (*Job).Validate: "Parameterized job can only be used with %q or %q scheduler".
  if (job.parameterized) {
    if (type !== undefined && !isBatchLike(type)) {
      add(
        'not-allowed-for-job-type',
        'parameterized',
        `parameterized needs type "batch" or "sysbatch": received type ${q(type)}; change the type or remove the block`,
      );
    }
    // structs.go (*ParameterizedJobConfig).Validate: "Required and optional meta keys should be disjoint.
    // Following keys exist in both: %v".
    const optional = new Set(asList(job.parameterized.metaOptional));
    const both = asList(job.parameterized.metaRequired).filter((key) => optional.has(key));
    if (both.length > 0) {
      add(
        'conflict',
        'parameterized.metaOptional',
        `meta keys are both required and optional: received ${both.map(q).join(', ')}; list each key in one of metaRequired or metaOptional`,
      );
    }
  }

  // structs.go (*TaskGroup).Validate: "Job type %q does not allow update block"; the job-level block is copied into
  // every group (api/tasks.go (*TaskGroup).Canonicalize), so report it once here.
  if (job.update && type !== undefined && !allowsUpdate(type)) {
    add(
      'not-allowed-for-job-type',
      'update',
      `a ${type} job has no deployments, so it does not allow an update block: remove it (allowed for service and system jobs)`,
    );
  }

  // structs.go (*TaskGroup).Validate: "Job type %q does not allow migrate block" (service only).
  if (job.migrate && type !== undefined && type !== 'service') {
    add(
      'not-allowed-for-job-type',
      'migrate',
      `a ${type} job does not allow a migrate block: remove it (allowed for service jobs)`,
    );
  }

  // structs.go (*TaskGroup).Validate: "System or sysbatch jobs should not have a reschedule policy".
  if (job.reschedule && type !== undefined && !allowsReschedule(type)) {
    add(
      'not-allowed-for-job-type',
      'reschedule',
      `a ${type} job is never rescheduled, so it may not have a reschedule block: remove it`,
    );
  }
  // The values of the job-level update, migrate and reschedule blocks are checked in each group, merged with the
  // group's own block, as Nomad checks them (issues about a job-level value are reported once, at its path).
}

function periodicIssues(periodic: NonNullable<JobProps['periodic']>, add: Add): void {
  const crons = periodic.crons;
  const cronsSet = crons !== undefined && (!Array.isArray(crons) || crons.length > 0);
  // structs.go (*PeriodicConfig).Validate: "Only cron or crons may be used" / "Must specify a spec".
  if (periodic.cron !== undefined && cronsSet) {
    add('conflict', 'periodic', 'both cron and crons are set: keep one (crons takes a list of specs)');
  } else if (periodic.cron === undefined && !cronsSet) {
    add('required', 'periodic.crons', 'a periodic job needs a schedule: set crons, e.g. crons: ["0 3 * * *"]');
  }
  // structs.go (*PeriodicConfig).Validate: "Invalid cron spec %q: %v" (github.com/hashicorp/cronexpr Parse).
  const cron = str(periodic.cron);
  if (cron !== undefined) {
    const problem = validateCron(cron);
    if (problem) add('invalid-cron', 'periodic.cron', problem);
  }
  if (Array.isArray(crons)) {
    crons.forEach((spec, i) => {
      if (typeof spec !== 'string') return;
      const problem = validateCron(spec);
      if (problem) add('invalid-cron', `periodic.crons[${i}]`, problem);
    });
  }
  // structs.go (*PeriodicConfig).Validate: "Invalid time zone %q: %v" (time.LoadLocation; "" is UTC).
  const timeZone = str(periodic.timeZone);
  if (timeZone) {
    const problem = validateTimeZone(timeZone);
    if (problem) add('invalid-value', 'periodic.timeZone', problem);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Group

function groupIssues(jobCtx: JobContext, group: GroupProps, path: string): void {
  const ctx: GroupContext = { ...jobCtx, group, path };
  const { job, type, add } = ctx;

  // structs.go (*TaskGroup).Validate: "Task group name contains null character".
  const name = str(group.name);
  if (name?.includes('\0')) {
    add('invalid-value', `${path}.name`, `the group name contains a null character: received ${q(name)}; remove it`);
  }
  // structs.go (*TaskGroup).Validate: "Missing tasks for task group" (checked after nomad/job_endpoint_hook_connect.go
  // has added the sidecar or gateway task of each Connect group service: "could be a lone consul gateway").
  const connectAddsTask = (group.services ?? []).some(
    (s) => s.connect?.sidecarService !== undefined || s.connect?.gateway !== undefined,
  );
  if ((!group.tasks || group.tasks.length === 0) && !connectAddsTask) {
    add('required', `${path}.tasks`, 'the group has no tasks: add at least one task');
  }
  // structs.go (*Job).Validate: "Job task group %s has count %d. Count cannot exceed 1 with system scheduler".
  const count = num(group.count);
  if (type === 'system' && count !== undefined && count > 1) {
    add(
      'not-allowed-for-job-type',
      `${path}.count`,
      `a system job runs one allocation per node: received count ${count}, allowed 0 or 1`,
    );
  }
  // structs.go (*Job).Validate: "ShutdownDelay must be a positive value".
  negativeDuration(group.shutdownDelay, `${path}.shutdownDelay`, 'shutdownDelay', add);

  constraintIssues(group.constraints, `${path}.constraints`, 'group', add);
  // structs.go (*TaskGroup).Validate: "System jobs may not have an affinity block" / "a spread block".
  if (type === 'system') {
    if (group.affinities?.length) {
      add('not-allowed-for-job-type', `${path}.affinities`, 'a system job may not have affinities: remove them');
    }
    if (group.spreads?.length) {
      add('not-allowed-for-job-type', `${path}.spreads`, 'a system job may not have spreads: remove them');
    }
  } else {
    affinityIssues(group.affinities, `${path}.affinities`, add);
    spreadIssues(group.spreads, `${path}.spreads`, add);
  }

  // structs.go (*TaskGroup).Validate -> (*RestartPolicy).Validate, on the group policy merged over the job type's
  // defaults (api/tasks.go (*TaskGroup).Canonicalize). Task-level restart blocks are not validated by Nomad.
  if (group.restart && type !== undefined) {
    restartIssues(
      effective(restartDefaults(type), { props: group.restart, path: `${path}.restart` }),
      `${path}.restart`,
      add,
    );
  }

  // structs.go (*TaskGroup).Validate: "System or sysbatch jobs should not have a reschedule policy", else
  // (*ReschedulePolicy).Validate on job-level merged with group-level merged over the type's defaults.
  if (group.reschedule && type !== undefined && !allowsReschedule(type)) {
    add(
      'not-allowed-for-job-type',
      `${path}.reschedule`,
      `a ${type} job is never rescheduled, so it may not have a reschedule block: remove it`,
    );
  }
  if ((group.reschedule || job.reschedule) && type !== undefined && allowsReschedule(type)) {
    const policy = effective(
      rescheduleDefaults(type),
      { props: job.reschedule, path: 'reschedule' },
      { props: group.reschedule, path: `${path}.reschedule` },
    );
    rescheduleIssues(policy, `${path}.reschedule`, add);
  }

  // structs.go (*EphemeralDisk).Validate: "minimum DiskMB value is 10; got %d".
  const disk = group.ephemeralDisk?.size?.toMebibytes();
  if (disk !== undefined && disk < 10) {
    add(
      'out-of-range',
      `${path}.ephemeralDisk.size`,
      `the ephemeral disk is too small: received ${disk} MiB, allowed 10 MiB or more`,
    );
  }

  // structs.go (*TaskGroup).Validate: "Job type %q does not allow update block", then (*UpdateStrategy).Validate.
  if (group.update && type !== undefined && !allowsUpdate(type)) {
    add(
      'not-allowed-for-job-type',
      `${path}.update`,
      `a ${type} job has no deployments, so it does not allow an update block: remove it (allowed for service and system jobs)`,
    );
  }
  if (group.update || job.update) updateIssues(groupUpdate(ctx), `${path}.update`, add);

  // structs.go (*TaskGroup).Validate: "Job type %q does not allow migrate block", then (*MigrateStrategy).Validate.
  if (group.migrate && type !== undefined && type !== 'service') {
    add(
      'not-allowed-for-job-type',
      `${path}.migrate`,
      `a ${type} job does not allow a migrate block: remove it (allowed for service jobs)`,
    );
  }
  if ((group.migrate || job.migrate) && type === 'service') {
    const migrate = effective(
      MIGRATE_DEFAULTS,
      { props: job.migrate, path: 'migrate' },
      { props: group.migrate, path: `${path}.migrate` },
    );
    migrateIssues(migrate, `${path}.migrate`, add);
  }

  const tasks = group.tasks ?? [];
  duplicates(
    tasks,
    (t) => t.name,
    `${path}.tasks`,
    add,
    (taskName, first, second) => {
      // structs.go (*TaskGroup).Validate: "Task %d redefines '%s' from task %d".
      return `task ${second} redefines the name ${q(taskName)} of task ${first}: task names must be unique in a group`;
    },
  );
  // structs.go (*TaskGroup).Validate: "Only one task may be marked as leader".
  const leaders = tasks.filter((task) => task.leader === true);
  if (leaders.length > 1) {
    add(
      'conflict',
      `${path}.tasks`,
      `only one task may be the leader: received ${leaders.length} leaders (${leaders.map((l) => q(labelOf(l.name))).join(', ')}); keep leader: true on one`,
    );
  }

  volumeIssues(ctx);
  networkIssues(ctx);
  groupServiceIssues(ctx);
  scalingIssues(ctx);

  tasks.forEach((task, i) => {
    taskIssues(ctx, task, itemPath(`${path}.tasks`, task.name, i));
  });
}

/** The group's update block as Nomad validates it: defaults, then the job's block, then the group's. */
function groupUpdate(ctx: GroupContext): Settings {
  return effective(
    UPDATE_DEFAULTS,
    { props: ctx.job.update, path: 'update' },
    { props: ctx.group.update, path: `${ctx.path}.update` },
  );
}

function scalingIssues(ctx: GroupContext): void {
  const { group, path, add, job } = ctx;
  const scaling = group.scaling;
  if (!scaling) return;
  const at = `${path}.scaling`;
  // api/tasks.go (*TaskGroup).Canonicalize: count defaults to scaling.min, then 1; command/agent/scaling_endpoint.go
  // ApiScalingPolicyToStructs: min defaults to the count, an unset max becomes -1 ("catch this in Validate").
  if (group.count !== undefined && typeof group.count !== 'number') return;
  if (scaling.min !== undefined && typeof scaling.min !== 'number') return;
  if (scaling.max !== undefined && typeof scaling.max !== 'number') return;
  const count = group.count ?? scaling.min ?? 1;
  const min = scaling.min ?? count;
  const max = scaling.max;
  // structs.go (*ScalingPolicy).Validate: "maximum count must be specified and non-negative" /
  // "maximum count must not be less than minimum count" / "minimum count must be specified and non-negative".
  if (max === undefined) {
    add('required', `${at}.max`, 'a scaling block needs max, the largest count the autoscaler may set');
  } else if (max < 0) {
    add('out-of-range', `${at}.max`, `max is negative: received ${max}, allowed 0 or more`);
  } else if (max < min) {
    add('conflict', `${at}.max`, `max is less than min: received max ${max} and min ${min}; raise max or lower min`);
  }
  if (min < 0) add('out-of-range', `${at}.min`, `min is negative: received ${min}, allowed 0 or more`);
  // Count is checked against a consistent range only (max < min already fails one of the bounds).
  if (max === undefined || max < 0 || max < min) return;
  // structs.go (*TaskGroup).validateScalingPolicy: "task group count must not be greater than maximum count in
  // scaling policy" / "task group count must not be less than minimum count in scaling policy".
  if (count > max) {
    add(
      'out-of-range',
      `${path}.count`,
      `count is above the scaling policy's max: received ${count}, allowed ${min} to ${max}`,
    );
  }
  const multiregionException = job.multiregion !== undefined && count === 0 && job.region === 'global';
  if (count < min && !multiregionException) {
    add(
      'out-of-range',
      `${path}.count`,
      `count is below the scaling policy's min: received ${count}, allowed ${min} to ${max}`,
    );
  }
}

function volumeIssues(ctx: GroupContext): void {
  const { group, path, add } = ctx;
  const canary = num(groupUpdate(ctx).canary?.value) ?? 0;
  for (const [name, volume] of Object.entries(group.volumes ?? {})) {
    const at = `${path}.volumes[${name}]`;
    const type = str(volume.type);
    // volumes.go (*VolumeRequest).Validate: "volume has unrecognized type %s".
    if (volume.type === undefined) {
      add('required', `${at}.type`, 'a volume needs a type: "host" or "csi"');
    }
    // volumes.go (*VolumeRequest).Validate: "host volumes cannot have an attachment mode" / "an access mode".
    if (type === 'host') {
      for (const key of ['attachmentMode', 'accessMode'] as const) {
        if (volume[key] !== undefined) {
          add(
            'conflict',
            `${at}.${key}`,
            `a host volume cannot have ${key}: received ${show(volume[key])}; remove it or use type "csi"`,
          );
        }
      }
    }
    // volumes.go (*VolumeRequest).Validate: "%s volumes must be read-only".
    const accessMode = str(volume.accessMode);
    const readerOnly = accessMode === 'single-node-reader-only' || accessMode === 'multi-node-reader-only';
    if (readerOnly && (volume.readOnly === undefined || volume.readOnly === false)) {
      add(
        'conflict',
        `${at}.readOnly`,
        `access mode ${q(accessMode)} is read-only: received readOnly ${String(volume.readOnly ?? false)}; set readOnly: true`,
      );
    }
    // volumes.go (*VolumeRequest).Validate: "block devices cannot have mount options".
    if (volume.attachmentMode === 'block-device' && volume.mountOptions !== undefined) {
      add(
        'conflict',
        `${at}.mountOptions`,
        'a block-device volume cannot have mount options: remove mountOptions or use "file-system"',
      );
    }
    // volumes.go (*VolumeRequest).Validate: "volume cannot be per_alloc when canaries are in use".
    if (volume.perAlloc === true && canary > 0) {
      add(
        'conflict',
        `${at}.perAlloc`,
        `a per_alloc volume cannot be used with canaries: received canary ${canary}; set canary to 0 or drop perAlloc`,
      );
    }
    // volumes.go (*VolumeRequest).Validate: "volume has an empty source".
    if (volume.source === undefined || volume.source === '') {
      add('required', `${at}.source`, 'a volume needs a source: the host volume or CSI volume ID to use');
    }
  }
}

function networkIssues(ctx: GroupContext): void {
  const { group, path, add } = ctx;
  // structs.go (*TaskGroup).validateNetworks.
  const labels = new Map<string, string>();
  const staticPorts = new Map<string, Map<number, string>>();
  const cniKeys = new Set<string>();
  const reserve = (
    port: { static?: unknown; hostNetwork?: unknown; ignoreCollision?: unknown; label?: unknown },
    owner: string,
    at: string,
    checkCollision: boolean,
  ) => {
    const value = num(port.static);
    if (value === undefined || value === 0) return;
    const hostNetwork = str(port.hostNetwork) ?? (port.hostNetwork === undefined ? 'default' : undefined);
    if (hostNetwork === undefined) return;
    const ports = staticPorts.get(hostNetwork) ?? new Map<number, string>();
    staticPorts.set(hostNetwork, ports);
    const other = ports.get(value);
    // "Static port %d already reserved by %s" (ignore_collision lifts this for group ports only).
    if (other !== undefined) {
      if (!checkCollision || port.ignoreCollision !== true) {
        add(
          'conflict',
          `${at}.static`,
          `static port ${value} is already reserved by ${other}: use another port, or a dynamic one`,
        );
      }
    } else {
      ports.set(value, owner);
    }
  };

  group.networks?.forEach((network, i) => {
    for (const port of network.ports ?? []) {
      const label = str(port.label);
      const at = `${path}.networks[${i}].ports[${labelOf(port.label)}]`;
      // "Port label %s already in use by %s".
      if (label !== undefined) {
        if (labels.has(label)) {
          add(
            'duplicate-name',
            at,
            `the port label ${q(label)} is already used by the group network: port labels must be unique in a group`,
          );
        } else {
          labels.set(label, 'the group network');
        }
      }
      reserve(port, `the group network's port ${q(label ?? '?')}`, at, true);
      // "Port %q collision may not be ignored on non-host network mode %q".
      const mode = str(network.mode);
      if (port.ignoreCollision === true && mode !== undefined && mode !== '' && mode !== 'host') {
        add(
          'conflict',
          `${at}.ignoreCollision`,
          `ignoreCollision needs network mode "host": received mode ${q(mode)}; drop ignoreCollision or use host mode`,
        );
      }
    }
    cniIssues(network, `${path}.networks[${i}]`, cniKeys, add);
  });

  (group.tasks ?? []).forEach((task, t) => {
    task.resources?.networks?.forEach((network, i) => {
      for (const port of network.ports ?? []) {
        const label = str(port.label);
        const at = `${itemPath(`${path}.tasks`, task.name, t)}.resources.networks[${i}].ports[${labelOf(port.label)}]`;
        const owner = labels.get(label ?? '');
        if (label !== undefined && owner !== undefined) {
          add(
            'duplicate-name',
            at,
            `the port label ${q(label)} is already used by ${owner}: port labels must be unique in a group`,
          );
        }
        reserve(port, `task ${q(labelOf(task.name))}'s port ${q(label ?? '?')}`, at, false);
      }
    });
  });
}

function cniIssues(network: NetworkProps, at: string, keys: Set<string>, add: Add): void {
  // structs.go (*TaskGroup).validateNetworks: "duplicate CNI arg %q" / "invalid ';' character in CNI arg key %q"
  // / "... value %q".
  for (const [key, value] of Object.entries(network.cni?.args ?? {})) {
    const argAt = `${at}.cni.args.${key}`;
    if (keys.has(key)) add('duplicate-name', argAt, `the CNI arg ${q(key)} is set by two networks: set it once`);
    keys.add(key);
    if (key.includes(';'))
      add('invalid-value', argAt, `a CNI arg key contains ";": received ${q(key)}; remove the ";"`);
    if (typeof value === 'string' && value.includes(';')) {
      add('invalid-value', argAt, `a CNI arg value contains ";": received ${q(value)}; remove the ";"`);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Services and checks

/** Port labels of the group networks: what a group service may name (client/serviceregistration/address.go). */
function groupPortLabels(group: GroupProps): string[] {
  return (group.networks ?? []).flatMap((n) => (n.ports ?? []).map((p) => p.label)).filter(isString);
}

function groupServiceIssues(ctx: GroupContext): void {
  const { group, path, add } = ctx;
  const tasks = group.tasks ?? [];
  const taskNames = new Set(tasks.map((t) => t.name).filter(isString));
  const ports = groupPortLabels(group);

  // structs.go (*TaskGroup).validateServices: "Multiple service providers used: task group services must use the
  // same provider" (an unset provider is "consul").
  const providers = new Set<string>();
  for (const service of [...(group.services ?? []), ...tasks.flatMap((t) => t.services ?? [])]) {
    const provider = service.provider === undefined ? 'consul' : str(service.provider);
    if (provider !== undefined) providers.add(provider);
  }
  if (providers.size > 1) {
    add(
      'conflict',
      `${path}.services`,
      `the group's services use several providers: received ${[...providers].map(q).join(' and ')}; use one provider for every service of a group`,
    );
  }

  // structs.go (*TaskGroup).validateServices: "Services are not unique: %s" (by name and port).
  const ids = new Map<string, number>();
  group.services?.forEach((service, i) => {
    const at = `${path}.services[${i}]`;
    const id = serviceId(service);
    if (id !== undefined) {
      const first = ids.get(id);
      if (first !== undefined) {
        add(
          'duplicate-name',
          at,
          `services ${first} and ${i} have the same name and port (${describeService(service)}): give them different names`,
        );
      } else ids.set(id, i);
    }
    serviceIssues(ctx, service, at, 'group');

    // structs.go (*TaskGroup).validateServices: "service %q cannot use address_mode=\"driver\", only services
    // defined in a \"task\" block can use this mode".
    if (service.addressMode === 'driver') {
      add(
        'invalid-value',
        `${at}.addressMode`,
        'address_mode "driver" is for task services only: received "driver" on a group service; use "auto", "host" or "alloc"',
      );
    }
    // client/serviceregistration/address.go GetAddress: "invalid port %q: port label not found" (the allocation fails
    // to register the service; numbers are literal ports). The client interpolates service fields first
    // (taskenv InterpolateServices), so `${NOMAD_PORT_api}` becomes a number there.
    const port = str(service.port);
    if (port !== undefined && port !== '' && !isNumeric(port) && !port.includes('${') && !ports.includes(port)) {
      add(
        'undefined-reference',
        `${at}.port`,
        `the port ${q(port)} is not a port label of the group's networks; defined: ${listOrNone(ports)}. Add port "${port}" to a group network`,
      );
    }
    service.checks?.forEach((check, j) => {
      const checkAt = `${at}.checks[${j}]`;
      const task = str(check.task);
      // structs.go (*TaskGroup).validateServices: "Check %s invalid: refers to non-existent task %s" and "Check %q
      // invalid: cannot use address_mode=\"driver\", only checks defined in a \"task\" service block can use this mode".
      if (task !== undefined && task !== '') {
        if (check.addressMode === 'driver') {
          add(
            'invalid-value',
            `${checkAt}.addressMode`,
            'address_mode "driver" is for checks of task services only: received "driver"; use "host" or "alloc"',
          );
        }
        if (!taskNames.has(task)) {
          add(
            'undefined-reference',
            `${checkAt}.task`,
            `the check runs in task ${q(task)}, which is not in the group; defined: ${listOrNone([...taskNames])}`,
          );
        }
      }
      // structs.go (*TaskGroup).validateScriptChecksInGroupServices: "Service [%s]->%s or Check %s must specify task
      // parameter".
      if (check.type === 'script' && service.task === undefined && check.task === undefined) {
        add(
          'required',
          `${checkAt}.task`,
          'a script check of a group service runs in a task: set task on the check or on the service',
        );
      }
    });
  });
}

/** A service's identity for uniqueness: unset names are all the same default name. */
function serviceId(service: ServiceProps): string | undefined {
  if (service.name !== undefined && typeof service.name !== 'string') return undefined;
  if (service.port !== undefined && typeof service.port !== 'string') return undefined;
  return `${service.name ?? ''}\0${service.port ?? ''}`;
}

function describeService(service: ServiceProps): string {
  const name = typeof service.name === 'string' ? q(service.name) : 'the default name';
  return typeof service.port === 'string' ? `${name}, port ${q(service.port)}` : `${name}, no port`;
}

/** structs.go validateServices(t, tgNetworks), run by (*Task).Validate on task-level services. */
function taskServiceIssues(ctx: GroupContext, task: TaskProps, path: string): void {
  const { group, add } = ctx;
  // Only the first group network's labels count, plus the (deprecated) task networks.
  const ports = [
    ...(group.networks?.[0]?.ports ?? []).map((p) => p.label),
    ...(task.resources?.networks ?? []).flatMap((n) => (n.ports ?? []).map((p) => p.label)),
  ].filter(isString);
  const taskName = str(task.name);
  const known = new Map<string, number>();
  const missing = new Map<string, string[]>();
  const refer = (port: string, at: string) => missing.set(port, [...(missing.get(port) ?? []), at]);

  task.services?.forEach((service, i) => {
    const at = `${path}.services[${i}]`;
    serviceIssues(ctx, service, at, 'task');
    // structs.go (*TaskGroup).validateServices: "Service %s is invalid: may only specify task the service belongs
    // to, got %q".
    const serviceTask = str(service.task);
    if (serviceTask !== undefined && serviceTask !== '' && taskName !== undefined && serviceTask !== taskName) {
      add(
        'invalid-value',
        `${at}.task`,
        `a task service runs in its own task: received task ${q(serviceTask)} in task ${q(taskName)}; remove task`,
      );
    }
    // structs.go validateServices: "service %q cannot use address_mode=\"alloc\", only services defined in a
    // \"group\" block can use this mode".
    if (service.addressMode === 'alloc') {
      add(
        'invalid-value',
        `${at}.addressMode`,
        'address_mode "alloc" is for group services only: received "alloc" on a task service; use "auto", "host" or "driver"',
      );
    }
    // structs.go validateServices: "service %q is duplicate" (same name and port in a task).
    const id = serviceId(service);
    if (id !== undefined) {
      const first = known.get(id);
      if (first !== undefined) {
        add(
          'duplicate-name',
          at,
          `services ${first} and ${i} of the task have the same name and port (${describeService(service)}): give them different names`,
        );
      } else known.set(id, i);
    }
    // structs.go validateServices: numeric port labels are only valid for address_mode=driver.
    const port = str(service.port);
    if (port !== undefined && port !== '' && !(service.addressMode === 'driver' && isNumeric(port)))
      refer(port, `${at}.port`);
    // structs.go validateServices: "service %q cannot have \"connect\" block, only services defined in a \"group\"
    // block can".
    if (service.connect !== undefined) {
      add('invalid-value', `${at}.connect`, 'connect is only allowed on group services: move the service to the group');
    }

    const checkNames = new Map<string, number>();
    service.checks?.forEach((check, j) => {
      const checkAt = `${at}.checks[${j}]`;
      // structs.go validateServices: "check %q is duplicate" (unset names default to `service: "<name>" check`).
      if (check.name === undefined || typeof check.name === 'string') {
        const checkName = check.name ?? '';
        const first = checkNames.get(checkName);
        if (first !== undefined) {
          const what = check.name === undefined ? 'both have the default name' : `are both named ${q(checkName)}`;
          add(
            'duplicate-name',
            checkAt,
            `checks ${first} and ${j} of the service ${what}: give each check a unique name`,
          );
        } else checkNames.set(checkName, j);
      }
      // structs.go validateServices: "check %q cannot use address_mode=\"alloc\", only checks defined in a \"group\"
      // service block can use this mode".
      if (check.addressMode === 'alloc') {
        add(
          'invalid-value',
          `${checkAt}.addressMode`,
          'address_mode "alloc" is for checks of group services only: received "alloc"; use "host" or "driver"',
        );
      }
      const type = str(check.type);
      if (type === undefined || !requiresPort(type)) return;
      // structs.go validateServices: "check %q is missing a port" / "check %q cannot use a numeric port %d without
      // setting address_mode=\"driver\"" / "check %q has invalid numeric port %d".
      if (!isPlain(check.port) || (emptyStr(check.port) && !isPlain(service.port))) return;
      const effectivePort = (check.port || service.port || '') as string;
      if (effectivePort === '') {
        add('required', `${checkAt}.port`, `a ${type} check needs a port: set port on the check or on its service`);
        return;
      }
      if (isNumeric(effectivePort)) {
        const n = Number.parseInt(effectivePort, 10);
        if (check.addressMode !== 'driver') {
          add(
            'invalid-value',
            `${checkAt}.port`,
            `a numeric check port needs address_mode "driver": received port ${q(effectivePort)}; set addressMode: "driver" or use a port label`,
          );
        } else if (n <= 0) {
          add('out-of-range', `${checkAt}.port`, `a check port must be greater than 0: received ${q(effectivePort)}`);
        }
        return;
      }
      refer(effectivePort, emptyStr(check.port) ? `${at}.port` : `${checkAt}.port`);
    });
  });

  // structs.go validateServices: "port label %q referenced by services %v does not exist".
  for (const [port, ats] of missing) {
    if (ports.includes(port) || port.includes('${')) continue;
    for (const at of new Set(ats)) {
      add(
        'undefined-reference',
        at,
        `the port ${q(port)} is not a port label of the group's first network or of the task's networks; defined: ${listOrNone(ports)}. Add port "${port}" to the group network`,
      );
    }
  }
}

/** services.go (*Service).Validate, for group and task services. */
function serviceIssues(ctx: GroupContext, service: ServiceProps, at: string, level: 'group' | 'task'): void {
  const { add, group } = ctx;
  // services.go (*Service).ValidateName: "Service name must be valid per RFC 1123 and can contain only
  // alphanumeric characters or dashes and must be no longer than 63 characters" (after replacing ${...}).
  const name = str(service.name);
  if (name !== undefined) {
    const stripped = name.replace(/\$\{[^}]*\}/g, 'ENV-VAR');
    if (!/^(?:[a-z0-9]|[a-z0-9][a-z0-9-]{0,61}[a-z0-9])$/i.test(stripped)) {
      add(
        'invalid-value',
        `${at}.name`,
        `the service name is not a valid DNS label: received ${q(name)}; use 1-63 letters, digits or dashes, not starting or ending with a dash`,
      );
    }
  }
  // services.go (*Service).Validate: "Service address_mode must be \"auto\" if address is set".
  const addressMode = str(service.addressMode);
  if (service.address !== undefined && addressMode !== undefined && addressMode !== 'auto') {
    add(
      'conflict',
      `${at}.addressMode`,
      `a service with an address needs address_mode "auto": received ${q(addressMode)}; remove addressMode or address`,
    );
  }

  const provider = service.provider === undefined ? 'consul' : str(service.provider);
  if (provider === 'nomad') {
    // services.go (*Service).validateNomadService: "Service with provider nomad cannot include Connect blocks".
    if (service.connect !== undefined) {
      add(
        'invalid-value',
        `${at}.connect`,
        'connect needs provider "consul": received provider "nomad"; remove connect or use Consul',
      );
    }
  } else if (provider === 'consul') {
    consulServiceIssues(ctx, service, at, level, group);
  }

  service.checks?.forEach((check, j) => {
    const checkAt = `${at}.checks[${j}]`;
    // services.go (*Service).validateCheckPort: "Check %s invalid: check requires a port but neither check nor
    // service %+q have a port" (task services are reported by validateServices instead).
    const type = str(check.type);
    if (
      level === 'group' &&
      type !== undefined &&
      requiresPort(type) &&
      emptyStr(check.port) &&
      emptyStr(service.port)
    ) {
      add('required', `${checkAt}.port`, `a ${type} check needs a port: set port on the check or on its service`);
      return;
    }
    if (provider !== undefined) checkIssues(service, check, checkAt, provider, add);
  });
}

function consulServiceIssues(
  ctx: GroupContext,
  service: ServiceProps,
  at: string,
  level: 'group' | 'task',
  group: GroupProps,
): void {
  const { add } = ctx;
  // services.go (*Service).validateConsulService: "Check %s invalid: tcp checks are not valid for Connect enabled
  // services".
  if (service.connect?.sidecarService !== undefined) {
    service.checks?.forEach((check, j) => {
      if (check.type === 'tcp') {
        add(
          'invalid-value',
          `${at}.checks[${j}].type`,
          'a tcp check cannot reach a Connect sidecar service: received "tcp"; use an http or grpc check with expose: true',
        );
      }
    });
  }
  // services.go (*Service).validateConsulService: "Service %s kind must be one of consul service kind or empty".
  const kind = str(service.kind);
  const kinds = ['', 'api-gateway', 'ingress-gateway', 'mesh-gateway', 'terminating-gateway'];
  if (kind !== undefined && !kinds.includes(kind)) {
    add(
      'invalid-value',
      `${at}.kind`,
      `the service kind is not a Consul service kind: received ${q(kind)}, allowed "api-gateway", "ingress-gateway", "mesh-gateway", "terminating-gateway" or none`,
    );
  }
  const connect = service.connect;
  if (!connect || level !== 'group') return;
  // services.go (*ConsulConnect).Validate: "Consul Connect must be exclusively native, make use of a sidecar, or
  // represent a Gateway".
  const modes = [
    connect.sidecarService !== undefined ? 'sidecarService' : undefined,
    connect.native === true ? 'native' : undefined,
    connect.gateway !== undefined ? 'gateway' : undefined,
  ].filter(isString);
  if (modes.length !== 1 && !(connect.native !== undefined && typeof connect.native !== 'boolean')) {
    add(
      'conflict',
      `${at}.connect`,
      `connect must be exactly one of sidecarService, native: true or gateway: received ${modes.length === 0 ? 'none' : modes.join(' and ')}`,
    );
  }
  if (connect.native === true) {
    // services.go (*Service).validateConsulService: "Service %s is Connect Native and requires setting the task"
    // (set automatically when the group has one task) / "... requires setting the port".
    if (service.task === undefined && (group.tasks?.length ?? 0) !== 1) {
      add(
        'required',
        `${at}.task`,
        'a Connect native service of a group with several tasks needs task: the task that implements it',
      );
    }
    if (service.port === undefined) add('required', `${at}.port`, 'a Connect native service needs a port');
  }
}

/** services.go (*ServiceCheck).validateCommon plus validateNomad / validateConsul. */
function checkIssues(service: ServiceProps, check: CheckProps, at: string, provider: string, add: Add): void {
  const type = str(check.type);
  const allowed = provider === 'nomad' ? ['tcp', 'http'] : ['grpc', 'tcp', 'http', 'script'];
  // "invalid check type (%q), must be one of %s".
  if (check.type === undefined) {
    add('required', `${at}.type`, `a check needs a type: one of ${allowed.map(q).join(', ')}`);
  } else if (type !== undefined && !allowed.includes(type)) {
    add(
      'invalid-value',
      `${at}.type`,
      `the ${q(provider)} provider does not run ${q(type)} checks: received ${q(type)}, allowed ${allowed.map(q).join(', ')}`,
    );
  }
  // "http type must have http path" / "http type must have relative http path" / "script type must have a valid
  // script path".
  const path = str(check.path);
  if (type === 'http') {
    if (check.path === undefined || path === '')
      add('required', `${at}.path`, 'an http check needs a path, e.g. "/health"');
    else if (path !== undefined && /^[a-z][a-z0-9+.-]*:/i.test(path)) {
      add(
        'invalid-value',
        `${at}.path`,
        `an http check path must be relative: received ${q(path)}; give the path only, e.g. "/health"`,
      );
    }
  }
  if (type === 'script' && (check.command === undefined || check.command === '')) {
    add('required', `${at}.command`, 'a script check needs a command to run');
  }
  // "missing required value interval. Interval cannot be less than 1s" / "interval (%v) cannot be lower than 1s",
  // same for timeout (minCheckInterval, minCheckTimeout).
  for (const key of ['interval', 'timeout'] as const) {
    const value = check[key];
    if (value === undefined || value.isZero()) {
      add(
        'required',
        `${at}.${key}`,
        `a check needs ${key === 'interval' ? 'an interval' : 'a timeout'} of at least 1s, e.g. Duration.seconds(${key === 'interval' ? 10 : 2})`,
      );
    } else if (value.toNanosBigInt() < SECOND) {
      add(
        'invalid-duration',
        `${at}.${key}`,
        `the check ${key} is too short: received ${value.toGoString()}, allowed 1s or more`,
      );
    }
  }
  // "on_update value %q is not compatible with check_restart" / "on_update value %q not supported with
  // check_restart ignore_warnings value %q" (the service's check_restart merges into each check, api/services.go).
  const checkRestart = check.checkRestart ?? service.checkRestart;
  if (checkRestart !== undefined) {
    const ignoreWarnings = check.checkRestart?.ignoreWarnings ?? service.checkRestart?.ignoreWarnings;
    if (check.onUpdate === 'ignore') {
      add('conflict', `${at}.onUpdate`, 'on_update "ignore" cannot be combined with check_restart: remove one of them');
    } else if (check.onUpdate === 'ignore_warnings' && ignoreWarnings !== true && typeof ignoreWarnings !== 'object') {
      add(
        'conflict',
        `${at}.onUpdate`,
        'on_update "ignore_warnings" with check_restart needs check_restart.ignoreWarnings: true',
      );
    }
    // structs.go (*CheckRestart).Validate: "limit must be greater than or equal to 0" / "grace period must be
    // greater than or equal to 0".
    for (const [source, block] of [
      [`${at}.checkRestart`, check.checkRestart],
      [`${at.replace(/\.checks\[\d+\]$/, '')}.checkRestart`, service.checkRestart],
    ] as const) {
      const limit = num(block?.limit);
      if (limit !== undefined && limit < 0)
        add('out-of-range', `${source}.limit`, `check_restart limit is negative: received ${limit}, allowed 0 or more`);
      negativeDuration(block?.grace, `${source}.grace`, 'check_restart grace', add);
    }
  }

  if (provider === 'nomad') {
    // services.go (*ServiceCheck).validateNomad: "expose may only be set for Consul service checks", and the same for
    // success_before_passing, failures_before_critical, failures_before_warning and tls_server_name.
    const consulOnly = [
      'expose',
      'successBeforePassing',
      'failuresBeforeCritical',
      'failuresBeforeWarning',
      'tlsServerName',
    ] as const;
    for (const key of consulOnly) {
      const value = check[key];
      if (value !== undefined && value !== false && value !== 0 && value !== '') {
        add(
          'invalid-value',
          `${at}.${key}`,
          `${key} needs provider "consul": received ${show(value)} on a "nomad" provider check; remove it or use Consul`,
        );
      }
    }
    if (check.onUpdate === 'ignore_warnings') {
      add(
        'invalid-value',
        `${at}.onUpdate`,
        'nomad checks have no warning state: received "ignore_warnings"; use "require_healthy" or "ignore"',
      );
    }
    if (check.checkRestart?.ignoreWarnings === true || service.checkRestart?.ignoreWarnings === true) {
      add(
        'invalid-value',
        `${at}.checkRestart`,
        'check_restart.ignoreWarnings needs provider "consul": nomad checks have no warning state',
      );
    }
    if (check.addressMode === 'driver') {
      add(
        'invalid-value',
        `${at}.addressMode`,
        'address_mode "driver" needs provider "consul" for checks: received "driver"; use "host" or "alloc"',
      );
    }
    // "method type %q not supported in Nomad http check" (helper.IsMethodHTTP).
    const method = str(check.method);
    const methods = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE'];
    if (type === 'http' && method !== undefined && method !== '' && !methods.includes(method)) {
      add(
        'invalid-value',
        `${at}.method`,
        `the HTTP method is not supported: received ${q(method)}, allowed ${methods.join(', ')}`,
      );
    }
    return;
  }
  // services.go (*ServiceCheck).validateConsul: "expose may only be set on HTTP or gRPC checks".
  if (check.expose === true && type !== undefined && type !== 'http' && type !== 'grpc') {
    add('invalid-value', `${at}.expose`, `expose works on http and grpc checks only: received a ${q(type)} check`);
  }
  // "success_before_passing must be non-negative" / "... not supported for check of type %q" (same for
  // failures_before_critical and failures_before_warning).
  for (const key of ['successBeforePassing', 'failuresBeforeCritical', 'failuresBeforeWarning'] as const) {
    const value = num(check[key]);
    if (value === undefined) continue;
    if (value < 0) add('out-of-range', `${at}.${key}`, `${key} is negative: received ${value}, allowed 0 or more`);
    else if (value > 0 && type !== undefined && !['tcp', 'http', 'grpc'].includes(type)) {
      add(
        'invalid-value',
        `${at}.${key}`,
        `${key} works on tcp, http and grpc checks only: received a ${q(type)} check`,
      );
    }
  }
  // "notes must not be longer than 255 characters".
  const notes = str(check.notes);
  if (notes !== undefined && notes.length > 255) {
    add(
      'out-of-range',
      `${at}.notes`,
      `check notes are too long: received ${notes.length} characters, allowed at most 255`,
    );
  }
}

function requiresPort(type: string): boolean {
  // services.go (*ServiceCheck).RequiresPort.
  return type === 'http' || type === 'tcp' || type === 'grpc';
}

// ---------------------------------------------------------------------------------------------------------------
// Task

function taskIssues(ctx: GroupContext, task: TaskProps, path: string): void {
  const { group, type, add } = ctx;
  // structs.go (*Task).Validate: "Task cannot be named \"alloc\"" / "Task name cannot include slashes" / "Task name
  // cannot include null characters".
  const name = str(task.name);
  if (name === 'alloc') {
    add(
      'invalid-value',
      `${path}.name`,
      'a task cannot be named "alloc" (the shared allocation directory): choose another name',
    );
  } else if (name !== undefined && /[/\\]/.test(name)) {
    add('invalid-value', `${path}.name`, `a task name cannot contain slashes: received ${q(name)}; use "-" instead`);
  } else if (name?.includes('\0')) {
    add('invalid-value', `${path}.name`, `a task name cannot contain a null character: received ${q(name)}`);
  }

  // structs.go (*Task).Validate: "KillTimeout must be a positive value", and for service jobs "KillTimout (%s)
  // longer than the group's ProgressDeadline (%s)" (progress_deadline 0 is exempt).
  const killTimeout = task.killTimeout;
  if (killTimeout?.isNegative()) {
    add(
      'invalid-duration',
      `${path}.killTimeout`,
      `killTimeout is negative: received ${killTimeout.toGoString()}, allowed 0 or more`,
    );
  } else if (killTimeout && type === 'service') {
    const progress = durationSetting(groupUpdate(ctx), 'progressDeadline');
    if (progress && progress.nanos > 0n && killTimeout.toNanosBigInt() > progress.nanos) {
      add(
        'conflict',
        `${path}.killTimeout`,
        `killTimeout is longer than the group's progress deadline: received ${killTimeout.toGoString()} and progressDeadline ${textOf(progress)}; lower killTimeout or raise update.progressDeadline`,
      );
    }
  }
  // structs.go (*Task).Validate: "ShutdownDelay must be a positive value".
  negativeDuration(task.shutdownDelay, `${path}.shutdownDelay`, 'shutdownDelay', add);

  if (task.resources) resourceIssues(task.resources, `${path}.resources`, add);
  logIssues(ctx, task, path);

  constraintIssues(task.constraints, `${path}.constraints`, 'task', add);
  // structs.go (*Task).Validate: "System jobs may not have an affinity block".
  if (type === 'system') {
    if (task.affinities?.length)
      add('not-allowed-for-job-type', `${path}.affinities`, 'a system job may not have affinities: remove them');
  } else {
    affinityIssues(task.affinities, `${path}.affinities`, add);
  }

  taskServiceIssues(ctx, task, path);

  // structs.go (*TaskArtifact).Validate: "source must be specified" / "destination escapes allocation directory"
  // / validateChecksum.
  task.artifacts?.forEach((artifact, i) => {
    const at = `${path}.artifacts[${i}]`;
    if (artifact.source === undefined || artifact.source === '')
      add('required', `${at}.source`, 'an artifact needs a source URL');
    const destination = str(artifact.destination);
    if (destination !== undefined && escapesAllocDir('task', destination)) {
      add(
        'invalid-value',
        `${at}.destination`,
        `the artifact destination escapes the allocation directory: received ${q(destination)}; use a path inside the task directory, e.g. "local/"`,
      );
    }
    const checksum = artifact.options?.checksum;
    if (typeof checksum === 'string') {
      const problem = checksumProblem(checksum);
      if (problem) add('invalid-value', `${at}.options.checksum`, problem);
    }
  });

  // structs.go (*Vault).Validate: "Signal must be specified when using change mode \"signal\"".
  if (
    task.vault?.changeMode === 'signal' &&
    (task.vault.changeSignal === undefined || task.vault.changeSignal === '')
  ) {
    add('required', `${path}.vault.changeSignal`, 'vault changeMode "signal" needs a changeSignal such as "SIGHUP"');
  }

  templateIssues(task.templates, path, add);

  // structs.go (*Task).Validate: "Action %s defined multiple times".
  duplicates(
    task.actions ?? [],
    (a) => a.name,
    `${path}.actions`,
    add,
    (actionName) => `the action ${q(actionName)} is defined more than once: action names must be unique in a task`,
  );

  // structs.go (*DispatchPayloadConfig).Validate: "destination escapes allocation directory" (relative to local/).
  const payloadFile = str(task.dispatchPayload?.file);
  if (payloadFile !== undefined && escapesAllocDir('task/local/', payloadFile)) {
    add(
      'invalid-value',
      `${path}.dispatchPayload.file`,
      `the dispatch payload file escapes the allocation directory: received ${q(payloadFile)}; use a path inside local/`,
    );
  }

  // structs.go (*Task).Validate: "Volume Mount (%d) references undefined volume %s".
  const volumes = Object.keys(group.volumes ?? {});
  task.volumeMounts?.forEach((mount, i) => {
    const volume = str(mount.volume);
    if (volume !== undefined && !volumes.includes(volume)) {
      add(
        'undefined-reference',
        `${path}.volumeMounts[${i}].volume`,
        `the volume ${q(volume)} is not defined in the group; defined: ${listOrNone(volumes)}`,
      );
    }
  });

  // structs.go (*Task).Validate: "CSIPluginConfig must have a non-empty PluginID" / "CSIPluginConfig StagePublishBaseDir
  // must not be a subdirectory of MountDir".
  const csi = task.csiPlugin;
  if (csi) {
    if (csi.id === undefined || csi.id === '') add('required', `${path}.csiPlugin.id`, 'a CSI plugin needs an id');
    if (csi.type === undefined)
      add('required', `${path}.csiPlugin.type`, 'a CSI plugin needs a type: "node", "controller" or "monolith"');
    const stage = str(csi.stagePublishBaseDir);
    const mount = str(csi.mountDir);
    if (stage && mount && stage.startsWith(mount)) {
      add(
        'conflict',
        `${path}.csiPlugin.stagePublishBaseDir`,
        `stagePublishBaseDir must not be inside mountDir: received ${q(stage)} under ${q(mount)}`,
      );
    }
  }

  // structs.go (*Task).Validate: "Duplicate default identities found" (unnamed identities are "default").
  const defaults = (task.identities ?? []).filter(
    (identity) => identity.name === undefined || identity.name === 'default',
  );
  if (defaults.length > 1) {
    add(
      'duplicate-name',
      `${path}.identities`,
      `the task has ${defaults.length} default identities (unnamed or named "default"): keep one and name the others`,
    );
  }

  secretIssues(task, path, add);
}

function resourceIssues(resources: ResourcesProps, path: string, add: Add): void {
  // structs.go (*Resources).Validate: "Task can only ask for 'cpu' or 'cores' resource, not both."
  if (typeof resources.cpu === 'number' && typeof resources.cores === 'number') {
    add(
      'conflict',
      path,
      `ask for cpu (MHz) or cores, not both: received cpu ${show(resources.cpu)} and cores ${show(resources.cores)}`,
    );
  }
  // structs.go (*Resources).MeetsMinResources: "minimum MemoryMB value is 10; got %d".
  const memory = resources.memory?.toMebibytes();
  if (memory !== undefined && memory < 10) {
    add(
      'out-of-range',
      `${path}.memory`,
      `memory is below Nomad's minimum: received ${memory} MiB, allowed 10 MiB or more`,
    );
  }
  // Unset memory is 300 MiB (api/resources.go DefaultResources).
  const effectiveMemory = memory ?? 300;
  const memoryText = memory === undefined ? "300 MiB (Nomad's default)" : `${memory} MiB`;
  // structs.go (*Resources).Validate: "MemoryMaxMB value (%d) should be larger than MemoryMB value (%d)" (0 is unset).
  const memoryMax = resources.memoryMax?.toMebibytes();
  if (memoryMax !== undefined && memoryMax !== 0 && memoryMax < effectiveMemory) {
    add(
      'conflict',
      `${path}.memoryMax`,
      `memoryMax is below memory: received memoryMax ${memoryMax} MiB and memory ${memoryText}; raise memoryMax`,
    );
  }
  // structs.go (*Resources).Validate: "SecretsMB value (%d) cannot be larger than MemoryMB value (%d)".
  const secrets = resources.secrets?.toMebibytes();
  if (secrets !== undefined && secrets > effectiveMemory) {
    add(
      'conflict',
      `${path}.secrets`,
      `the secrets directory is larger than memory: received secrets ${secrets} MiB and memory ${memoryText}`,
    );
  }
  // Not checked: structs.go (*Resources).Validate rejects a task-level disk ("Task can't ask for disk resources"), but
  // command/agent/job_endpoint.go ApiResourcesToStructs never copies DiskMB, so through the HTTP API (nomad job run)
  // a task's disk is ignored, not rejected (Nomad's own e2e jobs set it).
  // structs.go (*Resources).Validate: "numa device %q not requested as task resource".
  const devices = (resources.devices ?? []).map((d) => d.name).filter(isString);
  asList(resources.numa?.devices).forEach((device, i) => {
    if (!devices.includes(device)) {
      add(
        'undefined-reference',
        `${path}.numa.devices[${i}]`,
        `the NUMA device ${q(device)} is not requested by the task; requested: ${listOrNone(devices)}`,
      );
    }
  });
}

function logIssues(ctx: GroupContext, task: TaskProps, path: string): void {
  const { group, add } = ctx;
  // structs.go (*LogConfig).Validate: "minimum number of files is 1; got %d" / "minimum file size is 1MB; got %d" /
  // "log storage (%d MB) must be less than requested disk capacity (%d MB)" (defaults: 10 files of 10 MB, 300 MB disk).
  const logs = task.logs;
  const maxFiles = logs?.maxFiles === undefined ? 10 : num(logs.maxFiles);
  const maxFileSize = logs?.maxFileSize?.toMebibytes() ?? 10;
  if (logs?.maxFiles !== undefined && maxFiles !== undefined && maxFiles < 1) {
    add(
      'out-of-range',
      `${path}.logs.maxFiles`,
      `logs need at least one file: received maxFiles ${maxFiles}, allowed 1 or more`,
    );
  }
  if (logs?.maxFileSize !== undefined && maxFileSize < 1) {
    add('out-of-range', `${path}.logs.maxFileSize`, `log files need at least 1 MiB: received ${maxFileSize} MiB`);
  }
  if (maxFiles === undefined || (logs === undefined && group.ephemeralDisk?.size === undefined)) return;
  const disk = group.ephemeralDisk?.size?.toMebibytes() ?? 300;
  const usage = maxFiles * maxFileSize;
  if (disk <= usage) {
    add(
      'conflict',
      logs ? `${path}.logs` : `${ctx.path}.ephemeralDisk.size`,
      `log storage must be less than the group's ephemeral disk: received ${maxFiles} files × ${maxFileSize} MiB = ${usage} MiB of logs and a ${disk} MiB disk; lower logs.maxFiles/maxFileSize or raise ephemeralDisk.size`,
    );
  }
}

function templateIssues(templates: readonly TemplateProps[] | undefined, path: string, add: Add): void {
  const destinations = new Map<string, number>();
  templates?.forEach((template, i) => {
    const at = `${path}.templates[${i}]`;
    // structs.go (*Template).Validate: "Must specify a source path or have an embedded template".
    const noSource = template.source === undefined || template.source === '';
    const noData = template.data === undefined || template.data === '';
    if (noSource && noData) add('required', at, 'a template needs source (a file path) or data (the template text)');
    // structs.go (*Template).Validate: "Must specify a destination for the template" / "destination escapes
    // allocation directory".
    const destination = str(template.destination);
    if (template.destination === undefined || destination === '') {
      add('required', `${at}.destination`, 'a template needs a destination, e.g. "local/config.yml"');
    } else if (destination !== undefined && escapesAllocDir('task', destination)) {
      add(
        'invalid-value',
        `${at}.destination`,
        `the template destination escapes the allocation directory: received ${q(destination)}; use a path inside the task directory`,
      );
    }
    // structs.go (*Task).Validate: "Template %d has same destination as %d".
    if (destination) {
      const first = destinations.get(destination);
      if (first !== undefined) {
        add(
          'duplicate-name',
          `${at}.destination`,
          `templates ${first} and ${i} render to the same destination ${q(destination)}: give each template its own file`,
        );
      } else destinations.set(destination, i);
    }
    // structs.go (*Template).Validate: "Must specify signal value when change mode is signal" / "cannot use signals
    // with env var templates" / "must specify change script configuration value when change mode is script".
    if (template.changeMode === 'signal') {
      if (template.changeSignal === undefined || template.changeSignal === '') {
        add('required', `${at}.changeSignal`, 'changeMode "signal" needs a changeSignal such as "SIGHUP"');
      }
      if (template.env === true) {
        add(
          'conflict',
          `${at}.changeMode`,
          'an env template cannot signal the task: received changeMode "signal" with env: true; use "restart" or "noop"',
        );
      }
    }
    if (template.changeMode === 'script') {
      if (template.changeScript === undefined) {
        add('required', `${at}.changeScript`, 'changeMode "script" needs a changeScript with a command');
      } else if (template.changeScript.command === undefined || template.changeScript.command === '') {
        // structs.go (*ChangeScript).Validate: "must specify script path value when change mode is script".
        add(
          'required',
          `${at}.changeScript.command`,
          'changeMode "script" needs changeScript.command, the script to run',
        );
      }
    }
    // structs.go (*Template).Validate: "Must specify positive splay value" / "Failed to parse %q as octal".
    negativeDuration(template.splay, `${at}.splay`, 'splay', add);
    const perms = str(template.perms);
    if (perms !== undefined && perms !== '' && !(/^[0-7]+$/.test(perms) && Number.parseInt(perms, 8) <= 0o7777)) {
      add('invalid-value', `${at}.perms`, `perms is not an octal file mode: received ${q(perms)}, e.g. "0644"`);
    }
    // structs.go (*WaitConfig).Validate: "wait min %s is greater than max %s".
    const min = template.wait?.min;
    const max = template.wait?.max;
    if (min && max && min.toNanosBigInt() > max.toNanosBigInt()) {
      add(
        'conflict',
        `${at}.wait`,
        `wait min is greater than max: received min ${min.toGoString()} and max ${max.toGoString()}`,
      );
    }
  });
}

function secretIssues(task: TaskProps, path: string, add: Add): void {
  const names = new Set<string>();
  for (const secret of task.secrets ?? []) {
    const name = str(secret.name);
    const at = `${path}.secrets[${labelOf(secret.name)}]`;
    // structs.go (*Task).Validate: "Duplicate secret %q found" / "Secret %q has provider \"vault\" but no vault block".
    if (name !== undefined) {
      if (names.has(name))
        add(
          'duplicate-name',
          at,
          `the secret ${q(name)} is defined more than once: secret names must be unique in a task`,
        );
      names.add(name);
    }
    const provider = str(secret.provider);
    if (provider === 'vault' && task.vault === undefined) {
      add(
        'required',
        `${path}.vault`,
        `the secret ${q(name ?? '?')} uses provider "vault", which needs a vault block in the task`,
      );
    }
    // structs.go (*Secret).Validate: "secret name must match regex ^[a-zA-Z0-9_]{1,128}$" / "secret provider cannot
    // be empty" / "secret path cannot be empty" / "%s provider cannot use the env block" / "custom plugin provider %s
    // cannot use the config block".
    if (name !== undefined && !/^[a-zA-Z0-9_]{1,128}$/.test(name)) {
      add(
        'invalid-value',
        `${at}.name`,
        `the secret name is invalid: received ${q(name)}, allowed 1-128 letters, digits or "_"`,
      );
    }
    if (secret.provider === undefined || provider === '')
      add('required', `${at}.provider`, 'a secret needs a provider, e.g. "nomad" or "vault"');
    if (secret.path === undefined || secret.path === '') add('required', `${at}.path`, 'a secret needs a path');
    if ((provider === 'nomad' || provider === 'vault') && Object.keys(secret.env ?? {}).length > 0) {
      add(
        'invalid-value',
        `${at}.env`,
        `the ${q(provider)} provider cannot use env: remove env (it is for custom plugin providers)`,
      );
    }
    if (
      provider !== undefined &&
      provider !== '' &&
      provider !== 'nomad' &&
      provider !== 'vault' &&
      Object.keys(secret.config ?? {}).length > 0
    ) {
      add(
        'invalid-value',
        `${at}.config`,
        `the custom provider ${q(provider)} cannot use config: remove config (it is for the nomad and vault providers)`,
      );
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Constraints, affinities, spreads

const COMPARISONS = ['=', '==', 'is', '!=', 'not', '<', '<=', '>', '>='];
const SET_CONTAINS = ['set_contains', 'set_contains_all', 'set_contains_any'];

function constraintIssues(
  constraints: readonly ConstraintProps[] | undefined,
  path: string,
  level: 'job' | 'group' | 'task',
  add: Add,
): void {
  constraints?.forEach((constraint, i) => {
    const at = `${path}[${i}]`;
    // The HCL parser's default operator is "=".
    const operator = constraint.operator === undefined ? '=' : str(constraint.operator);
    if (operator === undefined) return;
    const value = constraint.value === undefined ? '' : str(constraint.value);
    // structs.go (*Constraint).Validate, per operator.
    if (SET_CONTAINS.includes(operator) && value === '') {
      // "Set contains constraint requires an RTarget".
      add('required', `${at}.value`, `operator ${q(operator)} needs a value: a comma-separated list such as "a,b"`);
    } else if (COMPARISONS.includes(operator) && value === '') {
      // "Operator %q requires an RTarget".
      add('required', `${at}.value`, `operator ${q(operator)} compares the attribute with a value: set value`);
    } else if ((operator === 'is_set' || operator === 'is_not_set') && value !== '' && value !== undefined) {
      // "Operator %q does not support an RTarget".
      add('invalid-value', `${at}.value`, `operator ${q(operator)} takes no value: received ${q(value)}; remove value`);
    } else if (operator === 'distinct_property' && value !== '' && value !== undefined) {
      // "Failed to convert RTarget %q to uint64" / "Distinct Property must have an allowed count of 1 or greater".
      if (!/^\d+$/.test(value) || BigInt(value) > 18446744073709551615n) {
        add(
          'invalid-value',
          `${at}.value`,
          `distinct_property's value is the allowed count per attribute value: received ${q(value)}, allowed a whole number from 1`,
        );
      } else if (BigInt(value) < 1n) {
        add('out-of-range', `${at}.value`, `distinct_property's count must be 1 or more: received ${value}`);
      }
    } else if (value !== undefined) {
      operandIssues(operator, value, `${at}.value`, add);
    }
    // structs.go (*Constraint).Validate: "no attribute provided but is required by operator" (all but distinct_hosts);
    // constraint.go validateConstraintAttribute: "attribute %q is missing a closing brace" / "unsupported attribute %q".
    if (operator !== 'distinct_hosts') {
      const attribute = constraint.attribute === undefined ? '' : str(constraint.attribute);
      if (attribute === '') {
        add('required', `${at}.attribute`, `operator ${q(operator)} needs an attribute, e.g. "\${attr.kernel.name}"`);
      } else if (attribute !== undefined) {
        const problem = constraintAttributeProblem(attribute);
        if (problem) add('invalid-value', `${at}.attribute`, problem);
      }
    }
    // structs.go (*Task).Validate: "Constraint %d has disallowed Operand at task level: %s".
    if (level === 'task' && (operator === 'distinct_hosts' || operator === 'distinct_property')) {
      add(
        'invalid-value',
        `${at}.operator`,
        `${q(operator)} places allocations, so it is not allowed on a task: move the constraint to the group or job`,
      );
    }
  });
}

/** regexp / version / semver operands, shared by constraints and affinities. */
function operandIssues(operator: string, value: string, at: string, add: Add): void {
  if (operator === 'regexp') {
    // "Regular expression failed to compile: %v" (Go's RE2 regexp package).
    const problem = re2Problem(value);
    if (problem) add('invalid-value', at, `not an RE2 regular expression: received ${q(value)}: ${problem}`);
  } else if (operator === 'version') {
    // "Version constraint is invalid: %v" (github.com/hashicorp/go-version NewConstraint).
    const problem = versionConstraintProblem(value, VERSION_OPERATORS, VERSION_PATTERN);
    if (problem)
      add('invalid-value', at, `${problem}; expected a version constraint such as ">= 1.2, < 2.0" or "~> 1.4"`);
  } else if (operator === 'semver') {
    // "Semver constraint is invalid: %v" (helper/constraints/semver NewConstraint).
    const problem = versionConstraintProblem(value, SEMVER_OPERATORS, SEMVER_PATTERN);
    if (problem) add('invalid-value', at, `${problem}; expected a semver constraint such as ">= 1.2.0, < 2.0.0"`);
  }
}

function affinityIssues(affinities: readonly AffinityProps[] | undefined, path: string, add: Add): void {
  // structs.go (*Affinity).Validate.
  affinities?.forEach((affinity, i) => {
    const at = `${path}[${i}]`;
    const operator = affinity.operator === undefined ? '=' : str(affinity.operator);
    const value = affinity.value === undefined ? '' : str(affinity.value);
    if (operator !== undefined && value !== undefined) {
      if (SET_CONTAINS.includes(operator) && value === '') {
        // "Set contains operators require an RTarget".
        add('required', `${at}.value`, `operator ${q(operator)} needs a value: a comma-separated list such as "a,b"`);
      } else if (COMPARISONS.includes(operator) && value === '') {
        // "Operator %q requires an RTarget".
        add('required', `${at}.value`, `operator ${q(operator)} compares the attribute with a value: set value`);
      } else {
        operandIssues(operator, value, `${at}.value`, add);
      }
    }
    // "No LTarget provided but is required".
    if (affinity.attribute === undefined || affinity.attribute === '') {
      add('required', `${at}.attribute`, 'an affinity needs an attribute, e.g. "${node.datacenter}"');
    }
    // "Affinity weight cannot be zero" (unset is 50, api/tasks.go (*Affinity).Canonicalize).
    if (affinity.weight === 0) {
      add(
        'out-of-range',
        `${at}.weight`,
        'an affinity weight of 0 has no effect: received 0, allowed -100 to -1 or 1 to 100',
      );
    }
  });
}

function spreadIssues(spreads: readonly SpreadProps[] | undefined, path: string, add: Add): void {
  // structs.go (*Spread).Validate.
  spreads?.forEach((spread, i) => {
    const at = `${path}[${i}]`;
    // "Missing spread attribute".
    if (spread.attribute === undefined || spread.attribute === '') {
      add('required', `${at}.attribute`, 'a spread needs an attribute, e.g. "${node.datacenter}"');
    }
    // "Spread block must have a positive weight from 0 to 100" (unset is 50, api/tasks.go (*Spread).Canonicalize).
    if (spread.weight === 0)
      add('out-of-range', `${at}.weight`, 'a spread weight must be positive: received 0, allowed 1 to 100');
    // "Spread target value %q already defined" / "Sum of spread target percentages must not be greater than 100%%;
    // got %d%%".
    const values = new Set<string>();
    let sum = 0;
    for (const target of spread.targets ?? []) {
      const value = str(target.value);
      if (value !== undefined) {
        if (values.has(value)) {
          add(
            'duplicate-name',
            `${at}.targets[${value}]`,
            `the spread target ${q(value)} is defined more than once: list each value once`,
          );
        }
        values.add(value);
      }
      sum += num(target.percent) ?? 0;
    }
    if (sum > 100) {
      add(
        'out-of-range',
        `${at}.targets`,
        `spread target percentages add up to more than 100: received ${sum}%, allowed at most 100%`,
      );
    }
  });
}

/** constraint.go validateConstraintAttribute. */
function constraintAttributeProblem(attribute: string): string | undefined {
  if (!attribute.startsWith('${')) return undefined;
  if (!attribute.endsWith('}')) {
    return `the attribute is missing a closing brace: received ${q(attribute)}; write it as "\${attr.kernel.name}"`;
  }
  const interior = attribute.slice(2, -1);
  const exact = ['node.unique.id', 'node.datacenter', 'node.unique.name', 'node.class', 'node.pool'];
  if (exact.includes(interior) || interior.startsWith('attr.') || interior.startsWith('meta.')) return undefined;
  return `the attribute is not one Nomad can resolve: received ${q(attribute)}, allowed \${attr.*}, \${meta.*}, ${exact.map((e) => `\${${e}}`).join(', ')}`;
}

/**
 * Whether Go's RE2 compiles `pattern`, approximated with JavaScript's parser: RE2's own syntax (`(?P<name>`, inline
 * flags, `\A`, `\z`) is translated first, and what RE2 lacks (lookaround, backreferences, repeats over 1000) is
 * rejected as Go would.
 */
function re2Problem(pattern: string): string | undefined {
  const lookaround = /\(\?<?[=!]/.exec(pattern);
  if (lookaround)
    return `error parsing regexp: invalid or unsupported Perl syntax: \`${lookaround[0]}\` (RE2 has no lookaround)`;
  const backreference = /(?<!\\)(?:\\\\)*\\([1-9])/.exec(pattern);
  if (backreference)
    return `error parsing regexp: invalid escape sequence: \`\\${backreference[1]}\` (RE2 has no backreferences)`;
  for (const match of pattern.matchAll(/\{(\d+)(?:,(\d*))?\}/g)) {
    if (Number(match[1]) > 1000 || (match[2] && Number(match[2]) > 1000)) {
      return `error parsing regexp: invalid repeat count: \`${match[0]}\` (at most 1000)`;
    }
  }
  const translated = pattern
    .replace(/\(\?P</g, '(?<')
    .replace(/\(\?[imsU-]+\)/g, '')
    .replace(/\(\?[imsU-]+:/g, '(?:')
    .replace(/\\A/g, '^')
    .replace(/\\z/g, '$');
  try {
    new RegExp(translated);
    return undefined;
  } catch (error) {
    return `error parsing regexp: ${(error as Error).message.replace(/^Invalid regular expression: /, '')}`;
  }
}

// github.com/hashicorp/go-version: VersionRegexpRaw / SemverRegexpRaw and the constraint operators of
// constraint.go (go-version) and helper/constraints/semver/constraints.go (Nomad, no "~>").
const VERSION_PATTERN = String.raw`v?([0-9]+(\.[0-9]+)*?)(-([0-9]+[0-9A-Za-z\-~]*(\.[0-9A-Za-z\-~]+)*)|(-?([A-Za-z\-~]+[0-9A-Za-z\-~]*(\.[0-9A-Za-z\-~]+)*)))?(\+([0-9A-Za-z\-~]+(\.[0-9A-Za-z\-~]+)*))??`;
const SEMVER_PATTERN = String.raw`v?([0-9]+(\.[0-9]+)*?)(-([0-9]+[0-9A-Za-z\-~]*(\.[0-9A-Za-z\-~]+)*)|(-([A-Za-z\-~]+[0-9A-Za-z\-~]*(\.[0-9A-Za-z\-~]+)*)))?(\+([0-9A-Za-z\-~]+(\.[0-9A-Za-z\-~]+)*))??`;
const VERSION_OPERATORS = ['~>', '>=', '<=', '!=', '=', '>', '<', ''];
const SEMVER_OPERATORS = ['>=', '<=', '!=', '=', '>', '<', ''];

function versionConstraintProblem(value: string, operators: readonly string[], version: string): string | undefined {
  // Go's \s is [\t\n\f\r ].
  const space = '[\\t\\n\\f\\r ]*';
  const ops = operators.map((op) => op.replace(/[~>=!<]/g, (c) => `\\${c}`)).join('|');
  const single = new RegExp(`^${space}(${ops})${space}(${version})${space}$`);
  for (const part of value.split(',')) {
    const match = single.exec(part);
    // "Malformed constraint: %s".
    if (!match) return `malformed constraint: received ${q(part)}`;
    const segments = (match[2] ?? '').replace(/^v/, '').split(/[-+]/)[0]?.split('.') ?? [];
    // go-version newVersion: "Error parsing version" when a segment overflows int64.
    if (segments.some((s) => BigInt(s) > 9223372036854775807n))
      return `a version segment is too large: received ${q(part)}`;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Update, migrate, restart, reschedule: merged settings

/** A block's settings after Nomad's defaults and inheritance; `path` is unset for a default. */
/** A setting after merging: its value, and where the user set it (no path: Nomad's default). */
class Setting {
  constructor(
    readonly value: unknown,
    private readonly layerPath?: string,
    private readonly key?: string,
  ) {}

  /** Built on demand: only messages read it, and validation runs before every render. */
  get path(): string | undefined {
    return this.layerPath === undefined ? undefined : `${this.layerPath}.${this.key}`;
  }
}

type Settings = Record<string, Setting>;

function effective(defaults: Record<string, unknown>, ...layers: { props?: object; path: string }[]): Settings {
  const out: Settings = {};
  for (const key in defaults) out[key] = new Setting(defaults[key]);
  for (const layer of layers) {
    const props = layer.props as Record<string, unknown> | undefined;
    if (!props) continue;
    for (const key in props) {
      const value = props[key];
      if (value !== undefined && key !== 'raw') out[key] = new Setting(value, layer.path, key);
    }
  }
  return out;
}

interface DurationSetting {
  readonly nanos: bigint;
  readonly value: Duration;
  readonly path?: string;
}

function durationSetting(settings: Settings, key: string): DurationSetting | undefined {
  const setting = settings[key];
  if (!(setting?.value instanceof Duration)) return undefined;
  return { nanos: setting.value.toNanosBigInt(), value: setting.value, path: setting.path };
}

function numberSetting(settings: Settings, key: string): { value: number; path?: string } | undefined {
  const setting = settings[key];
  if (typeof setting?.value !== 'number') return undefined;
  return { value: setting.value, path: setting.path };
}

/**
 * A setting as messages show it, marked when it is Nomad's default. Formatted only
 * when a message needs it: validation runs before every render.
 */
function textOf(setting: { readonly value: Duration | number; readonly path?: string }): string {
  const text = setting.value instanceof Duration ? setting.value.toGoString() : String(setting.value);
  return withDefault(text, setting.path);
}

function withDefault(text: string, path: string | undefined): string {
  return path === undefined ? `${text} (Nomad's default)` : text;
}

/** The path of the first setting the user wrote, for an issue about several settings. */
function firstSet(fallback: string, ...settings: ({ path?: string } | undefined)[]): string {
  return settings.find((s) => s?.path !== undefined)?.path ?? fallback;
}

// structs.go DefaultUpdateStrategy (api/jobs.go gives service jobs this block when they have none).
const UPDATE_DEFAULTS = {
  stagger: Duration.seconds(30),
  maxParallel: 1,
  healthCheck: 'checks',
  minHealthyTime: Duration.seconds(10),
  healthyDeadline: Duration.minutes(5),
  progressDeadline: Duration.minutes(10),
  autoRevert: false,
  autoPromote: false,
  canary: 0,
};

function updateIssues(update: Settings, path: string, add: Add): void {
  // structs.go (*UpdateStrategy).Validate.
  const maxParallel = numberSetting(update, 'maxParallel');
  if (maxParallel && maxParallel.value < 0) {
    // "Max parallel can not be less than zero: %d < 0".
    add(
      'out-of-range',
      firstSet(path, maxParallel),
      `maxParallel is negative: received ${textOf(maxParallel)}, allowed 0 or more (0 disables deployments)`,
    );
  }
  const canary = numberSetting(update, 'canary');
  if (canary && canary.value < 0) {
    // "Canary count can not be less than zero: %d < 0".
    add('out-of-range', firstSet(path, canary), `canary is negative: received ${textOf(canary)}, allowed 0 or more`);
  }
  const autoPromote = update.autoPromote;
  if (canary && canary.value === 0 && autoPromote?.value === true) {
    // "Auto Promote requires a Canary count greater than zero".
    add(
      'conflict',
      firstSet(path, autoPromote),
      `autoPromote promotes canaries, but canary is ${textOf(canary)}: set canary to 1 or more, or drop autoPromote`,
    );
  }
  const minHealthy = durationSetting(update, 'minHealthyTime');
  const healthy = durationSetting(update, 'healthyDeadline');
  const progress = durationSetting(update, 'progressDeadline');
  const stagger = durationSetting(update, 'stagger');
  // "Minimum healthy time may not be less than zero: %v" / "Healthy deadline must be greater than zero: %v" /
  // "Progress deadline must be zero or greater: %v" / "Stagger must be greater than zero: %v".
  if (minHealthy && minHealthy.nanos < 0n)
    add(
      'invalid-duration',
      firstSet(path, minHealthy),
      `minHealthyTime is negative: received ${textOf(minHealthy)}, allowed 0 or more`,
    );
  if (healthy && healthy.nanos <= 0n)
    add(
      'invalid-duration',
      firstSet(path, healthy),
      `healthyDeadline must be greater than 0: received ${textOf(healthy)}`,
    );
  if (progress && progress.nanos < 0n)
    add(
      'invalid-duration',
      firstSet(path, progress),
      `progressDeadline is negative: received ${textOf(progress)}, allowed 0 (no deadline) or more`,
    );
  if (stagger && stagger.nanos <= 0n)
    add('invalid-duration', firstSet(path, stagger), `stagger must be greater than 0: received ${textOf(stagger)}`);
  // "Minimum healthy time must be less than healthy deadline: %v > %v".
  // (Relations are not re-reported when one side is already out of range.)
  if (minHealthy && healthy && healthy.nanos > 0n && minHealthy.nanos >= healthy.nanos) {
    add(
      'conflict',
      firstSet(path, minHealthy, healthy),
      `minHealthyTime must be less than healthyDeadline: received minHealthyTime ${textOf(minHealthy)} and healthyDeadline ${textOf(healthy)}`,
    );
  }
  // "Healthy deadline must be less than progress deadline: %v > %v" (progress_deadline 0 disables it).
  if (healthy && progress && healthy.nanos > 0n && progress.nanos > 0n && healthy.nanos >= progress.nanos) {
    add(
      'conflict',
      firstSet(path, healthy, progress),
      `healthyDeadline must be less than progressDeadline: received healthyDeadline ${textOf(healthy)} and progressDeadline ${textOf(progress)}; raise progressDeadline or set it to 0`,
    );
  }
}

// structs.go DefaultMigrateStrategy (api/tasks.go (*MigrateStrategy).Canonicalize).
const MIGRATE_DEFAULTS = {
  maxParallel: 1,
  healthCheck: 'checks',
  minHealthyTime: Duration.seconds(10),
  healthyDeadline: Duration.minutes(5),
};

function migrateIssues(migrate: Settings, path: string, add: Add): void {
  // structs.go (*MigrateStrategy).Validate: "MaxParallel must be >= 0 but found %d" / "MinHealthyTime is %s and must
  // be >= 0" / "HealthyDeadline is %s and must be >= 0" / "MinHealthyTime must be less than HealthyDeadline".
  const maxParallel = numberSetting(migrate, 'maxParallel');
  if (maxParallel && maxParallel.value < 0)
    add(
      'out-of-range',
      firstSet(path, maxParallel),
      `maxParallel is negative: received ${textOf(maxParallel)}, allowed 0 or more`,
    );
  const minHealthy = durationSetting(migrate, 'minHealthyTime');
  const healthy = durationSetting(migrate, 'healthyDeadline');
  if (minHealthy && minHealthy.nanos < 0n)
    add(
      'invalid-duration',
      firstSet(path, minHealthy),
      `minHealthyTime is negative: received ${textOf(minHealthy)}, allowed 0 or more`,
    );
  if (healthy && healthy.nanos < 0n)
    add(
      'invalid-duration',
      firstSet(path, healthy),
      `healthyDeadline is negative: received ${textOf(healthy)}, allowed 0 or more`,
    );
  if (minHealthy && healthy && healthy.nanos >= 0n && minHealthy.nanos > healthy.nanos) {
    add(
      'conflict',
      firstSet(path, minHealthy, healthy),
      `minHealthyTime must not exceed healthyDeadline: received minHealthyTime ${textOf(minHealthy)} and healthyDeadline ${textOf(healthy)}`,
    );
  }
}

// api/tasks.go defaultServiceJobRestartPolicy / defaultBatchJobRestartPolicy (service and system; all others).
// Nomad's restart defaults by job type (see the Canonicalize note where they are used); built once, Durations are immutable.
const SERVICE_RESTART_DEFAULTS = {
  attempts: 2,
  interval: Duration.minutes(30),
  delay: Duration.seconds(15),
  mode: 'fail',
};
const BATCH_RESTART_DEFAULTS = { attempts: 3, interval: Duration.hours(24), delay: Duration.seconds(15), mode: 'fail' };

function restartDefaults(type: string): Record<string, unknown> {
  return type === 'service' || type === 'system' ? SERVICE_RESTART_DEFAULTS : BATCH_RESTART_DEFAULTS;
}

function restartIssues(restart: Settings, path: string, add: Add): void {
  // structs.go (*RestartPolicy).Validate.
  const attempts = numberSetting(restart, 'attempts');
  const interval = durationSetting(restart, 'interval');
  const delay = durationSetting(restart, 'delay');
  const mode = restart.mode;
  // "Restart policy %q with %d attempts is ambiguous".
  if (attempts && attempts.value === 0 && typeof mode?.value === 'string' && mode.value !== 'fail') {
    add(
      'conflict',
      firstSet(path, attempts, mode),
      `mode ${q(mode.value)} with 0 attempts is ambiguous: set attempts to 1 or more, or use mode "fail"`,
    );
  }
  // "Interval can not be less than %v (got %v)" (RestartPolicyMinInterval = 5s).
  if (interval && interval.nanos < 5n * SECOND) {
    add(
      'invalid-duration',
      firstSet(path, interval),
      `the restart interval is too short: received ${textOf(interval)}, allowed 5s or more`,
    );
  }
  // "Nomad can't restart the TaskGroup %v times in an interval of %v with a delay of %v".
  if (attempts && interval && delay && BigInt(attempts.value) * delay.nanos > interval.nanos) {
    add(
      'conflict',
      firstSet(path, attempts, delay, interval),
      `${textOf(attempts)} attempts with a delay of ${textOf(delay)} do not fit in the interval of ${textOf(interval)}: make attempts × delay at most the interval`,
    );
  }
}

function allowsReschedule(type: string): boolean {
  return type !== 'system' && type !== 'sysbatch';
}

// api/tasks.go NewDefaultReschedulePolicy (service; batch).
const SERVICE_RESCHEDULE_DEFAULTS = {
  attempts: 0,
  interval: Duration.nanos(0),
  delay: Duration.seconds(30),
  delayFunction: 'exponential',
  maxDelay: Duration.hours(1),
  unlimited: true,
};
const BATCH_RESCHEDULE_DEFAULTS = {
  attempts: 1,
  interval: Duration.hours(24),
  delay: Duration.seconds(5),
  delayFunction: 'constant',
  maxDelay: Duration.nanos(0),
  unlimited: false,
};

function rescheduleDefaults(type: string): Record<string, unknown> {
  return type === 'service' ? SERVICE_RESCHEDULE_DEFAULTS : BATCH_RESCHEDULE_DEFAULTS;
}

function rescheduleIssues(policy: Settings, path: string, add: Add): void {
  // structs.go (*ReschedulePolicy).Validate, which only checks an enabled policy (attempts > 0 or unlimited).
  const attempts = numberSetting(policy, 'attempts');
  const unlimited = policy.unlimited;
  const interval = durationSetting(policy, 'interval');
  const delay = durationSetting(policy, 'delay');
  const maxDelay = durationSetting(policy, 'maxDelay');
  const delayFunction = typeof policy.delayFunction?.value === 'string' ? policy.delayFunction.value : undefined;
  if (!attempts || typeof unlimited?.value !== 'boolean' || !interval || !delay || !maxDelay || !delayFunction) return;
  if (!(attempts.value > 0 || unlimited.value)) return;
  const unlimitedText = withDefault(String(unlimited.value), unlimited.path);

  if (attempts.value > 0) {
    // "Interval must be a non zero value if Attempts > 0".
    if (interval.nanos <= 0n) {
      add(
        'invalid-duration',
        firstSet(path, interval, attempts),
        `attempts ${textOf(attempts)} need an interval to count them in: received interval ${textOf(interval)}; set interval, e.g. Duration.hours(1)`,
      );
    }
    // "If Attempts >0, Unlimited cannot also be set to true".
    if (unlimited.value) {
      add(
        'conflict',
        firstSet(path, attempts, unlimited),
        `attempts ${textOf(attempts)} limit rescheduling, but unlimited is ${unlimitedText}: set unlimited: false to limit attempts, or drop attempts`,
      );
    }
  }
  let delaysValid = true;
  // "Delay cannot be less than %v (got %v)" (ReschedulePolicyMinDelay = 5s).
  if (delay.nanos < 5n * SECOND) {
    add(
      'invalid-duration',
      firstSet(path, delay),
      `the reschedule delay is too short: received ${textOf(delay)}, allowed 5s or more`,
    );
    delaysValid = false;
  }
  if (delayFunction !== 'constant') {
    // "Max Delay cannot be less than %v (got %v)" / "Max Delay cannot be less than Delay %v (got %v)".
    if (maxDelay.nanos < 5n * SECOND) {
      add(
        'invalid-duration',
        firstSet(path, maxDelay),
        `maxDelay is too short for delay function ${q(delayFunction)}: received ${textOf(maxDelay)}, allowed 5s or more`,
      );
      delaysValid = false;
    }
    if (maxDelay.nanos < delay.nanos) {
      add(
        'conflict',
        firstSet(path, maxDelay, delay),
        `maxDelay is less than delay: received maxDelay ${textOf(maxDelay)} and delay ${textOf(delay)}`,
      );
      delaysValid = false;
    }
  }
  if (unlimited.value) return;
  // "Interval cannot be less than %v (got %v)" (ReschedulePolicyMinInterval = 15s).
  if (interval.nanos < 15n * SECOND) {
    add(
      'invalid-duration',
      firstSet(path, interval),
      `the reschedule interval is too short: received ${textOf(interval)}, allowed 15s or more`,
    );
  }
  if (!delaysValid) return;
  // (*ReschedulePolicy).validateDelayParams: "Nomad can only make %v attempts in %v with initial delay %v and delay
  // function %q" ... "Set the interval to at least %v to accommodate %v attempts".
  const viable = viableAttempts(attempts.value, interval.nanos, delay.nanos, maxDelay.nanos, delayFunction);
  if (!viable.valid) {
    const recommended = Duration.nanos(((viable.recommended + SECOND / 2n) / SECOND) * SECOND).toGoString();
    add(
      'conflict',
      firstSet(path, interval, attempts, delay),
      `Nomad can only make ${viable.possible} of ${textOf(attempts)} attempts in an interval of ${textOf(interval)} with delay ${textOf(delay)} and delay function ${q(delayFunction)}: set the interval to at least ${recommended}`,
    );
  }
}

/** structs.go (*ReschedulePolicy).viableAttempts. */
function viableAttempts(
  attempts: number,
  interval: bigint,
  delay: bigint,
  maxDelay: bigint,
  delayFunction: string,
): { valid: boolean; possible: number; recommended: bigint } {
  let possible = 0;
  let recommended = 0n;
  let valid = true;
  if (delayFunction === 'constant') {
    recommended = BigInt(attempts) * delay;
    if (interval < recommended) {
      possible = Number(interval / delay);
      valid = false;
    }
  } else if (delayFunction === 'exponential') {
    for (let i = 0; i < attempts; i++) {
      let next = 2n ** BigInt(i) * delay;
      if (next > maxDelay) {
        next = maxDelay;
        recommended += next;
      } else {
        recommended = next;
      }
      if (recommended < interval) possible++;
    }
    valid = possible >= attempts;
  } else if (delayFunction === 'fibonacci') {
    const slots = [delay, delay];
    let reachedCeiling = false;
    for (let i = 2; i < attempts; i++) {
      const previous = slots[i - 1] as bigint;
      let next: bigint;
      if (reachedCeiling) {
        next = previous + maxDelay;
      } else {
        next = previous + (slots[i - 2] as bigint);
        if (next > maxDelay) {
          next = maxDelay;
          reachedCeiling = true;
        }
      }
      slots.push(next);
    }
    recommended = slots[slots.length - 1] as bigint;
    if (interval < recommended) {
      valid = false;
      const index = slots.findIndex((slot) => slot > interval);
      possible = Math.max(index, 0);
    }
  }
  return { valid, possible: Math.max(possible, 0), recommended };
}

// ---------------------------------------------------------------------------------------------------------------
// Helpers

function isBatchLike(type: string): boolean {
  return type === 'batch' || type === 'sysbatch';
}

function allowsUpdate(type: string): boolean {
  return type === 'service' || type === 'system';
}

/** Reports the second and later items sharing a name; HCL expressions are skipped. */
function duplicates<T>(
  items: readonly T[],
  name: (item: T) => unknown,
  path: string,
  add: Add,
  message: (name: string, first: number, second: number) => string,
): void {
  const seen = new Map<string, number>();
  items.forEach((item, i) => {
    const value = name(item);
    if (typeof value !== 'string') return;
    const first = seen.get(value);
    if (first !== undefined) add('duplicate-name', `${path}[${value}]`, message(value, first + 1, i + 1));
    else seen.set(value, i);
  });
}

function negativeDuration(value: Duration | undefined, path: string, what: string, add: Add): void {
  if (value?.isNegative())
    add('invalid-duration', path, `${what} is negative: received ${value.toGoString()}, allowed 0 or more`);
}

/**
 * helper/escapingfs PathEscapesAllocViaRelative: joins `prefix` and `path` under the allocation directory (a leading
 * "/" does not make `path` absolute) and reports whether the result leaves it.
 */
function escapesAllocDir(prefix: string, path: string): boolean {
  const parts: string[] = [];
  for (const part of `alloc/${prefix}/${path}`.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) return true;
      parts.pop();
    } else parts.push(part);
  }
  return parts.length === 0 || parts[0] !== 'alloc';
}

/** structs.go (*TaskArtifact).validateChecksum. */
function checksumProblem(raw: string): string | undefined {
  // "Job struct validation occurs before interpolation": values with ${...} are not checked.
  if (raw.includes('${')) return undefined;
  const check = raw.trim();
  if (check === '') return 'the artifact checksum is empty: give "type:value", e.g. "sha256:abc..."';
  const parts = check.split(':');
  if (parts.length !== 2) return `the artifact checksum must be "type:value": received ${q(check)}`;
  const [type, value] = parts as [string, string];
  const lengths: Record<string, number> = { md5: 16, sha1: 20, sha256: 32, sha512: 64 };
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(value)) return `the artifact checksum is not hexadecimal: received ${q(value)}`;
  const expected = lengths[type];
  if (expected === undefined)
    return `unsupported checksum type: received ${q(type)}, allowed md5, sha1, sha256, sha512`;
  if (value.length / 2 !== expected) {
    return `invalid ${type} checksum: received ${value.length / 2} bytes, a ${type} checksum has ${expected} (${expected * 2} hex digits)`;
  }
  return undefined;
}

function isNumeric(port: string): boolean {
  // strconv.Atoi.
  return /^[+-]?\d+$/.test(port);
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' ? value : undefined;
}

function isString(value: unknown): value is string {
  return typeof value === 'string';
}

function asList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter(isString) : [];
}

/** How a list item is named in paths: its label, or `?` for an HCL expression. */
function labelOf(value: unknown): string {
  return typeof value === 'string' ? value : '?';
}

/** `list[label]`, or `list[index]` when the label is an HCL expression, as the schema layer names items. */
function itemPath(list: string, label: unknown, index: number): string {
  return `${list}[${typeof label === 'string' ? label : index}]`;
}

/** A value that is unset or a string (not an HCL expression). */
function isPlain(value: unknown): value is string | undefined {
  return value === undefined || typeof value === 'string';
}

function emptyStr(value: unknown): boolean {
  return value === undefined || value === '';
}

function q(value: string): string {
  return JSON.stringify(value);
}

function show(value: unknown): string {
  if (typeof value === 'string') return q(value);
  if (value instanceof Duration) return value.toGoString();
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return 'an HCL expression';
}

function listOrNone(values: readonly string[]): string {
  return values.length > 0 ? values.map(q).join(', ') : 'none';
}

function utf8Length(text: string): number {
  return new TextEncoder().encode(text).length;
}
