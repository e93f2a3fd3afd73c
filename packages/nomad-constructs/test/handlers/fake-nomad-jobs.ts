import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo, Server } from 'node:net';
import { type CertificateAndKey, createCa, createLeaf } from '../../src/handlers/certificates';

/** How a deployment of a job version ends in the fake. */
export type DeploymentOutcome = 'successful' | 'failed' | 'never';

type Json = Record<string, unknown>;

interface JobVersion {
  readonly Version: number;
  readonly spec: Json;
  Stable: boolean;
}

interface JobRecord {
  readonly ID: string;
  readonly Namespace: string;
  spec: Json;
  Version: number;
  JobModifyIndex: number;
  ModifyIndex: number;
  readonly CreateIndex: number;
  Stop: boolean;
  Status: string;
  readonly versions: JobVersion[];
}

interface EvaluationRecord {
  readonly ID: string;
  readonly JobID: string;
  readonly Namespace: string;
  Status: string;
  StatusDescription: string;
  readonly Type: string;
  readonly TriggeredBy: string;
  readonly JobModifyIndex: number;
  readonly CreateIndex: number;
  ModifyIndex: number;
  FailedTGAllocs: Json | null;
  /** Reads that still answer `pending`. */
  pendingReads: number;
}

interface DeploymentRecord {
  readonly ID: string;
  readonly JobID: string;
  readonly Namespace: string;
  readonly JobVersion: number;
  readonly JobModifyIndex: number;
  Status: string;
  StatusDescription: string;
  TaskGroups: Json;
  readonly CreateIndex: number;
  ModifyIndex: number;
  readonly outcome: DeploymentOutcome;
}

interface AllocationRecord {
  readonly ID: string;
  readonly Name: string;
  readonly JobID: string;
  readonly Namespace: string;
  readonly JobVersion: number;
  readonly TaskGroup: string;
  readonly NodeID: string;
  DesiredStatus: string;
  ClientStatus: string;
  DeploymentStatus: { Healthy: boolean | null } | null;
  TaskStates: Json;
  readonly CreateIndex: number;
  ModifyIndex: number;
}

/** One request the fake answered: method, path, query and whether it carried the right token. */
export interface RecordedRequest {
  readonly line: string;
  readonly query: Readonly<Record<string, string>>;
  readonly body: Json | undefined;
  readonly token: string | undefined;
}

/**
 * A Nomad server's job API over HTTPS, answering with the shapes and status codes of Nomad's
 * documented endpoints (website/content/api-docs/jobs.mdx, evaluations.mdx, deployments.mdx,
 * allocations.mdx; nomad/job_endpoint.go for check-and-set and unchanged specs):
 *
 * - `POST /v1/job/:id/plan`: the diff type (Added, Edited, None) and the current JobModifyIndex;
 * - `POST /v1/jobs` with `EnforceIndex`: "Enforcing job modify index" conflicts as HTTP 500; an
 *   unchanged spec keeps its version and JobModifyIndex but still gets an evaluation; periodic and
 *   parameterized jobs get none;
 * - evaluations, deployments and allocations with blocking queries (`?index=` and `X-Nomad-Index`):
 *   a blocking read of a running deployment moves it to the outcome the test chose for that version
 *   (`never` holds the query for its `wait`, like a deployment that makes no progress);
 * - a failed deployment of a job with `auto_revert` and a stable version registers that version
 *   again as a new one ("Failed due to unhealthy allocations - rolling back to job version N");
 * - `DELETE /v1/job/:id` with `purge`; 404 "job not found" for unknown jobs;
 * - only the deployer token (`X-Nomad-Token`) is accepted: anything else is a 403.
 *
 * Its certificate comes from a cluster CA and names `server.global.nomad`, as the servers' do.
 */
export class FakeNomadJobs {
  public readonly jobs = new Map<string, JobRecord>();
  public readonly evaluations = new Map<string, EvaluationRecord>();
  public readonly deployments = new Map<string, DeploymentRecord>();
  public readonly allocations: AllocationRecord[] = [];
  public readonly requests: RecordedRequest[] = [];
  /** Requests ("METHOD /path") whose effect happens but whose answer is lost (the connection drops). */
  public readonly dropAnswer = new Set<string>();
  /** How each new deployment ends, by the job spec it rolls out. @default every deployment succeeds */
  public outcome: (spec: Json) => DeploymentOutcome = () => 'successful';
  /** Reads a new evaluation answers `pending` before it is `complete`. */
  public evaluationPendingReads = 0;
  /** Placement failures the next evaluations report (FailedTGAllocs). */
  public placementFailures: Json | null = null;
  /** The client nodes a system job runs on. */
  public nodes = ['node-a', 'node-b'];
  /** Runs after each plan is answered (a test registers the job "elsewhere" there). */
  public afterPlan?: () => void;
  /** Whether new system-job allocations fail to start (a bad image). */
  public failAllocations = false;
  public port = 0;
  private index = 100;
  private server?: Server;

