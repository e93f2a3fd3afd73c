import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import {
  AutoScalingClient,
  CompleteLifecycleActionCommand,
  DescribeAutoScalingGroupsCommand,
  DescribeAutoScalingInstancesCommand,
  RecordLifecycleActionHeartbeatCommand,
} from '@aws-sdk/client-auto-scaling';
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NodeDrainConfig } from '../../src/cluster/node-drain-contract';
import { type CertificateAndKey, createCa, createLeaf } from '../../src/handlers/certificates';
import { NodeDrainer } from '../../src/handlers/node-drain';
import { captureLogs, FakeSecrets } from './fakes';

const TOKEN = 'd7a1c2b3-0000-4000-8000-000000000001';
const CONFIG: NodeDrainConfig = {
  serverTagKey: 'NomadServerJoin',
  serverTagValue: 'prod',
  httpPort: 4646,
  nomadRegion: 'global',
  caSecretArn: 'arn:aws:secretsmanager:eu-west-1:1:secret:CaCertificate',
  tokenSecretArn: 'arn:aws:secretsmanager:eu-west-1:1:secret:NodeDrainerToken',
  pools: [
    { group: 'prod-general-ASG', hook: 'nomad-drain-general', deadlineSeconds: 600 },
    { group: 'prod-batch-ASG', hook: 'nomad-drain-batch', deadlineSeconds: 3600 },
  ],
  spotDeadlineSeconds: 90,
};
const INSTANCE = 'i-0123456789abcdef0';

interface FakeNode {
  ID: string;
  Name: string;
  Status: string;
  SchedulingEligibility: string;
  DrainStrategy: { ForceDeadline: string; StartedAt: string } | null;
  LastDrain: { Status: string } | null;
}

/**
 * Nomad's node API over HTTPS (nomad/api-docs/nodes): list, read, eligibility and drain, answering
 * only the drainer's token (403 otherwise, as a token without node:write gets), with a certificate
 * for `server.global.nomad` from the cluster CA.
 */
class FakeNomadNodes {
  public readonly nodes = new Map<string, FakeNode>();
  public readonly requests: { line: string; body?: unknown }[] = [];
  public port = 0;
  private server?: Server;

  public constructor(
    public readonly ca: CertificateAndKey,
    private readonly now: () => number,
  ) {}

