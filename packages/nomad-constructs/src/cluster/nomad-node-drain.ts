import { Duration, Lazy, Stack, Token } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { NomadError } from '../errors';
import { NODE_DRAINER_POLICY } from '../security/acl-policies';
import type { HandlerFunction } from '../security/handler-function';
import type { NodeDrainConfig } from './node-drain-contract';
import { CLUSTER_TAG } from './node-group';
import { type NomadApiFunctionProps, nomadApiFunction } from './nomad-api-function';

/** How long a terminating instance waits for a heartbeat before the hook lets it go. */
export const DRAIN_HOOK_HEARTBEAT = Duration.minutes(5);
/** A Spot instance is reclaimed two minutes after its warning: its drain must end before. */
const SPOT_DEADLINE_SECONDS = 90;

/** Props of {@link NomadNodeDrain}; {@link NomadCluster} creates it. */
export type NomadNodeDrainProps = NomadApiFunctionProps;

/** A pool the drain function drains. */
export interface DrainedPool {
  readonly autoScalingGroup: autoscaling.AutoScalingGroup;
  readonly nodePool: string;
  /** How long allocations may take to leave a node before Nomad stops them. */
  readonly deadline: Duration;
}

/**
 * Drains a client before its instance goes, for every client pool of the cluster: a terminate
 * lifecycle hook on each pool's Auto Scaling group (default result `CONTINUE`, heartbeat timeout
 * five minutes), EventBridge rules for those lifecycle actions, for Spot interruption warnings and
 * rebalance recommendations, and a schedule every minute, all sending to one function in the
 * servers' subnets. The function uses an ACL token with `node:write` only: it marks the node
 * ineligible, drains it with the pool's `drainDeadline`, heartbeats the hook while Nomad drains,
 * and completes the hook when the drain is complete or its deadline has passed.
 */
export class NomadNodeDrain extends Construct {
  /** The drain function. */
  public readonly handler: HandlerFunction;
  /** The secret of the function's ACL token (`node:write` only), filled in by the ACL resource. */
  public readonly tokenSecret: secretsmanager.ISecret;
  /** Lifecycle actions of the pools' terminate hooks. */
  public readonly lifecycleRule: events.Rule;
  /** Spot interruption warnings and rebalance recommendations (account and region: the function ignores other instances). */
  public readonly spotRule: events.Rule;
  /** Every minute: moves on every drain in progress. */
  public readonly schedule: events.Rule;
  private readonly pools: DrainedPool[] = [];

  public constructor(scope: Construct, id: string, props: NomadNodeDrainProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const api = nomadApiFunction(this, props, {
      handler: 'node-drain',
      description: `Nomad cluster ${props.clusterName}: drains clients before their instances terminate`,
      timeout: Duration.minutes(1),
      token: {
        secretId: 'NodeDrainerToken',
        description: 'node drain ACL token (node: write)',
        policy: NODE_DRAINER_POLICY,
      },
      apiRuleDescription: 'Nomad HTTP API from the node drain function',
      environment: (access) => ({
        DRAIN_CONFIG: Lazy.string({
          produce: () =>
            stack.toJsonString({
              ...access,
              pools: this.pools.map((pool) => ({
                group: pool.autoScalingGroup.autoScalingGroupName,
                hook: hookName(pool.nodePool),
                deadlineSeconds: pool.deadline.toSeconds(),
              })),
              spotDeadlineSeconds: SPOT_DEADLINE_SECONDS,
            } satisfies NodeDrainConfig),
        }),
      }),
    });
    this.handler = api.handler;
    this.tokenSecret = api.tokenSecret;
    const role = this.handler.role;
    // Finding the servers by tag, and the pools' instances waiting to terminate: no resource-level permissions.
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: [
          'ec2:DescribeInstances',
          'autoscaling:DescribeAutoScalingGroups',
          'autoscaling:DescribeAutoScalingInstances',
        ],
        resources: ['*'],
      }),
    );
    // The hooks of this cluster's groups only (their ARNs hold a generated id; the groups carry the tag).
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['autoscaling:CompleteLifecycleAction', 'autoscaling:RecordLifecycleActionHeartbeat'],
        resources: ['*'],
        conditions: { StringEquals: { [`autoscaling:ResourceTag/${CLUSTER_TAG}`]: props.clusterName } },
      }),
    );

    const target = new targets.LambdaFunction(this.handler.function, { retryAttempts: 2 });
    this.lifecycleRule = new events.Rule(this, 'LifecycleActions', {
      description: `Nomad cluster ${props.clusterName}: a client pool instance is terminating: drain its node`,
      eventPattern: {
        source: ['aws.autoscaling'],
        detailType: ['EC2 Instance-terminate Lifecycle Action'],
        detail: {
          AutoScalingGroupName: Lazy.list({
            produce: () => this.pools.map((pool) => pool.autoScalingGroup.autoScalingGroupName),
          }),
        },
      },
      targets: [target],
    });
    this.spotRule = new events.Rule(this, 'SpotWarnings', {
      description: `Nomad cluster ${props.clusterName}: a Spot instance will be reclaimed or is at risk: drain its node`,
      eventPattern: {
        source: ['aws.ec2'],
        detailType: ['EC2 Spot Instance Interruption Warning', 'EC2 Instance Rebalance Recommendation'],
      },
      targets: [target],
    });
    this.schedule = new events.Rule(this, 'Schedule', {
      description: `Nomad cluster ${props.clusterName}: moves on the drains of terminating clients`,
      schedule: events.Schedule.rate(Duration.minutes(1)),
      targets: [target],
    });
    // The function drains with the token the ACL resource creates.
    for (const rule of [this.lifecycleRule, this.spotRule, this.schedule]) {
      rule.node.addDependency(props.acl.resource);
    }
  }

  /** The pools drained so far. */
  public get drainedPools(): readonly DrainedPool[] {
    return [...this.pools];
  }

  /**
   * Adds a pool: a terminate lifecycle hook on its group, drained by the function with the pool's
   * deadline. Called by every client pool.
   */
  public addPool(pool: DrainedPool, path: string): autoscaling.LifecycleHook {
    const seconds = pool.deadline.toSeconds({ integral: false });
    if (Token.isUnresolved(seconds) || !Number.isInteger(seconds) || seconds < 30 || seconds > 8 * 3600) {
      throw new NomadError(
        'invalid-prop',
        path,
        `expected whole seconds from 30 seconds to 8 hours, received ${pool.deadline.toHumanString()}. It is how long allocations may take to leave a client before Nomad stops them; a lifecycle hook holds the instance that long at most.`,
      );
    }
    this.pools.push(pool);
    return pool.autoScalingGroup.addLifecycleHook('DrainHook', {
      lifecycleHookName: hookName(pool.nodePool),
      lifecycleTransition: autoscaling.LifecycleTransition.INSTANCE_TERMINATING,
      heartbeatTimeout: DRAIN_HOOK_HEARTBEAT,
      defaultResult: autoscaling.DefaultResult.CONTINUE,
    });
  }
}

/** The terminate hook of a pool (literal: the function matches events by it). */
export function hookName(nodePool: string): string {
  return `nomad-drain-${nodePool}`;
}
