import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Job, type JobProps } from '@org/jobspec-builder';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createCa } from '../../src/handlers/certificates';
import { jobHandler } from '../../src/handlers/nomad-job';
import { substitutionPlaceholder } from '../../src/job/job-contract';
import { FakeNomadJobs } from './fake-nomad-jobs';
import { captureLogs, FakeSecrets, PLACEHOLDER } from './fakes';
import { type HarnessOptions, ResponseEndpoint, runThroughProvider } from './provider-harness';

const ARN = (name: string) => `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${name}-AbCdEf`;
const CA = ARN('CaCertificate');
const TOKEN = ARN('DeployerToken-default');
const TOKEN_SECRET_ID = '9f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f';

/** A service job as jobspec-builder renders it: canary, auto_revert (or not), health checks. */
function serviceJob(image: string, overrides: Partial<JobProps> = {}, autoRevert = true): Job {
  return new Job({
    id: 'web',
    nodePool: 'general',
    groups: [
      {
        name: 'web',
        count: 2,
        update: { maxParallel: 1, canary: 1, autoPromote: true, autoRevert },
        tasks: [{ name: 'app', driver: 'docker', config: { image } }],
      },
    ],
    ...overrides,
  });
}

/** The properties NomadJob passes (see the construct tests), for a job. */
function properties(job: Job, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const api = job.toApiJson().Job;
  return {
    ServerTagKey: 'NomadServerJoin',
    ServerTagValue: 'prod',
    NomadRegion: 'global',
    HttpPort: '4646',
    CaCertificateSecretArn: CA,
    TokenSecretArn: TOKEN,
    JobId: api.ID,
    Namespace: 'default',
    JobType: String(api.Type ?? 'service'),
    Periodic: String(api.Periodic !== undefined),
    Parameterized: String(api.ParameterizedJob !== undefined),
    Job: JSON.stringify({ Job: api }),
    Purge: 'false',
    TimeoutSeconds: '1800',
    ...extra,
  };
}

