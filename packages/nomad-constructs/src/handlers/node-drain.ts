import {
  AutoScalingClient,
  CompleteLifecycleActionCommand,
  DescribeAutoScalingGroupsCommand,
  DescribeAutoScalingInstancesCommand,
  RecordLifecycleActionHeartbeatCommand,
} from '@aws-sdk/client-auto-scaling';
import { EC2Client } from '@aws-sdk/client-ec2';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { NomadApiError } from '@org/jobspec-builder/client';
import { NodeDrainConfig } from '../cluster/node-drain-contract';
import { log } from './custom-resource';
import { type ConnectionClients, type ConnectionOptions, endpointOf, NomadConnection } from './nomad-connection';

/** The AWS clients the handler uses (tests pass mocked ones). */
export interface NodeDrainClients extends ConnectionClients {
  readonly autoscaling: AutoScalingClient;
}

/** The events the function receives from EventBridge. */
interface EventBridgeEvent {
  readonly source?: string;
  readonly 'detail-type'?: string;
  readonly detail?: Readonly<Record<string, unknown>>;
}

/** What happened to one instance, for the log and the tests. */
export interface DrainOutcome {
  readonly instanceId: string;
  readonly action:
    | 'drain-started'
    | 'draining'
    | 'completed'
    | 'completed-at-deadline'
    | 'completed-without-node'
    | 'completed-unreachable'
    | 'hook-gone'
    | 'not-in-cluster';
  readonly detail?: string;
}

/** The node of an instance: clients are named after their instance id (the boot script sets `name`). */
interface NodeStub {
  readonly ID: string;
  readonly Name: string;
  readonly Status: string;
}

interface NodeDetail extends NodeStub {
  readonly SchedulingEligibility?: string;
  readonly DrainStrategy?: { readonly ForceDeadline?: string; readonly StartedAt?: string } | null;
  readonly LastDrain?: { readonly Status?: string } | null;
}

/** A little beyond Nomad's own drain deadline (its force-stop takes a moment) before the hook is let go. */
const DEADLINE_GRACE_MS = 30_000;

/**
 * Drains Nomad clients before their instances go (the `node-drain` function), with a token that has
 * `node:write` and nothing else:
 *
 * - a pool's terminate lifecycle hook (scale-in, a rolling update, a rebalance replacement) puts the
 *   instance in `Terminating:Wait`: the node is marked ineligible and drained with the pool's
 *   deadline; the hook is heartbeated while Nomad drains and completed (`CONTINUE`) as soon as the
 *   drain is complete, or once its deadline has passed (Nomad has then stopped what was left);
 * - a Spot interruption warning starts the same drain with a deadline that ends before the
 *   instance does; a rebalance recommendation starts it with the pool's deadline;
 * - every minute the function looks at every instance of the pools in `Terminating:Wait` and moves
 *   each drain on, so a drain longer than one run (or an event that was lost) finishes;
 * - an instance without a node (it never joined), or a cluster it cannot reach, has nothing to wait
 *   for: its hook is completed at once, so an instance is never left waiting for the hook's timeout
 *   without a reason in the log.
 */
export class NodeDrainer {
  private readonly now: () => number;

  public constructor(
    private readonly config: NodeDrainConfig,
    private readonly clients: NodeDrainClients,
    private readonly options: ConnectionOptions & { readonly now?: () => number } = {},
  ) {
    this.now = options.now ?? Date.now;
  }

  /** Handles one EventBridge event. */
  public async handle(event: EventBridgeEvent): Promise<DrainOutcome[]> {
    const detail = event.detail ?? {};
    switch (event['detail-type']) {
      case 'EC2 Instance-terminate Lifecycle Action': {
        const pool = this.config.pools.find(
          (candidate) => candidate.group === detail.AutoScalingGroupName && candidate.hook === detail.LifecycleHookName,
        );
        if (pool === undefined || typeof detail.EC2InstanceId !== 'string') {
          log('warn', 'a lifecycle action of a group or hook this function does not drain: ignored', { detail });
          return [];
        }
        return [await this.drainTerminating(detail.EC2InstanceId, pool)];
      }
      case 'EC2 Spot Instance Interruption Warning':
      case 'EC2 Instance Rebalance Recommendation': {
        const instanceId = detail['instance-id'];
        if (typeof instanceId !== 'string') {
          return [];
        }
        const spot = event['detail-type'] === 'EC2 Spot Instance Interruption Warning';
        return [await this.drainWarned(instanceId, spot)];
      }
      default:
        return this.reconcile();
    }
  }

