import { itemPath, type JobspecIssue } from '../../errors';
import { groupIssues } from './group';
import { jobIssues } from './job';
import type { JobProps } from './props';
import { type Add, duplicates, type JobContext, q, str } from './support';

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
 * One module per family of Nomad's structs, as Nomad keeps a `Validate()` per struct: job, group, network, service,
 * check, task, constraint (with affinities and spreads) and policies (update, migrate, restart, reschedule).
 *
 * Enforced by the schema (src/schema/structs/, zod) instead of here: field types, enums (job type, lifecycle
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
