import { describe, expect, it } from 'vitest';
import { formatPlanDiff, type JobPlanResponse, planChangesAllocations } from '../../src/client';
import { goDuration } from '../../src/client/plan-format';

/** The sample answer of `POST /v1/job/:job_id/plan` in Nomad's API docs, with its elided parts filled in. */
const newJobPlan: JobPlanResponse = {
  Index: 0,
  NextPeriodicLaunch: '0001-01-01T00:00:00Z',
  Warnings: '',
  Diff: {
    Type: 'Added',
    ID: 'example',
    Fields: [
      { Type: 'Added', Name: 'AllAtOnce', Old: '', New: 'false', Annotations: null },
      { Type: 'Added', Name: 'Type', Old: '', New: 'batch', Annotations: null },
    ],
    Objects: [
      {
        Type: 'Added',
        Name: 'Datacenters',
        Objects: null,
        Fields: [{ Type: 'Added', Name: 'Datacenters', Old: '', New: 'dc1', Annotations: null }],
      },
    ],
    TaskGroups: [
      {
        Updates: { create: 1 },
        Type: 'Added',
        Name: 'cache',
        Fields: [{ Type: 'Added', Name: 'Count', Old: '', New: '1', Annotations: null }],
        Objects: null,
        Tasks: [
          {
            Type: 'Added',
            Name: 'redis',
            Objects: null,
            Fields: [
              { Type: 'Added', Old: '', New: 'docker', Name: 'Driver', Annotations: null },
              { Type: 'Added', Old: '', New: '5000000000', Name: 'KillTimeout', Annotations: null },
            ],
            Annotations: ['forces create'],
          },
        ],
      },
    ],
  },
  CreatedEvals: [
    {
      ID: '312e6a6d-8d01-0daf-9105-14919a66dba3',
      JobID: 'example',
      TriggeredBy: 'job-register',
      Type: 'batch',
      Status: 'blocked',
      StatusDescription: 'created to place remaining allocations',
    },
  ],
  JobModifyIndex: 0,
  FailedTGAllocs: {
    cache: {
      CoalescedFailures: 3,
      AllocationTime: 46415,
      Scores: null,
      NodesEvaluated: 1,
      NodesFiltered: 0,
      NodesAvailable: { dc1: 1 },
      ClassFiltered: null,
      ConstraintFiltered: null,
      NodesExhausted: 1,
      ClassExhausted: null,
      DimensionExhausted: { cpu: 1 },
    },
  },
  Annotations: {
    DesiredTGUpdates: { cache: { DestructiveUpdate: 0, InPlaceUpdate: 0, Stop: 0, Migrate: 0, Place: 11, Ignore: 0 } },
  },
};