let requestCount = 0;
/** A CloudFormation request (the framework adds the response URL). */
function request(
  type: 'Create' | 'Update' | 'Delete',
  props: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  requestCount++;
  return {
    RequestType: type,
    ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:framework-onEvent',
    StackId: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/Apps/1',
    RequestId: `request-${requestCount}`,
    LogicalResourceId: 'WebJob',
    ResourceType: 'Custom::NomadJob',
    ResourceProperties: { ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:framework-onEvent', ...props },
    ...(type === 'Create' ? {} : { PhysicalResourceId: 'default/web' }),
    ...extra,
  };
}

describe('Custom::NomadJob handler, through CDK provider framework, against a Nomad job API', () => {
  const ec2 = mockClient(EC2Client);
  const s3 = mockClient(S3Client);
  let nomad: FakeNomadJobs;
  let secrets: FakeSecrets;
  let endpoint: ResponseEndpoint;
  let logs: ReturnType<typeof captureLogs>;
  let clock: number;

  beforeAll(async () => {
    endpoint = await ResponseEndpoint.start();
  });
  afterAll(async () => {
    ec2.restore();
    s3.restore();
    await endpoint.close();
  });

  beforeEach(async () => {
    nomad = await FakeNomadJobs.create(TOKEN_SECRET_ID);
    nomad.outcome = (spec) => (JSON.stringify(spec).includes('broken') ? 'failed' : 'successful');
    secrets = new FakeSecrets({
      [CA]: nomad.ca.certificate,
      [TOKEN]: JSON.stringify({ accessorId: 'a0b1c2d3-0000-4000-8000-000000000000', secretId: TOKEN_SECRET_ID }),
    });
    // Two servers found by their tag: the first does not answer, the second is the fake.
    ec2.on(DescribeInstancesCommand).resolves({
      Reservations: [{ Instances: [{ PrivateIpAddress: '10.0.1.4' }, { PrivateIpAddress: '10.0.2.5' }] }],
    });
    clock = Date.UTC(2026, 11, 7, 12, 0, 0);
    logs = captureLogs();
  });
  afterEach(async () => {
    logs.restore();
    secrets.restore();
    await nomad.close();
  });

  const handler = () =>
    jobHandler(
      {
        secrets: secrets.client,
        ec2: new EC2Client({ region: 'eu-west-1' }),
        s3: new S3Client({ region: 'eu-west-1' }),
      },
      {
        now: () => clock,
        // 10.0.1.4 is a closed port on loopback; 10.0.2.5 the fake server.
        addressOf: (ip) => (ip === '10.0.1.4' ? 'https://127.0.0.1:1' : `https://127.0.0.1:${nomad.port}`),
        // Each isComplete call follows the deployment for a moment: the outcome does not depend on how long.
        waitBudgetMs: 500,
      },
    );
  const run = (event: Record<string, unknown>, options: HarnessOptions = {}) =>
    runThroughProvider(handler() as (event: Record<string, unknown>) => Promise<unknown>, endpoint, event, {
      // Step Functions calls isComplete every query interval: ten seconds pass between calls.
      beforeIsComplete: () => {
        clock += 10_000;
      },
      ...options,
    });
  /** Nothing secret in what CloudFormation, its console and the logs show. */
  const expectNoSecret = (...shown: unknown[]) => {
    const text = JSON.stringify([...shown, logs.lines]);
    expect(text).not.toContain(TOKEN_SECRET_ID);
    expect(text).not.toContain(nomad.ca.privateKey.split('\n')[1]);
  };

  it('registers a new job with check-and-set after a plan, follows its deployment, and answers SUCCESS with the attributes', async () => {
    const { response } = await run(request('Create', properties(serviceJob('nginx:1.27'))));
    const deployment = [...nomad.deployments.values()][0];
    const evaluation = [...nomad.evaluations.values()][0];
    expect(response).toMatchObject({
      Status: 'SUCCESS',
      PhysicalResourceId: 'default/web',
      LogicalResourceId: 'WebJob',
      Data: { JobVersion: '0', DeploymentId: deployment?.ID, EvaluationId: evaluation?.ID },
    });
    expect(nomad.writes).toEqual(['POST /v1/job/web/plan', 'POST /v1/jobs']);
    const registration = nomad.requests.find((r) => r.line === 'POST /v1/jobs');
    expect(registration?.body).toMatchObject({ EnforceIndex: true, JobModifyIndex: 0, Job: { ID: 'web' } });
    // The deployment was followed with blocking queries (index from X-Nomad-Index, bounded wait).
    const blocking = nomad.requests.filter((r) => r.line === `GET /v1/deployment/${deployment?.ID}` && r.query.index);
    expect(blocking.length).toBeGreaterThan(0);
    expect(blocking[0]?.query.wait).toMatch(/^\d+ms$/);
    expect(nomad.requests.every((r) => r.token === TOKEN_SECRET_ID)).toBe(true);
    expectNoSecret(response);
  });

  it('skips a server that does not answer', async () => {
    const { response } = await run(request('Create', properties(serviceJob('nginx:1.27'))));
    expect(response.Status).toBe('SUCCESS');
    expect(logs.lines.join('\n')).toContain('no answer from a server: trying the next one');
  });

  it('waits with blocking queries for an evaluation still pending', async () => {
    nomad.evaluationPendingReads = 2;
    const { response } = await run(request('Create', properties(serviceJob('nginx:1.27'))));
    expect(response.Status).toBe('SUCCESS');
    const evaluation = [...nomad.evaluations.values()][0];
    const reads = nomad.requests.filter((r) => r.line === `GET /v1/evaluation/${evaluation?.ID}`);
    expect(reads.length).toBeGreaterThanOrEqual(3);
    expect(reads.slice(1).every((r) => Number(r.query.index) > 0)).toBe(true);
  });

  it("fails with Nomad's description when the deployment fails, so CloudFormation rolls back", async () => {
    const { response } = await run(request('Create', properties(serviceJob('nginx:broken', {}, false))));
    const deployment = [...nomad.deployments.values()][0];
    expect(response.Status).toBe('FAILED');
    expect(response.PhysicalResourceId).toBe('default/web');
    expect(response.Reason).toContain(
      `the deployment ${deployment?.ID} of the job "web" (version 0) failed: Failed due to unhealthy allocations.`,
    );
    expectNoSecret(response);
  });

  it('with auto_revert, fails once Nomad has reverted, and the rollback Update re-registers the previous version', async () => {
    const good = properties(serviceJob('nginx:1.27'));
    const bad = properties(serviceJob('nginx:broken'));
    expect((await run(request('Create', good))).response.Status).toBe('SUCCESS');

    const update = await run(request('Update', bad, { OldResourceProperties: good }));
    expect(update.response.Status).toBe('FAILED');
    expect(update.response.Reason).toContain(
      'failed: Failed due to unhealthy allocations - rolling back to job version 0. Nomad reverted the job to version 0 (now registered as version 2).',
    );
    // CloudFormation's rollback: an Update back to the previous properties.
    const rollback = await run(request('Update', good, { OldResourceProperties: bad }));
    expect(rollback.response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'default/web' });
    expect(rollback.response.Data?.JobVersion).toBe('2');
    const job = nomad.job('default', 'web');
    expect(JSON.stringify(job?.spec)).toContain('nginx:1.27');
    // The rollback registered the spec again (check-and-set on the reverted version): no new version needed.
    expect(job?.Version).toBe(2);
    expect(nomad.writes.filter((line) => line === 'POST /v1/jobs')).toHaveLength(3);
  });

  it('without auto_revert, the rollback Update registers the previous spec as a new version and waits for its deployment', async () => {
    const good = properties(serviceJob('nginx:1.27', {}, false));
    const bad = properties(serviceJob('nginx:broken', {}, false));
    await run(request('Create', good));
    expect((await run(request('Update', bad, { OldResourceProperties: good }))).response.Status).toBe('FAILED');
    const rollback = await run(request('Update', good, { OldResourceProperties: bad }));
    expect(rollback.response.Status).toBe('SUCCESS');
    expect(rollback.response.Data?.JobVersion).toBe('2');
    const job = nomad.job('default', 'web');
    expect(job?.versions.map((version) => [version.Version, JSON.stringify(version.spec).includes('broken')])).toEqual([
      [0, false],
      [1, true],
      [2, false],
    ]);
    const last = [...nomad.deployments.values()].at(-1);
    expect(last).toMatchObject({ JobVersion: 2, Status: 'successful' });
  });

  it('recovers when the answer to the registration is lost: plans again, sees it went through, registers nothing twice', async () => {
    nomad.dropAnswer.add('POST /v1/jobs');
    const { response } = await run(request('Create', properties(serviceJob('nginx:1.27'))));
    expect(response.Status).toBe('SUCCESS');
    expect(nomad.writes).toEqual(['POST /v1/job/web/plan', 'POST /v1/jobs', 'POST /v1/job/web/plan']);
    expect(nomad.job('default', 'web')?.Version).toBe(0);
    expect(response.Data?.EvaluationId).toBe([...nomad.evaluations.values()][0]?.ID);
  });

  it('retries the response when CloudFormation does not take it at first', async () => {
    endpoint.failNext = 2;
    const failedBefore = endpoint.failed;
    const { response } = await run(request('Create', properties(serviceJob('nginx:1.27'))));
    expect(endpoint.failed - failedBefore).toBe(2);
    expect(response.Status).toBe('SUCCESS');
  });

  it('fails with a clear reason when the deployment does not finish within the timeout', async () => {
    nomad.outcome = () => 'never';
    const { response, isCompleteCalls, timedOut } = await run(
      request('Create', properties(serviceJob('nginx:1.27'), { TimeoutSeconds: '120' })),
      { maxIsCompleteCalls: 100 },
    );
    const deployment = [...nomad.deployments.values()][0];
    expect(timedOut).toBe(false);
    // 10 s per call: the 2-minute deadline passes at the 12th.
    expect(isCompleteCalls).toBe(12);
    expect(response.Status).toBe('FAILED');
    expect(response.Reason).toContain(
      `the job "web" did not finish deploying within 2 minutes (the NomadJob timeout). The deployment ${deployment?.ID} is still running (Deployment is running)`,
    );
    expect(response.Reason).toContain(
      'CloudFormation rolls back; raise the timeout prop if the deployment needs longer.',
    );
  });

  it('says why allocations could not be placed when the deployment times out', async () => {
    nomad.outcome = () => 'never';
    nomad.placementFailures = {
      web: { NodesEvaluated: 0, CoalescedFailures: 1, ConstraintFiltered: {}, DimensionExhausted: {} },
    };
    const { response } = await run(request('Create', properties(serviceJob('nginx:1.27'), { TimeoutSeconds: '60' })), {
      maxIsCompleteCalls: 100,
    });
    expect(response.Status).toBe('FAILED');
    expect(response.Reason).toContain(
      'Allocations could not be placed: web: 2 unplaced (no node in the node pool and datacenters was eligible).',
    );
  });

  it('adopts a stopped job, and a job that already runs the same spec', async () => {
    const stopped = nomad.registerOutside({ ...serviceJob('nginx:1.0').toApiJson().Job });
    stopped.Stop = true;
    const adopted = await run(request('Create', properties(serviceJob('nginx:1.27'))));
    expect(adopted.response.Status).toBe('SUCCESS');
    expect(nomad.job('default', 'web')).toMatchObject({ Stop: false, Version: 1 });

    // Someone ran the very spec this stack deploys: adopted as it is, no new version.
    const api = serviceJob('nginx:1.27', { id: 'api' });
    nomad.registerOutside({ ...api.toApiJson().Job });
    const same = await run(request('Create', properties(api)));
    expect(same.response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'default/api' });
    expect(nomad.job('default', 'api')?.Version).toBe(0);
  });

  it('succeeds on Delete when no server of the cluster runs any more', async () => {
    ec2.on(DescribeInstancesCommand).resolves({ Reservations: [] });
    const { response } = await run(request('Delete', properties(serviceJob('nginx:1.27'))));
    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'default/web' });
    expect(nomad.requests).toEqual([]);
    expect(logs.lines.join('\n')).toContain('nothing to delete: no server of the cluster runs');
  });

  it('refuses to take over a job someone else runs, and leaves it alone on the Delete that follows', async () => {
    const outside = nomad.registerOutside({ ...serviceJob('nginx:1.0').toApiJson().Job });
    const create = await run(request('Create', properties(serviceJob('nginx:1.27'))));
    expect(create.response.Status).toBe('FAILED');
    expect(create.response.Reason).toContain(
      'a job "web" already runs in the namespace "default" (version 0, pending) and differs from this one: NomadJob does not take over a job it did not register. Stop and purge it (nomad job stop -purge -namespace default web), or give this job another ID.',
    );
    // A failed Create has no resource: the framework's marker ID makes CloudFormation's Delete a no-op.
    const del = await run(
      request('Delete', properties(serviceJob('nginx:1.27')), {
        PhysicalResourceId: create.response.PhysicalResourceId,
      }),
    );
    expect(del.response.Status).toBe('SUCCESS');
    expect(nomad.job('default', 'web')).toBe(outside);
    expect(outside.Stop).toBe(false);
  });

  it('deregisters the job on the Delete after a Create whose deployment failed', async () => {
    const props = properties(serviceJob('nginx:broken', {}, false));
    const create = await run(request('Create', props));
    expect(create.response).toMatchObject({ Status: 'FAILED', PhysicalResourceId: 'default/web' });
    const del = await run(request('Delete', props, { PhysicalResourceId: 'default/web' }));
    expect(del.response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'default/web' });
    expect(nomad.job('default', 'web')?.Stop).toBe(true);
    expect(nomad.requests.find((r) => r.line === 'DELETE /v1/job/web')?.query.purge).toBe('false');
  });

  it('purges the job on Delete with Purge, and succeeds when the job is already gone', async () => {
    const props = properties(serviceJob('nginx:1.27'), { Purge: 'true' });
    await run(request('Create', props));
    expect((await run(request('Delete', props))).response.Status).toBe('SUCCESS');
    expect(nomad.job('default', 'web')).toBeUndefined();
    expect((await run(request('Delete', props))).response.Status).toBe('SUCCESS');
  });

  it('replaces the resource when the job ID changes: a new physical ID, and the old job stopped by the Delete that follows', async () => {
    const before = properties(serviceJob('nginx:1.27'));
    await run(request('Create', before));
    const after = properties(serviceJob('nginx:1.27', { id: 'web2', groups: serviceJob('nginx:1.27').props.groups }));
    const update = await run(request('Update', after, { OldResourceProperties: before }));
    expect(update.response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'default/web2' });
    expect(nomad.job('default', 'web2')?.Version).toBe(0);
    const cleanup = await run(request('Delete', before, { PhysicalResourceId: 'default/web' }));
    expect(cleanup.response.Status).toBe('SUCCESS');
    expect(nomad.job('default', 'web')?.Stop).toBe(true);
    expect(nomad.job('default', 'web2')?.Stop).toBe(false);
  });

  it('fails with a check-and-set conflict when someone registers the job between the plan and the registration', async () => {
    const v1 = properties(serviceJob('nginx:1.27'));
    await run(request('Create', v1));
    nomad.afterPlan = () => {
      nomad.afterPlan = undefined;
      nomad.registerOutside({ ...serviceJob('nginx:1.29').toApiJson().Job });
    };
    const { response } = await run(
      request('Update', properties(serviceJob('nginx:1.28')), { OldResourceProperties: v1 }),
    );
    expect(response.Status).toBe('FAILED');
    expect(response.Reason).toContain(
      'the job "web" changed in Nomad between the plan and the registration (someone else registered it): nothing was registered. Deploy again.',
    );
    expect(JSON.stringify(nomad.job('default', 'web')?.versions.map((version) => version.spec))).not.toContain(
      'nginx:1.28',
    );
  });

  it('waits for every allocation of a system job to run, and fails with the task event when one fails', async () => {
    const system = new Job({
      id: 'agent',
      type: 'system',
      nodePool: 'all',
      groups: [{ name: 'agent', tasks: [{ name: 'app', driver: 'docker', config: { image: 'nginx:1.27' } }] }],
    });
    const created = await run(request('Create', properties(system)));
    expect(created.response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'default/agent' });
    expect(created.response.Data).toMatchObject({ JobVersion: '0', DeploymentId: '' });
    expect(nomad.allocations.filter((a) => a.ClientStatus === 'running')).toHaveLength(2);

    nomad.failAllocations = true;
    const broken = new Job({ ...system.props, meta: { release: '2' } });
    const update = await run(
      request('Update', properties(broken), {
        PhysicalResourceId: 'default/agent',
        OldResourceProperties: properties(system),
      }),
    );
    expect(update.response.Status).toBe('FAILED');
    expect(update.response.Reason).toContain(
      'allocations of the job "agent" (version 1) failed: agent.agent[0] on node node-a: app: Driver Failure: Failed to pull `nginx:nope`: manifest unknown',
    );
  });

  it('only registers batch, periodic and parameterized jobs', async () => {
    const parameterized = new Job({
      id: 'train',
      type: 'batch',
      nodePool: 'spot',
      parameterized: { payload: 'forbidden', metaRequired: ['output'] },
      groups: [{ name: 'train', tasks: [{ name: 'train', driver: 'docker', config: { image: 'trainer:1' } }] }],
    });
    const { response, isCompleteCalls } = await run(request('Create', properties(parameterized)));
    expect(response).toMatchObject({
      Status: 'SUCCESS',
      PhysicalResourceId: 'default/train',
      Data: { JobVersion: '0', DeploymentId: '', EvaluationId: '' },
    });
    expect(isCompleteCalls).toBe(1);
    expect(nomad.evaluations.size).toBe(0);
  });

  it('reads a large spec from S3 and fills in the deploy-time values', async () => {
    const placeholder = substitutionPlaceholder(0);
    const job = serviceJob(placeholder);
    s3.on(GetObjectCommand, { Bucket: 'cdk-assets', Key: 'spec.json' }).resolves({
      Body: { transformToString: async () => JSON.stringify(job.toApiJson()) } as never,
    });
    const { Job: _, ...props } = properties(job);
    const { response } = await run(
      request('Create', {
        ...props,
        JobLocation: { Bucket: 'cdk-assets', Key: 'spec.json' },
        Substitutions: { [placeholder]: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/web@sha256:abc' },
      }),
    );
    expect(response.Status).toBe('SUCCESS');
    expect(JSON.stringify(nomad.job('default', 'web')?.spec)).toContain(
      '"image":"123456789012.dkr.ecr.eu-west-1.amazonaws.com/web@sha256:abc"',
    );
  });

  it('refuses servers whose certificate the cluster CA did not sign, and sends them no token', async () => {
    const other = await createCa({ commonName: 'Another CA', validityDays: 30 });
    secrets.values.set(CA, other.certificate);
    const { response } = await run(request('Create', properties(serviceJob('nginx:1.27'))));
    expect(response.Status).toBe('FAILED');
    expect(response.Reason).toMatch(/no answer from https:\/\/127\.0\.0\.1:\d+.*certificate/);
    expect(nomad.requests).toEqual([]);
    expectNoSecret(response);
  });

  it('fails with a clear reason when the deployer token has not been written yet', async () => {
    secrets.values.set(TOKEN, PLACEHOLDER);
    const { response } = await run(request('Create', properties(serviceJob('nginx:1.27'))));
    expect(response.Status).toBe('FAILED');
    expect(response.Reason).toContain(
      `the deployer token in ${TOKEN} has not been created yet: the cluster's ACL resource (Custom::NomadAcl) writes it; deploy it first`,
    );
    expect(nomad.requests).toEqual([]);
  });

  it('answers FAILED, naming the property, when the properties do not match the contract', async () => {
    const { response } = await run(
      request('Create', properties(serviceJob('nginx:1.27')), {
        ResourceProperties: { ...properties(serviceJob('nginx:1.27')), TokenSecretArn: TOKEN, HttpPort: 'not a port' },
      }),
    );
    expect(response.Status).toBe('FAILED');
    expect(response.Reason).toContain('the resource properties do not match what this handler reads (HttpPort:');
  });
});
