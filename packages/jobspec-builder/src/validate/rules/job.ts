import { utf8Length } from '../../go/strings';
import { validateCron, validateTimeZone } from '../../values';
import { affinityIssues, constraintIssues, spreadIssues } from './constraint';
import { allowsReschedule } from './policies';
import type { JobProps } from './props';
import { type Add, allowsUpdate, asList, isBatchLike, type JobContext, q, str } from './support';

export function jobIssues(ctx: JobContext): void {
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