/** An update of a running job: a changed image, a new group, a removed group. */
const updatePlan: JobPlanResponse = {
  JobModifyIndex: 34,
  Diff: {
    Type: 'Edited',
    ID: 'example',
    Fields: [{ Type: 'Edited', Name: 'Priority', Old: '50', New: '60', Annotations: null }],
    Objects: null,
    TaskGroups: [
      {
        Type: 'Edited',
        Name: 'cache',
        Updates: { 'create/destroy update': 1, 'in-place update': 2 },
        Fields: [{ Type: 'Edited', Name: 'Count', Old: '2', New: '3', Annotations: ['forces create'] }],
        Objects: null,
        Tasks: [
          {
            Type: 'Edited',
            Name: 'redis',
            Annotations: ['forces create/destroy update'],
            Fields: [{ Type: 'Added', Name: 'Env[LOG_LEVEL]', Old: '', New: 'debug', Annotations: null }],
            Objects: [
              {
                Type: 'Edited',
                Name: 'Config',
                Objects: null,
                Fields: [
                  { Type: 'Edited', Name: 'image', Old: 'redis:7', New: 'redis:7.2', Annotations: null },
                  { Type: 'Deleted', Name: 'command', Old: 'redis-server', New: '', Annotations: null },
                  { Type: 'None', Name: 'ports[0]', Old: 'db', New: 'db', Annotations: null },
                ],
              },
            ],
          },
        ],
      },
      {
        Type: 'Added',
        Name: 'web',
        Updates: { create: 2 },
        Fields: [{ Type: 'Added', Name: 'Count', Old: '', New: '2', Annotations: null }],
        Objects: null,
        Tasks: [
          {
            Type: 'Added',
            Name: 'nginx',
            Annotations: ['forces create'],
            Objects: null,
            Fields: [{ Type: 'Added', Name: 'Driver', Old: '', New: 'docker', Annotations: null }],
          },
        ],
      },
      {
        Type: 'Deleted',
        Name: 'legacy',
        Updates: { destroy: 1 },
        Fields: null,
        Objects: null,
        Tasks: [{ Type: 'Deleted', Name: 'app', Annotations: ['forces destroy'], Fields: null, Objects: null }],
      },
      {
        Type: 'None',
        Name: 'sidecar',
        Updates: { ignore: 1 },
        Fields: null,
        Objects: null,
        Tasks: [{ Type: 'None', Name: 'envoy', Annotations: null, Fields: null, Objects: null }],
      },
    ],
  },
  Annotations: {
    DesiredTGUpdates: {
      cache: { DestructiveUpdate: 1, InPlaceUpdate: 2 },
      web: { Place: 2 },
      legacy: { Stop: 1 },
      sidecar: { Ignore: 1 },
    },
  },
  FailedTGAllocs: null,
  CreatedEvals: [
    { ID: 'e2', JobID: 'example', Status: 'pending', TriggeredBy: 'rolling-update', Wait: 30_000_000_000 },
  ],
  NextPeriodicLaunch: '0001-01-01T00:00:00Z',
  Warnings: '1 warning:\n\n* Group "cache" has warnings: update stanza is deprecated',
};

