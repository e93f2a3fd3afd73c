import { DescribeImageScanFindingsCommand } from '@aws-sdk/client-ecr';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main';
import { FakeLoadBalancer, FakeNomad, healthyCluster } from './fake-nomad';
import { MANAGEMENT_TOKEN, mockDeployedStack, mocks, recordingIo, testDeps } from './test-deps';

let nomad: FakeNomad;
let loadBalancer: FakeLoadBalancer;

beforeAll(async () => {
  nomad = await FakeNomad.start();
  loadBalancer = await FakeLoadBalancer.start();
});
afterAll(async () => {
  await nomad.close();
  await loadBalancer.close();
});
beforeEach(() => {
  nomad.state = healthyCluster();
  loadBalancer.status = 200;
  mockDeployedStack(nomad.address, loadBalancer.url);
});

async function verify(): Promise<{ code: number; lines: string[]; err: string }> {
  const io = recordingIo();
  const code = await main(['verify'], io, testDeps());
  return { code, lines: io.out().trimEnd().split('\n'), err: io.err() };
}

const lineOf = (lines: string[], name: string) => lines.find((line) => line.slice(5).startsWith(`${name}:`));

describe('nomad-e2e verify', () => {
  it('prints one line per check and exits 0 when the cluster is healthy', async () => {
    const { code, lines, err } = await verify();
    expect(err).toBe('');
    expect(lines).toEqual([
      `Verifying NomadReference-Nomad at ${nomad.address}`,
      'ok   leader: elected (10.0.1.10:4647)',
      'ok   voters: 3 voters (server-a, server-b, server-c)',
      'ok   client pools: general 2/2 ready, observability 1/1 ready, spot 1/1 ready',
      'ok   jobs: 3 healthy (hello-world, traefik, trainer)',
      `ok   hello-world: HTTP 200 from ${loadBalancer.url}: Hello from allocation 1a2b3c4d (node n1)`,
      expect.stringMatching(
        /^ok {3}trainer run: run verify-\d{8}T\d{6} complete, s3:\/\/nomadreference-databucket\/trainer\/verify-\d{8}T\d{6}\/ has model\.json and metrics\.json$/,
      ),
      'ok   image scans: no CRITICAL finding (hello-world-app, trainer)',
      'All 7 checks passed.',
    ]);
    expect(code).toBe(0);
    // The management token from Secrets Manager on every Nomad call; the run dispatched with its id.
    expect(nomad.requests.every((request) => request.token === MANAGEMENT_TOKEN)).toBe(true);
    const dispatch = nomad.requests.find((request) => request.path === '/v1/job/trainer/dispatch');
    expect(dispatch?.body).toMatchObject({ Meta: { run_id: expect.stringMatching(/^verify-/), epochs: '3' } });
    expect(mocks.s3.commandCalls(HeadObjectCommand).map((call) => call.args[0].input.Key)).toEqual([
      expect.stringMatching(/^trainer\/verify-.*\/model\.json$/),
      expect.stringMatching(/^trainer\/verify-.*\/metrics\.json$/),
    ]);
  });

  it('fails the leader check when no server is leader', async () => {
    nomad.state.leader = '';
    const { code, lines } = await verify();
    expect(lineOf(lines, 'leader')).toBe(
      "FAIL leader: no leader: the servers have not elected one. Run `nomad server members` and read the servers' logs (log group NomadLogs).",
    );
    expect(lines.at(-1)).toBe('1 of 7 checks failed.');
    expect(code).toBe(1);
  });

  it('fails the voters check with fewer than 3 voters, naming the peers', async () => {
    nomad.state.peers = [
      { Node: 'server-a', Voter: true },
      { Node: 'server-b', Voter: true },
      { Node: 'server-d', Voter: false },
    ];
    const { code, lines } = await verify();
    expect(lineOf(lines, 'voters')).toBe(
      'FAIL voters: expected 3 voters, found 2 of 3 raft peers (server-a, server-b, server-d non-voter). Run `nomad operator raft list-peers` and `nomad operator autopilot health`.',
    );
    expect(code).toBe(1);
  });

  it('fails the pools check when a pool has no ready client', async () => {
    nomad.state.nodes = nomad.state.nodes.map((node) =>
      node.NodePool === 'spot' ? { ...node, Status: 'down' } : node,
    );
    const { code, lines } = await verify();
    expect(lineOf(lines, 'client pools')).toBe(
      "FAIL client pools: pool spot has no ready client (1 registered). Run `nomad node status` and look at the pool's Auto Scaling group.",
    );
    expect(code).toBe(1);
  });

  it('fails the jobs check with the description of a failed deployment', async () => {
    nomad.state.deployments['hello-world'] = {
      ID: 'd1e2f3a4-0000-0000-0000-000000000000',
      Status: 'failed',
      StatusDescription: 'Failed due to unhealthy allocations - rolling back to job version 3',
    };
    const { code, lines } = await verify();
    expect(lineOf(lines, 'jobs')).toBe(
      "FAIL jobs: hello-world's deployment d1e2f3a4 is failed: Failed due to unhealthy allocations - rolling back to job version 3. Run `nomad job status <job>`.",
    );
    expect(code).toBe(1);
  });

  it('fails the jobs check for a stopped job and a group without a running allocation', async () => {
    nomad.state.jobs = [
      { ID: 'hello-world', Type: 'service', Status: 'dead', JobSummary: { Summary: {} } },
      { ID: 'traefik', Type: 'system', Status: 'running', JobSummary: { Summary: { traefik: { Running: 0 } } } },
    ];
    const { lines } = await verify();
    expect(lineOf(lines, 'jobs')).toBe(
      'FAIL jobs: hello-world is dead; traefik has no running allocation in traefik. Run `nomad job status <job>`.',
    );
  });

  it('fails the hello-world check on a 502 from the load balancer, saying where to look', async () => {
    loadBalancer.status = 502;
    const { code, lines } = await verify();
    expect(lineOf(lines, 'hello-world')).toBe(
      `FAIL hello-world: HTTP 502 from ${loadBalancer.url} (the load balancer has no healthy Traefik, or Traefik no healthy hello-world: \`nomad job status traefik\`, \`nomad job status hello-world\`)`,
    );
    expect(code).toBe(1);
  });

  it('fails the hello-world check when the stack has no load balancer', async () => {
    mockDeployedStack(nomad.address, undefined);
    const { lines } = await verify();
    expect(lineOf(lines, 'hello-world')).toBe(
      'FAIL hello-world: the stack has no load balancer (HelloWorldUrl output): deploy it with its UI (-c nomad:domainName=... nomad:hostedZoneId=... nomad:hostedZoneName=... nomad:allowedCidrs=...).',
    );
  });

  it('fails the trainer check with the failed task event of its allocation', async () => {
    nomad.state.trainerOutcome = 'failed';
    const { code, lines } = await verify();
    expect(lineOf(lines, 'trainer run')).toMatch(
      /^FAIL trainer run: run verify-\d{8}T\d{6} failed: allocation a1b2c3d4 failed \(Terminated: Exit Code: 1, Exit Message: "training data not found"\)\. `nomad alloc logs a1b2c3d4`$/,
    );
    expect(code).toBe(1);
  });

  it('fails the trainer check when the run completed without its model in the bucket', async () => {
    mocks.s3.on(HeadObjectCommand).rejects(Object.assign(new Error('NotFound'), { name: 'NotFound' }));
    const { lines } = await verify();
    expect(lineOf(lines, 'trainer run')).toMatch(
      /^FAIL trainer run: run verify-\S+ completed but s3:\/\/nomadreference-databucket\/trainer\/verify-\S+\/model\.json is missing\.$/,
    );
  });

  it('fails the image check on a CRITICAL finding, naming the image and the findings', async () => {
    mocks.ecr.on(DescribeImageScanFindingsCommand, { repositoryName: 'nomadreference-trainerrepository' }).resolves({
      imageScanStatus: { status: 'COMPLETE' },
      imageScanFindings: {
        findingSeverityCounts: { CRITICAL: 2, HIGH: 1 },
        findings: [
          { name: 'CVE-2026-0001', severity: 'CRITICAL' },
          { name: 'CVE-2026-0002', severity: 'CRITICAL' },
          { name: 'CVE-2026-0100', severity: 'HIGH' },
        ],
      },
    });
    const { code, lines } = await verify();
    expect(lineOf(lines, 'image scans')).toBe(
      'FAIL image scans: trainer: 2 CRITICAL findings (CVE-2026-0001, CVE-2026-0002).',
    );
    expect(code).toBe(1);
  });

  it('says in one line when the stack is not deployed', async () => {
    mocks.cloudFormation.reset();
    mocks.cloudFormation.rejects(new Error('Stack with id NomadReference does not exist'));
    const io = recordingIo();
    const code = await main(['verify'], io, testDeps());
    expect(io.err()).toBe(
      'nomad-e2e verify: stack NomadReference not found in this account and region: deploy it first (nomad-e2e deploy).\n',
    );
    expect(code).toBe(1);
  });
});