  public async start(): Promise<void> {
    const leaf = await createLeaf({
      ca: this.ca,
      commonName: 'server.global.nomad',
      dnsNames: ['localhost'],
      ipAddresses: ['127.0.0.1'],
      validityDays: 7,
    });
    this.server = createServer({ key: leaf.privateKey, cert: leaf.certificate }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const body = text === '' ? undefined : JSON.parse(text);
        const path = (req.url ?? '').split('?')[0] ?? '';
        this.requests.push({ line: `${req.method} ${path}`, body });
        if (req.headers['x-nomad-token'] !== TOKEN) {
          res.writeHead(403).end('Permission denied');
          return;
        }
        const [status, answer] = this.route(req.method ?? '', path, body);
        res.writeHead(status, { 'content-type': 'application/json', 'x-nomad-index': '42' });
        res.end(typeof answer === 'string' ? answer : JSON.stringify(answer));
      });
    });
    this.server.listen(0, '127.0.0.1');
    await new Promise((resolve) => this.server?.once('listening', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  public close(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  public addNode(name: string): FakeNode {
    const node: FakeNode = {
      ID: `5f8b${String(this.nodes.size).padStart(4, '0')}-0000-4000-8000-000000000000`,
      Name: name,
      Status: 'ready',
      SchedulingEligibility: 'eligible',
      DrainStrategy: null,
      LastDrain: null,
    };
    this.nodes.set(node.ID, node);
    return node;
  }

  /** Nomad's drainer finishes: every allocation has left the node. */
  public finishDrain(node: FakeNode): void {
    node.DrainStrategy = null;
    node.LastDrain = { Status: 'complete' };
  }

  private route(method: string, path: string, body: Record<string, unknown> | undefined): [number, unknown] {
    if (method === 'GET' && path === '/v1/nodes') {
      return [200, [...this.nodes.values()].map(({ ID, Name, Status }) => ({ ID, Name, Status }))];
    }
    const match = /^\/v1\/node\/([^/]+)(\/eligibility|\/drain)?$/.exec(path);
    const node = match ? this.nodes.get(decodeURIComponent(match[1] ?? '')) : undefined;
    if (node === undefined) {
      return [404, 'node not found'];
    }
    if (method === 'GET' && match?.[2] === undefined) {
      return [200, node];
    }
    if (method === 'POST' && match?.[2] === '/eligibility') {
      node.SchedulingEligibility = body?.Eligibility === 'eligible' ? 'eligible' : 'ineligible';
      return [200, { EvalIDs: [], NodeModifyIndex: 43 }];
    }
    if (method === 'POST' && match?.[2] === '/drain') {
      const spec = body?.DrainSpec as { Deadline: number };
      node.SchedulingEligibility = 'ineligible';
      node.DrainStrategy = {
        StartedAt: new Date(this.now()).toISOString(),
        ForceDeadline: new Date(this.now() + spec.Deadline / 1_000_000).toISOString(),
      };
      node.LastDrain = { Status: 'draining' };
      return [200, { EvalIDs: ['e1'], NodeModifyIndex: 44 }];
    }
    return [405, 'method not allowed'];
  }
}

describe('node-drain handler', () => {
  const autoscaling = mockClient(AutoScalingClient);
  const ec2 = mockClient(EC2Client);
  let nomad: FakeNomadNodes;
  let secrets: FakeSecrets;
  let logs: ReturnType<typeof captureLogs>;
  let clock: number;
  let node: FakeNode;

  beforeEach(async () => {
    clock = Date.UTC(2026, 11, 7, 12, 0, 0);
    logs = captureLogs();
    const ca = await createCa({ commonName: 'Nomad Agent CA (global)', validityDays: 30 });
    nomad = new FakeNomadNodes(ca, () => clock);
    await nomad.start();
    node = nomad.addNode(INSTANCE);
    nomad.addNode('i-0fffffffffffffff0');
    secrets = new FakeSecrets({
      [CONFIG.caSecretArn]: ca.certificate,
      [CONFIG.tokenSecretArn]: JSON.stringify({ accessorId: 'a-1', secretId: TOKEN }),
    });
    autoscaling.reset();
    ec2.reset();
    ec2.on(DescribeInstancesCommand).resolves({ Reservations: [{ Instances: [{ PrivateIpAddress: '10.0.1.4' }] }] });
    autoscaling.on(CompleteLifecycleActionCommand).resolves({});
    autoscaling.on(RecordLifecycleActionHeartbeatCommand).resolves({});
  });
  afterEach(async () => {
    logs.restore();
    secrets.restore();
    await nomad.close();
  });

  const drainer = (config: NodeDrainConfig = CONFIG) =>
    new NodeDrainer(
      config,
      { autoscaling: new AutoScalingClient({}), ec2: new EC2Client({}), secrets: secrets.client },
      { addressOf: () => `https://127.0.0.1:${nomad.port}`, now: () => clock, requestTimeoutMs: 5000 },
    );
  const terminating = {
    source: 'aws.autoscaling',
    'detail-type': 'EC2 Instance-terminate Lifecycle Action',
    detail: {
      AutoScalingGroupName: 'prod-general-ASG',
      LifecycleHookName: 'nomad-drain-general',
      EC2InstanceId: INSTANCE,
      LifecycleTransition: 'autoscaling:EC2_INSTANCE_TERMINATING',
    },
  };
  const waitingInstance = () =>
    autoscaling.on(DescribeAutoScalingGroupsCommand).resolves({
      AutoScalingGroups: [
        {
          AutoScalingGroupName: 'prod-general-ASG',
          Instances: [{ InstanceId: INSTANCE, LifecycleState: 'Terminating:Wait' } as never],
        } as never,
      ],
    });
  const completions = () => autoscaling.commandCalls(CompleteLifecycleActionCommand).map((call) => call.args[0].input);
  const heartbeats = () => autoscaling.commandCalls(RecordLifecycleActionHeartbeatCommand).length;

  it('marks a terminating node ineligible, drains it with the pool deadline, heartbeats, then completes once the drain is complete', async () => {
    expect(await drainer().handle(terminating)).toEqual([{ instanceId: INSTANCE, action: 'drain-started' }]);
    const writes = nomad.requests.filter((request) => request.line.startsWith('POST'));
    expect(writes).toEqual([
      { line: `POST /v1/node/${node.ID}/eligibility`, body: { NodeID: node.ID, Eligibility: 'ineligible' } },
      {
        line: `POST /v1/node/${node.ID}/drain`,
        body: {
          NodeID: node.ID,
          DrainSpec: { Deadline: 600 * 1e9, IgnoreSystemJobs: false },
          MarkEligible: false,
          Meta: { message: '@org/nomad-constructs: scale-in or replacement' },
        },
      },
    ]);
    expect(heartbeats()).toBe(1);
    expect(completions()).toEqual([]);

    // A minute later the schedule finds it still draining: another heartbeat, no second drain (which would reset the deadline).
    waitingInstance();
    clock += 60_000;
    expect(await drainer().handle({ source: 'aws.events', 'detail-type': 'Scheduled Event' })).toEqual([
      { instanceId: INSTANCE, action: 'draining' },
    ]);
    expect(nomad.requests.filter((request) => request.line.endsWith('/drain'))).toHaveLength(1);
    expect(heartbeats()).toBe(2);

    nomad.finishDrain(node);
    clock += 60_000;
    const [outcome] = await drainer().reconcile();
    expect(outcome).toMatchObject({ instanceId: INSTANCE, action: 'completed' });
    expect(completions()).toEqual([
      {
        AutoScalingGroupName: 'prod-general-ASG',
        LifecycleHookName: 'nomad-drain-general',
        InstanceId: INSTANCE,
        LifecycleActionResult: 'CONTINUE',
      },
    ]);
  });

  it('completes the hook once the drain deadline has passed (Nomad stopped what was left)', async () => {
    await drainer().handle(terminating);
    waitingInstance();
    clock += 600_000; // the deadline itself: Nomad is stopping the rest
    expect((await drainer().reconcile())[0]?.action).toBe('draining');
    clock += 31_000;
    const [outcome] = await drainer().reconcile();
    expect(outcome).toMatchObject({ action: 'completed-at-deadline' });
    expect(outcome?.detail).toContain('has passed');
    expect(completions()).toHaveLength(1);
  });

  it('lets a lost hook go without failing: the heartbeat finds no active lifecycle action', async () => {
    autoscaling.on(RecordLifecycleActionHeartbeatCommand).rejects(
      Object.assign(new Error('No active Lifecycle Action found with instance ID i-0123456789abcdef0'), {
        name: 'ValidationError',
      }),
    );
    const [outcome] = await drainer().handle(terminating);
    expect(outcome).toMatchObject({ instanceId: INSTANCE, action: 'hook-gone' });
    expect(logs.lines.join('\n')).toContain('the lifecycle action is gone');
  });

  it('completes at once an instance whose node never joined, or is down', async () => {
    expect(
      (
        await drainer().handle({
          ...terminating,
          detail: { ...terminating.detail, EC2InstanceId: 'i-0aaaaaaaaaaaaaaa0' },
        })
      )[0],
    ).toMatchObject({ action: 'completed-without-node' });
    node.Status = 'down';
    expect((await drainer().handle(terminating))[0]).toMatchObject({
      action: 'completed-without-node',
      detail: 'its node is down',
    });
    expect(completions()).toHaveLength(2);
    expect(nomad.requests.filter((request) => request.line.startsWith('POST'))).toEqual([]);
  });

  it('always answers the hook when Nomad cannot drain: no server, or a token Nomad refuses', async () => {
    ec2.on(DescribeInstancesCommand).resolves({ Reservations: [] });
    expect((await drainer().handle(terminating))[0]).toMatchObject({
      action: 'completed-unreachable',
      detail: 'no Nomad server runs',
    });
    ec2.on(DescribeInstancesCommand).resolves({ Reservations: [{ Instances: [{ PrivateIpAddress: '10.0.1.4' }] }] });
    secrets.values.set(CONFIG.tokenSecretArn, JSON.stringify({ accessorId: 'a-1', secretId: 'another-token' }));
    const [refused] = await drainer().handle(terminating);
    expect(refused).toMatchObject({ action: 'completed-unreachable' });
    expect(refused?.detail).toContain('403');
    expect(completions()).toHaveLength(2);
  });

  it('drains a Spot instance on its interruption warning within 90 seconds, and on a rebalance recommendation with the pool deadline', async () => {
    autoscaling.on(DescribeAutoScalingInstancesCommand).resolves({
      AutoScalingInstances: [{ InstanceId: INSTANCE, AutoScalingGroupName: 'prod-batch-ASG' } as never],
    });
    const warning = {
      source: 'aws.ec2',
      'detail-type': 'EC2 Spot Instance Interruption Warning',
      detail: { 'instance-id': INSTANCE, 'instance-action': 'terminate' },
    };
    expect(await drainer().handle(warning)).toEqual([{ instanceId: INSTANCE, action: 'drain-started' }]);
    const drain = nomad.requests.find((request) => request.line.endsWith('/drain'));
    expect(drain?.body).toMatchObject({
      DrainSpec: { Deadline: 90 * 1e9 },
      Meta: { message: '@org/nomad-constructs: Spot interruption warning' },
    });
    // The instance is not in a lifecycle action (yet): no hook call.
    expect(completions()).toEqual([]);
    expect(heartbeats()).toBe(0);

    const other = nomad.addNode('i-0bbbbbbbbbbbbbbb0');
    autoscaling.on(DescribeAutoScalingInstancesCommand).resolves({
      AutoScalingInstances: [{ InstanceId: other.Name, AutoScalingGroupName: 'prod-batch-ASG' } as never],
    });
    await drainer().handle({
      source: 'aws.ec2',
      'detail-type': 'EC2 Instance Rebalance Recommendation',
      detail: { 'instance-id': other.Name },
    });
    expect(nomad.requests.filter((request) => request.line.endsWith('/drain')).at(-1)?.body).toMatchObject({
      DrainSpec: { Deadline: 3600 * 1e9 },
    });
  });

  it('ignores instances outside the pools and lifecycle actions of other groups', async () => {
    autoscaling.on(DescribeAutoScalingInstancesCommand).resolves({ AutoScalingInstances: [] });
    expect(
      await drainer().handle({
        source: 'aws.ec2',
        'detail-type': 'EC2 Spot Instance Interruption Warning',
        detail: { 'instance-id': 'i-0ccc' },
      }),
    ).toEqual([{ instanceId: 'i-0ccc', action: 'not-in-cluster' }]);
    expect(
      await drainer().handle({
        ...terminating,
        detail: { ...terminating.detail, AutoScalingGroupName: 'someone-else' },
      }),
    ).toEqual([]);
    expect(nomad.requests).toEqual([]);
  });
});