  /** Moves on the drain of every instance of the pools that waits in `Terminating:Wait`. */
  public async reconcile(): Promise<DrainOutcome[]> {
    const groups = this.config.pools.map((pool) => pool.group);
    if (groups.length === 0) {
      return [];
    }
    const outcomes: DrainOutcome[] = [];
    const answer = await this.clients.autoscaling.send(
      new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: groups }),
    );
    for (const group of answer.AutoScalingGroups ?? []) {
      const pool = this.config.pools.find((candidate) => candidate.group === group.AutoScalingGroupName);
      for (const instance of group.Instances ?? []) {
        if (pool !== undefined && instance.LifecycleState === 'Terminating:Wait' && instance.InstanceId) {
          outcomes.push(await this.drainTerminating(instance.InstanceId, pool));
        }
      }
    }
    return outcomes;
  }

  private async drainTerminating(instanceId: string, pool: NodeDrainConfig['pools'][number]): Promise<DrainOutcome> {
    let connection: NomadConnection | undefined;
    try {
      connection = await this.connect();
      if (connection === undefined) {
        return await this.complete(instanceId, pool, 'completed-unreachable', 'no Nomad server runs');
      }
      const node = await this.nodeOf(connection, instanceId);
      if (node === undefined) {
        return await this.complete(instanceId, pool, 'completed-without-node', 'no Nomad node has this name');
      }
      if (node.Status === 'down') {
        return await this.complete(instanceId, pool, 'completed-without-node', 'its node is down');
      }
      if (node.DrainStrategy == null) {
        if (node.SchedulingEligibility === 'ineligible' && node.LastDrain?.Status === 'complete') {
          return await this.complete(instanceId, pool, 'completed', 'its drain is complete');
        }
        await this.startDrain(connection, node, pool.deadlineSeconds, 'scale-in or replacement');
        return await this.heartbeat(instanceId, pool, 'drain-started');
      }
      const deadline = Date.parse(node.DrainStrategy.ForceDeadline ?? '');
      if (Number.isFinite(deadline) && deadline > 0 && this.now() >= deadline + DEADLINE_GRACE_MS) {
        return await this.complete(
          instanceId,
          pool,
          'completed-at-deadline',
          `the drain deadline ${node.DrainStrategy.ForceDeadline} has passed`,
        );
      }
      return await this.heartbeat(instanceId, pool, 'draining');
    } catch (error) {
      // Nomad refused or failed: draining cannot go on, so the instance is not kept waiting for nothing.
      const reason = error instanceof Error ? error.message : String(error);
      log('error', 'cannot drain the node: letting its instance go', { instanceId, error: reason });
      return await this.complete(instanceId, pool, 'completed-unreachable', reason);
    } finally {
      connection?.close();
    }
  }

  private async drainWarned(instanceId: string, spot: boolean): Promise<DrainOutcome> {
    const pool = await this.poolOf(instanceId);
    if (pool === undefined) {
      return { instanceId, action: 'not-in-cluster' };
    }
    const connection = await this.connect();
    if (connection === undefined) {
      return { instanceId, action: 'not-in-cluster', detail: 'no Nomad server runs' };
    }
    try {
      const node = await this.nodeOf(connection, instanceId);
      if (node === undefined || node.Status === 'down') {
        return { instanceId, action: 'not-in-cluster', detail: 'no Nomad node to drain' };
      }
      if (node.DrainStrategy != null) {
        return { instanceId, action: 'draining' };
      }
      const deadline = spot ? Math.min(this.config.spotDeadlineSeconds, pool.deadlineSeconds) : pool.deadlineSeconds;
      await this.startDrain(
        connection,
        node,
        deadline,
        spot ? 'Spot interruption warning' : 'Spot rebalance recommendation',
      );
      return { instanceId, action: 'drain-started' };
    } finally {
      connection.close();
    }
  }

  private async startDrain(connection: NomadConnection, node: NodeDetail, deadlineSeconds: number, why: string) {
    await connection.call((client) => client.updateNodeEligibility(node.ID, false), { failover: true });
    await connection.call(
      (client) =>
        client.drainNode(node.ID, {
          deadlineMs: deadlineSeconds * 1000,
          meta: { message: `@org/nomad-constructs: ${why}` },
        }),
      { failover: false },
    );
    log('info', 'marked the node ineligible and started its drain', {
      nodeId: node.ID,
      name: node.Name,
      deadlineSeconds,
      why,
    });
  }

  private async heartbeat(
    instanceId: string,
    pool: NodeDrainConfig['pools'][number],
    action: 'drain-started' | 'draining',
  ): Promise<DrainOutcome> {
    try {
      await this.clients.autoscaling.send(
        new RecordLifecycleActionHeartbeatCommand({
          AutoScalingGroupName: pool.group,
          LifecycleHookName: pool.hook,
          InstanceId: instanceId,
        }),
      );
      return { instanceId, action };
    } catch (error) {
      return this.hookGone(instanceId, error);
    }
  }

  private async complete(
    instanceId: string,
    pool: NodeDrainConfig['pools'][number],
    action: DrainOutcome['action'],
    detail: string,
  ): Promise<DrainOutcome> {
    try {
      await this.clients.autoscaling.send(
        new CompleteLifecycleActionCommand({
          AutoScalingGroupName: pool.group,
          LifecycleHookName: pool.hook,
          InstanceId: instanceId,
          LifecycleActionResult: 'CONTINUE',
        }),
      );
      log('info', 'completed the lifecycle action: the instance may terminate', { instanceId, detail });
      return { instanceId, action, detail };
    } catch (error) {
      return this.hookGone(instanceId, error);
    }
  }

  /** The hook timed out (or someone completed it): the instance terminates anyway; nothing to do. */
  private hookGone(instanceId: string, error: unknown): DrainOutcome {
    const message = error instanceof Error ? error.message : String(error);
    if (!/No active Lifecycle Action/i.test(message)) {
      throw error;
    }
    log('warn', 'the lifecycle action is gone (its heartbeat timed out or it was completed)', {
      instanceId,
      error: message,
    });
    return { instanceId, action: 'hook-gone', detail: message };
  }

  private async poolOf(instanceId: string): Promise<NodeDrainConfig['pools'][number] | undefined> {
    const answer = await this.clients.autoscaling.send(
      new DescribeAutoScalingInstancesCommand({ InstanceIds: [instanceId] }),
    );
    const group = answer.AutoScalingInstances?.[0]?.AutoScalingGroupName;
    return this.config.pools.find((pool) => pool.group === group);
  }

  private connect(): Promise<NomadConnection | undefined> {
    return NomadConnection.open(endpointOf(this.config), this.clients, this.options);
  }

  private async nodeOf(connection: NomadConnection, instanceId: string): Promise<NodeDetail | undefined> {
    const { data: nodes } = await connection.call((client) => client.query<NodeStub[] | null>('/v1/nodes'), {
      failover: true,
    });
    const stub = (nodes ?? []).find((node) => node.Name === instanceId);
    if (stub === undefined) {
      return undefined;
    }
    try {
      const { data } = await connection.call(
        (client) => client.query<NodeDetail>(`/v1/node/${encodeURIComponent(stub.ID)}`),
        { failover: true },
      );
      return data;
    } catch (error) {
      if (error instanceof NomadApiError && error.status === 404) {
        return undefined;
      }
      throw error;
    }
  }
}

/** The Lambda entry point. */
export async function handler(event: EventBridgeEvent): Promise<DrainOutcome[]> {
  const config = NodeDrainConfig.parse(JSON.parse(process.env.DRAIN_CONFIG ?? '{}'));
  const drainer = new NodeDrainer(config, {
    autoscaling: new AutoScalingClient({}),
    ec2: new EC2Client({}),
    secrets: new SecretsManagerClient({}),
  });
  const outcomes = await drainer.handle(event);
  log('info', 'drain pass done', { outcomes });
  return outcomes;
}