describe('formatPlanDiff', () => {
  it('prints the documented plan of a new job as nomad job plan does', () => {
    expect(formatPlanDiff(newJobPlan)).toMatchInlineSnapshot(`
      "+ Job: "example"
      + Task Group: "cache" (1 create)
        + Task: "redis" (forces create)

      Scheduler dry-run:
      - WARNING: Failed to place all allocations.
        Task Group "cache" (failed to place 4 allocations):
          * Resources exhausted on 1 nodes
          * Dimension "cpu" exhausted on 1 nodes"
    `);
  });

  it('prints an update with a marker per field, aligned values, and the scheduler counts per group', () => {
    expect(formatPlanDiff(updatePlan)).toMatchInlineSnapshot(`
      "+/- Job: "example"
      +/- Priority: "50" => "60"
      +/- Task Group: "cache" (1 create/destroy update, 2 in-place update)
        +/- Count: "2" => "3" (forces create)
        +/- Task: "redis" (forces create/destroy update)
          +   Env[LOG_LEVEL]: "debug"
          +/- Config {
            +/- image:    "redis:7" => "redis:7.2"
            -   command:  "redis-server"
                ports[0]: "db"
              }

      +   Task Group: "web" (2 create)
          + Task: "nginx" (forces create)

      -   Task Group: "legacy" (1 destroy)
          - Task: "app" (forces destroy)

          Task Group: "sidecar" (1 ignore)
            Task: "envoy"

      Scheduler dry-run:
      - All tasks successfully allocated.
      - Rolling update, next evaluation will be in 30s.

      Job Warnings:
      1 warning:

      * Group "cache" has warnings: update stanza is deprecated"
    `);
  });

  it('expands added and deleted groups and tasks in verbose mode', () => {
    const text = formatPlanDiff(updatePlan, { verbose: true });

    expect(text).toContain(
      '+   Task Group: "web" (2 create)\n    + Count: "2"\n    + Task: "nginx" (forces create)\n      + Driver: "docker"',
    );
    expect(text).toContain('-   Task Group: "legacy" (1 destroy)\n    - Task: "app" (forces destroy)\n');
    expect(formatPlanDiff(updatePlan)).not.toContain('Driver');
  });

  it('uses the edited marker it is given, keeping the alignment', () => {
    const text = formatPlanDiff(updatePlan, { editedMarker: '~' });

    expect(text).toContain('~ Job: "example"\n~ Priority: "50" => "60"\n~ Task Group: "cache"');
    expect(text).toContain(
      '    ~ Config {\n      ~ image:    "redis:7" => "redis:7.2"\n      - command:  "redis-server"\n        ports[0]: "db"\n      }',
    );
  });

  it('colors like the Nomad CLI only when asked', () => {
    const colored = formatPlanDiff(newJobPlan, { color: true });

    expect(colored).toContain('\u001b[32m+\u001b[0m \u001b[1mJob: "example"');
    expect(colored).toContain('\u001b[0m\u001b[32m1 create\u001b[0m)');
    expect(colored.endsWith('\u001b[0m')).toBe(true);
    expect(formatPlanDiff(newJobPlan)).not.toContain('\u001b');
  });

  it('prints a value that looks like a color tag as written', () => {
    const plan: JobPlanResponse = {
      JobModifyIndex: 1,
      Diff: {
        Type: 'Edited',
        ID: 'x',
        Fields: [{ Type: 'Edited', Name: 'Meta[note]', Old: '[red]', New: '[bold]loud', Annotations: null }],
      },
    };

    expect(formatPlanDiff(plan, { color: true })).toContain('Meta[note]: "[red]" => "[bold]loud"');
  });

  it('says which allocations a system job could not place on all nodes', () => {
    const plan: JobPlanResponse = {
      JobModifyIndex: 0,
      CreatedEvals: [{ ID: 'e', JobID: 'exporter', Status: 'blocked', Type: 'system' }],
      FailedTGAllocs: {
        exporter: {
          CoalescedFailures: 0,
          NodesEvaluated: 0,
          NodesAvailable: { dc1: 0 },
          ConstraintFiltered: { '${attr.kernel.name} = linux': 2 },
        },
      },
    };

    expect(formatPlanDiff(plan)).toMatchInlineSnapshot(`
      "Scheduler dry-run:
      - WARNING: Failed to place allocations on all nodes.
        Task Group "exporter" (failed to place 1 allocation):
          * No nodes were eligible for evaluation
          * No nodes are available in datacenter "dc1"
          * Constraint "\${attr.kernel.name} = linux": 2 nodes excluded by filter"
    `);
  });
});

describe('planChangesAllocations', () => {
  it('is true when allocations would be created, destroyed or replaced, like the exit code 1 of nomad job plan', () => {
    expect(planChangesAllocations(newJobPlan)).toBe(true);
    expect(planChangesAllocations(updatePlan)).toBe(true);
  });

  it('is false for no change or in-place updates only', () => {
    expect(planChangesAllocations({ JobModifyIndex: 9, Diff: { Type: 'None', ID: 'x' } })).toBe(false);
    expect(
      planChangesAllocations({
        JobModifyIndex: 9,
        Diff: { Type: 'Edited', ID: 'x' },
        Annotations: { DesiredTGUpdates: { web: { InPlaceUpdate: 3, Ignore: 1 } } },
      }),
    ).toBe(false);
  });
});

describe('goDuration', () => {
  it("prints nanoseconds the way Go's time.Duration does", () => {
    expect([0, 999, 1500, 250_000_000, 30e9, 90e9, 3600e9, 5400.5e9].map(goDuration)).toEqual([
      '0s',
      '999ns',
      '1.5µs',
      '250ms',
      '30s',
      '1m30s',
      '1h0m0s',
      '1h30m0.5s',
    ]);
  });
});