  private constructor(
    public readonly ca: CertificateAndKey,
    /** The only secret ID the fake accepts. */
    public readonly token: string,
  ) {}

  public static async create(token: string): Promise<FakeNomadJobs> {
    const ca = await createCa({ commonName: 'Test CA', validityDays: 30 });
    const leaf = await createLeaf({
      ca,
      commonName: 'server.global.nomad',
      dnsNames: ['localhost'],
      ipAddresses: ['127.0.0.1'],
      validityDays: 7,
    });
    const fake = new FakeNomadJobs(ca, token);
    const server = createServer({ key: leaf.privateKey, cert: leaf.certificate }, (req, res) => fake.handle(req, res));
    fake.server = server;
    fake.port = await new Promise((resolve) =>
      server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
    );
    return fake;
  }

  public async close(): Promise<void> {
    const server = this.server as Server & { closeAllConnections?: () => void };
    server.closeAllConnections?.();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  public job(namespace: string, id: string): JobRecord | undefined {
    return this.jobs.get(`${namespace}/${id}`);
  }

  /** The lines of the requests, without GETs. */
  public get writes(): string[] {
    return this.requests.map((request) => request.line).filter((line) => !line.startsWith('GET '));
  }

  /** Registers a job as someone else would have (another tool, another stack). */
  public registerOutside(spec: Json): JobRecord {
    return this.upsert(spec).job;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'https://nomad');
      const text = Buffer.concat(chunks).toString('utf8');
      const body = text === '' ? undefined : (JSON.parse(text) as Json);
      const token = req.headers['x-nomad-token'];
      const line = `${req.method} ${url.pathname}`;
      const query = Object.fromEntries(url.searchParams.entries());
      this.requests.push({ line, query, body, token: typeof token === 'string' ? token : undefined });
      const send = (status: number, payload: unknown, index?: number) => {
        if (this.dropAnswer.delete(line)) {
          req.socket.destroy();
          return;
        }
        res.writeHead(status, {
          'content-type': 'application/json',
          ...(index === undefined ? {} : { 'x-nomad-index': String(index) }),
        });
        res.end(typeof payload === 'string' ? payload : JSON.stringify(payload));
      };
      if (token !== this.token) {
        send(403, 'Permission denied');
        return;
      }
      this.route(req.method ?? '', url.pathname, query, body, send);
    });
  }

  private route(
    method: string,
    path: string,
    query: Record<string, string>,
    body: Json | undefined,
    send: (status: number, payload: unknown, index?: number) => void,
  ): void {
    const namespace = query.namespace ?? 'default';
    const blocking = query.index !== undefined && Number(query.index) > 0;
    const waitMs = parseWait(query.wait);
    const planPath = /^\/v1\/job\/([^/]+)\/plan$/.exec(path);
    const jobPath = /^\/v1\/job\/([^/]+)$/.exec(path);
    const jobListPath = /^\/v1\/job\/([^/]+)\/(evaluations|deployment|deployments|allocations)$/.exec(path);
    const evaluationPath = /^\/v1\/evaluation\/([^/]+)$/.exec(path);
    const deploymentPath = /^\/v1\/deployment\/([^/]+)$/.exec(path);

    if (method === 'POST' && planPath) {
      const spec = (body?.Job ?? {}) as Json;
      const existing = this.job(namespace, String(spec.ID));
      const type =
        existing === undefined ? 'Added' : sameSpec(existing.spec, spec) && !existing.Stop ? 'None' : 'Edited';
      send(200, {
        JobModifyIndex: existing?.JobModifyIndex ?? 0,
        Diff: { Type: type, ID: spec.ID },
        Annotations: { DesiredTGUpdates: desiredUpdates(spec, type) },
        FailedTGAllocs: this.placementFailures,
        Warnings: '',
      });
      this.afterPlan?.();
      return;
    }
    if (method === 'POST' && path === '/v1/jobs') {
      const spec = (body?.Job ?? {}) as Json;
      const existing = this.job(namespace, String(spec.ID));
      if (body?.EnforceIndex === true) {
        const expected = Number(body.JobModifyIndex);
        if (expected === 0 && existing !== undefined) {
          send(500, 'Enforcing job modify index 0: job already exists');
          return;
        }
        if (expected !== 0 && existing?.JobModifyIndex !== expected) {
          send(
            500,
            existing === undefined
              ? `Enforcing job modify index ${expected}: job does not exist`
              : `Enforcing job modify index ${expected}: job exists with conflicting job modify index: ${existing.JobModifyIndex}`,
          );
          return;
        }
      }
      const { job, evaluation } = this.upsert(spec);
      send(200, {
        EvalID: evaluation?.ID ?? '',
        EvalCreateIndex: evaluation?.CreateIndex ?? 0,
        JobModifyIndex: job.JobModifyIndex,
        Warnings: '',
      });
      return;
    }
    if (jobPath) {
      const job = this.job(namespace, decodeURIComponent(jobPath[1] ?? ''));
      if (job === undefined) {
        send(404, 'job not found');
        return;
      }
      if (method === 'GET') {
        send(200, jobView(job), job.ModifyIndex);
        return;
      }
      if (method === 'DELETE') {
        const index = ++this.index;
        if (query.purge === 'true') {
          this.jobs.delete(`${namespace}/${job.ID}`);
        } else {
          job.Stop = true;
          job.Status = 'dead';
          job.JobModifyIndex = index;
          job.ModifyIndex = index;
        }
        for (const allocation of this.allocations.filter((a) => a.JobID === job.ID && a.Namespace === namespace)) {
          allocation.DesiredStatus = 'stop';
          allocation.ClientStatus = 'complete';
        }
        const evaluation = this.newEvaluation(job, 'job-deregister', index);
        send(200, { EvalID: evaluation.ID, EvalCreateIndex: evaluation.CreateIndex, JobModifyIndex: index });
        return;
      }
    }
    if (method === 'GET' && jobListPath) {
      const id = decodeURIComponent(jobListPath[1] ?? '');
      const ofJob = <T extends { JobID: string; Namespace: string }>(items: Iterable<T>) =>
        [...items].filter((item) => item.JobID === id && item.Namespace === namespace);
      if (jobListPath[2] === 'evaluations') {
        send(200, ofJob(this.evaluations.values()).map(evaluationView), this.index);
      } else if (jobListPath[2] === 'allocations') {
        const allocations = ofJob(this.allocations);
        // Allocations start, then run (or fail): each read moves pending ones on.
        for (const allocation of allocations.filter((a) => a.ClientStatus === 'pending')) {
          allocation.ClientStatus = this.failAllocations ? 'failed' : 'running';
          allocation.DeploymentStatus = this.failAllocations ? null : { Healthy: true };
          allocation.ModifyIndex = ++this.index;
        }
        send(200, allocations.map(allocationView), this.index);
      } else {
        const deployments = ofJob(this.deployments.values()).sort((a, b) => b.CreateIndex - a.CreateIndex);
        send(
          200,
          jobListPath[2] === 'deployment'
            ? deployments[0]
              ? deploymentView(deployments[0])
              : null
            : deployments.map(deploymentView),
          this.index,
        );
      }
      return;
    }
    if (method === 'GET' && evaluationPath) {
      const evaluation = this.evaluations.get(decodeURIComponent(evaluationPath[1] ?? ''));
      if (evaluation === undefined) {
        send(404, 'eval not found');
        return;
      }
      if (evaluation.Status === 'pending') {
        if (evaluation.pendingReads > 0) {
          evaluation.pendingReads--;
        } else {
          evaluation.Status = 'complete';
          evaluation.ModifyIndex = ++this.index;
        }
      }
      send(200, evaluationView(evaluation), evaluation.ModifyIndex);
      return;
    }
    if (method === 'GET' && deploymentPath) {
      const deployment = this.deployments.get(decodeURIComponent(deploymentPath[1] ?? ''));
      if (deployment === undefined) {
        send(404, 'deployment not found');
        return;
      }
      if (blocking && Number(query.index) >= deployment.ModifyIndex && deployment.Status === 'running') {
        if (deployment.outcome === 'never') {
          // No progress: Nomad answers when the wait is over, with the same index.
          setTimeout(() => send(200, deploymentView(deployment), deployment.ModifyIndex), waitMs);
          return;
        }
        this.finish(deployment);
      }
      send(200, deploymentView(deployment), deployment.ModifyIndex);
      return;
    }
    send(404, `no route ${method} ${path}`);
  }

  /** Registers a spec: a new version unless it is unchanged (and not stopped); an evaluation unless periodic or parameterized. */
  private upsert(spec: Json): { job: JobRecord; evaluation?: EvaluationRecord } {
    const namespace = typeof spec.Namespace === 'string' ? spec.Namespace : 'default';
    const key = `${namespace}/${String(spec.ID)}`;
    const existing = this.jobs.get(key);
    const index = ++this.index;
    let job: JobRecord;
    let changed = true;
    if (existing === undefined) {
      job = {
        ID: String(spec.ID),
        Namespace: namespace,
        spec,
        Version: 0,
        JobModifyIndex: index,
        ModifyIndex: index,
        CreateIndex: index,
        Stop: false,
        Status: 'pending',
        versions: [{ Version: 0, spec, Stable: false }],
      };
      this.jobs.set(key, job);
    } else if (sameSpec(existing.spec, spec) && !existing.Stop) {
      job = existing;
      changed = false;
    } else {
      job = existing;
      job.spec = spec;
      job.Version += 1;
      job.JobModifyIndex = index;
      job.ModifyIndex = index;
      job.Stop = false;
      job.Status = 'pending';
      job.versions.push({ Version: job.Version, spec, Stable: false });
    }
    if (spec.Periodic != null || spec.ParameterizedJob != null) {
      return { job };
    }
    const evaluation = this.newEvaluation(job, 'job-register', job.JobModifyIndex);
    const type = spec.Type ?? 'service';
    if (changed && type === 'service') {
      this.newDeployment(job);
    }
    if (changed && type === 'system') {
      for (const allocation of this.allocations.filter((a) => a.JobID === job.ID && a.Namespace === namespace)) {
        allocation.DesiredStatus = 'stop';
      }
      for (const node of this.nodes) {
        this.allocations.push({
          ID: randomUUID(),
          Name: `${job.ID}.${groupName(spec)}[0]`,
          JobID: job.ID,
          Namespace: namespace,
          JobVersion: job.Version,
          TaskGroup: groupName(spec),
          NodeID: node,
          DesiredStatus: 'run',
          ClientStatus: 'pending',
          DeploymentStatus: null,
          TaskStates: this.failAllocations
            ? {
                app: {
                  Events: [
                    {
                      Type: 'Driver Failure',
                      DisplayMessage: 'Failed to pull `nginx:nope`: manifest unknown',
                      Time: 1,
                    },
                  ],
                },
              }
            : {},
          CreateIndex: ++this.index,
          ModifyIndex: this.index,
        });
      }
    }
    return { job, evaluation };
  }

  private newEvaluation(job: JobRecord, triggeredBy: string, jobModifyIndex: number): EvaluationRecord {
    const index = ++this.index;
    const evaluation: EvaluationRecord = {
      ID: randomUUID(),
      JobID: job.ID,
      Namespace: job.Namespace,
      Status: 'pending',
      StatusDescription: '',
      Type: String(job.spec.Type ?? 'service'),
      TriggeredBy: triggeredBy,
      JobModifyIndex: jobModifyIndex,
      CreateIndex: index,
      ModifyIndex: index,
      FailedTGAllocs: this.placementFailures,
      pendingReads: this.evaluationPendingReads,
    };
    this.evaluations.set(evaluation.ID, evaluation);
    return evaluation;
  }

  private newDeployment(job: JobRecord, outcome: DeploymentOutcome = this.outcome(job.spec)): DeploymentRecord {
    for (const running of [...this.deployments.values()].filter(
      (d) => d.JobID === job.ID && d.Namespace === job.Namespace && d.Status === 'running',
    )) {
      running.Status = 'cancelled';
      running.StatusDescription = 'Cancelled due to newer version of job';
      running.ModifyIndex = ++this.index;
    }
    const index = ++this.index;
    const deployment: DeploymentRecord = {
      ID: randomUUID(),
      JobID: job.ID,
      Namespace: job.Namespace,
      JobVersion: job.Version,
      JobModifyIndex: job.JobModifyIndex,
      Status: 'running',
      StatusDescription: 'Deployment is running',
      TaskGroups: {
        [groupName(job.spec)]: {
          DesiredTotal: groupCount(job.spec),
          PlacedAllocs: 0,
          HealthyAllocs: 0,
          UnhealthyAllocs: 0,
          AutoRevert: autoRevert(job.spec),
        },
      },
      CreateIndex: index,
      ModifyIndex: index,
      outcome,
    };
    this.deployments.set(deployment.ID, deployment);
    return deployment;
  }

  /** Ends a running deployment the way the test chose; a failure with auto_revert registers the last stable version. */
  private finish(deployment: DeploymentRecord): void {
    const job = this.job(deployment.Namespace, deployment.JobID) as JobRecord;
    const group = groupName(job.spec);
    const total = groupCount(job.spec);
    deployment.ModifyIndex = ++this.index;
    if (deployment.outcome === 'successful') {
      deployment.Status = 'successful';
      deployment.StatusDescription = 'Deployment completed successfully';
      deployment.TaskGroups = {
        [group]: { DesiredTotal: total, PlacedAllocs: total, HealthyAllocs: total, UnhealthyAllocs: 0 },
      };
      const version = job.versions.find((v) => v.Version === deployment.JobVersion);
      if (version !== undefined) {
        version.Stable = true;
      }
      job.Status = 'running';
      return;
    }
    deployment.Status = 'failed';
    deployment.TaskGroups = { [group]: { DesiredTotal: total, PlacedAllocs: 1, HealthyAllocs: 0, UnhealthyAllocs: 1 } };
    const stable = [...job.versions].reverse().find((v) => v.Stable && v.Version < deployment.JobVersion);
    if (!autoRevert(job.spec) || stable === undefined) {
      deployment.StatusDescription = 'Failed due to unhealthy allocations';
      return;
    }
    deployment.StatusDescription = `Failed due to unhealthy allocations - rolling back to job version ${stable.Version}`;
    // Nomad's deployment watcher registers the stable version as a new version, and rolls it out.
    const index = ++this.index;
    job.spec = stable.spec;
    job.Version += 1;
    job.JobModifyIndex = index;
    job.ModifyIndex = index;
    job.versions.push({ Version: job.Version, spec: stable.spec, Stable: false });
    this.newEvaluation(job, 'rollback', index);
    this.newDeployment(job, 'successful');
  }
}

