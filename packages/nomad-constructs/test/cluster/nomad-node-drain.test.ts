import { readFileSync } from 'node:fs';
import { parse } from '@cdktn/hcl2json';
import { Duration } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { describe, expect, it } from 'vitest';
import { NODE_DRAINER_POLICY, NomadCluster, NomadError } from '../../src';
import { BOOTSTRAP_SCRIPT_PATH } from '../../src/boot/node-user-data';
import { NodeDrainConfig } from '../../src/cluster/node-drain-contract';
import { cfnText, newStack, policyStatements } from '../helpers';

const stack = newStack();
const cluster = new NomadCluster(stack, 'Cluster', { clusterName: 'prod' });
const general = cluster.addClientPool('general');
const batch = cluster.addClientPool('batch', {
  instanceTypes: [new ec2.InstanceType('m7g.large')],
  onDemandPercentageAboveBaseCapacity: 0,
  minCapacity: 0,
  drainDeadline: Duration.hours(2),
});
const template = Template.fromStack(stack);
const id = (construct: { node: { defaultChild?: unknown } }) =>
  stack.getLogicalId(construct.node.defaultChild as ec2.CfnSecurityGroup);
const drain = cluster.nodeDrain;
const groupId = (pool: { autoScalingGroup: autoscaling.AutoScalingGroup }) => id(pool.autoScalingGroup);

describe('NomadNodeDrain', () => {
  it('puts a terminate lifecycle hook on every client pool (CONTINUE by default, 5-minute heartbeat)', () => {
    const hooks = Object.values(template.findResources('AWS::AutoScaling::LifecycleHook')).map(
      (hook) => hook.Properties,
    );
    expect(hooks).toEqual(
      [general, batch].map((pool) => ({
        AutoScalingGroupName: { Ref: groupId(pool) },
        LifecycleHookName: `nomad-drain-${pool.nodePool}`,
        LifecycleTransition: 'autoscaling:EC2_INSTANCE_TERMINATING',
        HeartbeatTimeout: 300,
        DefaultResult: 'CONTINUE',
      })),
    );
    // Servers are not drained (autopilot handles them).
    expect(hooks.map((hook) => hook.AutoScalingGroupName.Ref)).not.toContain(id(cluster.servers.autoScalingGroup));
  });

  it('sends the pools lifecycle actions, Spot interruption warnings and rebalance recommendations, and a minute schedule to the function', () => {
    const rules = template.findResources('AWS::Events::Rule');
    const target = { 'Fn::GetAtt': [id(drain.handler.function), 'Arn'] };
    expect(rules[id(drain.lifecycleRule)]?.Properties.EventPattern).toEqual({
      source: ['aws.autoscaling'],
      'detail-type': ['EC2 Instance-terminate Lifecycle Action'],
      detail: { AutoScalingGroupName: [{ Ref: groupId(general) }, { Ref: groupId(batch) }] },
    });
    expect(rules[id(drain.spotRule)]?.Properties.EventPattern).toEqual({
      source: ['aws.ec2'],
      'detail-type': ['EC2 Spot Instance Interruption Warning', 'EC2 Instance Rebalance Recommendation'],
    });
    expect(rules[id(drain.schedule)]?.Properties.ScheduleExpression).toBe('rate(1 minute)');
    for (const rule of [drain.lifecycleRule, drain.spotRule, drain.schedule]) {
      expect(rules[id(rule)]?.Properties.Targets[0].Arn).toEqual(target);
    }
  });

  it('configures the function with the pools, their hooks and deadlines (the schema the handler parses)', () => {
    const fn = template.findResources('AWS::Lambda::Function')[id(drain.handler.function)];
    const config = NodeDrainConfig.parse(JSON.parse(cfnText(fn?.Properties.Environment.Variables.DRAIN_CONFIG)));
    expect(config).toEqual({
      serverTagKey: 'NomadServerJoin',
      serverTagValue: 'prod',
      httpPort: 4646,
      nomadRegion: 'global',
      caSecretArn: `\${${id(cluster.secrets.caCertificate)}}`,
      tokenSecretArn: `\${${id(drain.tokenSecret as never)}}`,
      pools: [
        { group: `\${${groupId(general)}}`, hook: 'nomad-drain-general', deadlineSeconds: 600 },
        { group: `\${${groupId(batch)}}`, hook: 'nomad-drain-batch', deadlineSeconds: 7200 },
      ],
      spotDeadlineSeconds: 90,
    });
  });

  it('gives the function exactly: its token and the CA, server discovery, the pools lifecycle actions (cluster groups only)', () => {
    const key = `\${${id(cluster.encryptionKey)}.Arn}`;
    expect(policyStatements(template, id(drain.handler.role))).toEqual(
      [
        'Allow autoscaling:CompleteLifecycleAction,autoscaling:RecordLifecycleActionHeartbeat on * if {"StringEquals":{"autoscaling:ResourceTag/NomadCluster":"prod"}}',
        // Only actions without resource-level permissions are on *: describes and the VPC network interfaces.
        'Allow autoscaling:DescribeAutoScalingGroups,autoscaling:DescribeAutoScalingInstances,ec2:AssignPrivateIpAddresses,ec2:CreateNetworkInterface,ec2:DeleteNetworkInterface,ec2:DescribeInstances,ec2:DescribeNetworkInterfaces,ec2:UnassignPrivateIpAddresses on *',
        `Allow kms:Decrypt on ${key} if {"StringEquals":{"kms:ViaService":"secretsmanager.\${AWS::Region}.amazonaws.com"}}`,
        `Allow logs:CreateLogStream,logs:PutLogEvents on \${${id(drain.handler.logGroup)}.Arn}`,
        `Allow secretsmanager:GetSecretValue on \${${id(cluster.secrets.caCertificate)}},\${${id(drain.tokenSecret as never)}}`,
      ].sort(),
    );
  });

  it('drains with a token whose policy is node write and nothing else', async () => {
    expect(await parse('drainer.hcl', NODE_DRAINER_POLICY.rules)).toEqual({ node: [{ policy: 'write' }] });
  });

  it('names each client after its instance (the function finds a terminating instance by it), servers keep theirs', () => {
    const script = readFileSync(BOOTSTRAP_SCRIPT_PATH, 'utf8');
    const prepareClient = script.slice(
      script.indexOf('prepare_client() {'),
      script.indexOf('\n}\n', script.indexOf('prepare_client() {')),
    );
    expect(prepareClient).toContain(
      `printf 'name = "%s"\\n' "$(imds instance-id)" | install -m 0600 /dev/stdin /etc/nomad.d/name.hcl`,
    );
    expect(script.match(/name\.hcl/g)).toHaveLength(1);
  });

  it('throws for a drain deadline under 30 seconds or over 8 hours', () => {
    const build = (deadline: Duration) => () =>
      new NomadCluster(newStack(), 'Cluster').addClientPool('p', { drainDeadline: deadline });
    expect(build(Duration.hours(9))).toThrow(NomadError);
    expect(build(Duration.seconds(10))).toThrow(
      'Invalid prop at Test/Cluster/p.drainDeadline: expected whole seconds from 30 seconds to 8 hours, received 10 seconds.',
    );
  });
});
