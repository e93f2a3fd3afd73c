import { itemPath } from '../../errors';
import { affinityIssues, constraintIssues, spreadIssues } from './constraint';
import { networkIssues } from './network';
import {
  allowsReschedule,
  effective,
  groupUpdate,
  MIGRATE_DEFAULTS,
  migrateIssues,
  rescheduleDefaults,
  rescheduleIssues,
  restartDefaults,
  restartIssues,
  updateIssues,
} from './policies';
import type { GroupProps } from './props';
import { groupServiceIssues } from './service';
import {
  allowsUpdate,
  duplicates,
  type GroupContext,
  type JobContext,
  labelOf,
  negativeDuration,
  num,
  q,
  show,
  str,
} from './support';
import { taskIssues } from './task';

export function groupIssues(jobCtx: JobContext, group: GroupProps, path: string): void {
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
