import { CfnWaitConditionHandle, Duration } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { describe, expect, it } from 'vitest';
import { NomadArtifacts } from '../../src/artifacts/nomad-artifacts';
import { bootstrapScriptPath } from '../../src/boot/node-user-data';
import type { ClusterNodeContext } from '../../src/cluster/cluster-node-context';
import { NomadClientPool } from '../../src/cluster/nomad-client-pool';
import { NomadVersion } from '../../src/cluster/nomad-version';
import { NomadClusterSecrets } from '../../src/security/nomad-cluster-secrets';
import { cfnText, newStack, userDataOf } from '../helpers';

describe('ClusterNodeContext', () => {
  it('builds a client pool in a bare stack, from a context alone (no NomadCluster)', () => {
    // GIVEN a context assembled by hand, as NomadCluster assembles its own
    const stack = newStack();
    const vpc = new ec2.Vpc(stack, 'Vpc');
    const encryptionKey = new kms.Key(stack, 'Key');
    const subnets = { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };
    const logRetention = logs.RetentionDays.ONE_WEEK;
    const clientSecurityGroup = new ec2.SecurityGroup(stack, 'Clients', { vpc });
    const aclBootstrap = new CfnWaitConditionHandle(stack, 'AclBootstrapped');
    const registered: NomadClientPool[] = [];
    const context: ClusterNodeContext<NomadClientPool> = {
      clusterPath: 'Bare/Cluster',
      clusterName: 'bare',
      stack,
      vpc,
      version: NomadVersion.DEFAULT,
      secrets: new NomadClusterSecrets(stack, 'Secrets', {
        vpc,
        subnets,
        clusterName: 'bare',
        nomadRegion: 'global',
        encryptionKey,
        caValidity: Duration.days(3650),
        certificateValidity: Duration.days(365),
        logRetention,
        uiReadOnlyToken: false,
        nodeConfiguration: 'bare',
      }),
      artifacts: new NomadArtifacts(stack, 'Artifacts', {
        vpc,
        subnets,
        clusterName: 'bare',
        encryptionKey,
        logRetention,
      }),
      logGroup: new logs.LogGroup(stack, 'NomadLogs'),
      containerLogGroup: new logs.LogGroup(stack, 'ContainerLogs'),
      metricsLogGroup: new logs.LogGroup(stack, 'MetricsLogs'),
      bootScript: new s3assets.Asset(stack, 'Boot', { path: bootstrapScriptPath() }),
      serverJoin: 'provider=aws tag_key=Join tag_value=bare-servers',
      functionSubnets: subnets,
      clientSecurityGroup,
      aclBootstrap,
      agentDefaults: () => ({
        region: 'global',
        datacenter: 'bare-dc',
        dataDir: '/opt/nomad/data',
        acl: { enabled: true },
      }),
      nodeEnvironment: (role) => ({ NOMAD_CONTEXT_ROLE: role }),
      nodeFiles: () => [{ path: '/etc/profile.d/bare.sh', content: 'export BARE=1\n', mode: '0644' }],
      registerClientPool: (pool) => registered.push(pool),
    };

    // WHEN
    const pool = new NomadClientPool(stack, 'Pool', { cluster: { nodeContext: context } });

    // THEN the pool registered itself, and took everything else from the context
    expect(registered).toEqual([pool]);
    const template = Template.fromStack(stack);
    const userData = userDataOf(template, 'Pool');
    expect(userData).toContain('NOMAD_CONTEXT_ROLE');
    expect(userData).toContain('bare-servers');
    expect(userData).toContain('bare-dc');
    expect(userData).toContain('/etc/profile.d/bare.sh');
    const launchTemplates = Object.values(template.findResources('AWS::EC2::LaunchTemplate'));
    expect(launchTemplates).toHaveLength(1);
    const groups: unknown[] = launchTemplates[0]?.Properties.LaunchTemplateData.NetworkInterfaces[0].Groups ?? [];
    expect(groups.map(cfnText)).toContain(
      `\${${stack.getLogicalId(clientSecurityGroup.node.defaultChild as ec2.CfnSecurityGroup)}.GroupId}`,
    );
    const [group] = Object.values(template.findResources('AWS::AutoScaling::AutoScalingGroup')) as {
      DependsOn?: string[];
    }[];
    expect(group?.DependsOn).toContain(stack.getLogicalId(aclBootstrap));
  });
});