function parseWait(wait: string | undefined): number {
  const match = /^(\d+)ms$/.exec(wait ?? '');
  return match ? Number(match[1]) : 300_000;
}

function sameSpec(a: Json, b: Json): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function groups(spec: Json): Json[] {
  return (spec.TaskGroups as Json[] | undefined) ?? [];
}

function groupName(spec: Json): string {
  return String(groups(spec)[0]?.Name ?? 'group');
}

function groupCount(spec: Json): number {
  return Number(groups(spec)[0]?.Count ?? 1);
}

function autoRevert(spec: Json): boolean {
  const jobUpdate = (spec.Update as Json | undefined)?.AutoRevert;
  return groups(spec).some((group) => ((group.Update as Json | undefined)?.AutoRevert ?? jobUpdate) === true);
}

function desiredUpdates(spec: Json, type: string): Json {
  return Object.fromEntries(
    groups(spec).map((group) => [
      group.Name,
      type === 'None'
        ? { Ignore: group.Count ?? 1 }
        : {
            Place: type === 'Added' ? (group.Count ?? 1) : 0,
            DestructiveUpdate: type === 'Edited' ? (group.Count ?? 1) : 0,
          },
    ]),
  );
}

function jobView(job: JobRecord): Json {
  return {
    ...job.spec,
    ID: job.ID,
    Name: job.ID,
    Namespace: job.Namespace,
    Type: job.spec.Type ?? 'service',
    Status: job.Status,
    Stop: job.Stop,
    Version: job.Version,
    JobModifyIndex: job.JobModifyIndex,
    ModifyIndex: job.ModifyIndex,
    CreateIndex: job.CreateIndex,
  };
}

function evaluationView({ pendingReads: _, ...evaluation }: EvaluationRecord): Json {
  return { ...evaluation };
}

function deploymentView({ outcome: _, ...deployment }: DeploymentRecord): Json {
  return { ...deployment };
}

function allocationView(allocation: AllocationRecord): Json {
  return { ...allocation };
}
