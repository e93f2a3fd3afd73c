import { Match, Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { describe, expect, it } from 'vitest';
import { NomadCluster, NomadIngress, traefikJob } from '../../src';
import { ingressRules, newStack } from '../helpers';

function withIngress(props: { ui?: boolean; conditions?: elbv2.ListenerCondition[] } = {}) {
  const stack = newStack({ env: { account: '123456789012', region: 'eu-west-1' } });
  const cluster = new NomadCluster(stack, 'Cluster', {
    clusterName: 'prod',
    ui:
      props.ui === false
        ? undefined
        : {
            certificate: acm.Certificate.fromCertificateArn(
              stack,
              'Cert',
              'arn:aws:acm:eu-west-1:123456789012:certificate/abc',
            ),
            accessLogs: false,
          },
  });
  const pool = cluster.addClientPool('general');
  return { stack, cluster, pool };
}

describe('NomadIngress', () => {
  const { stack, cluster, pool } = withIngress();
  const ingress = new NomadIngress(stack, 'Ingress', { cluster, pool });
  const template = Template.fromStack(stack);
  const spec = JSON.parse(
    String(
      Object.values(template.findResources('Custom::NomadJob')).find((resource) =>
        String(resource.Properties.Job).includes('"traefik"'),
      )?.Properties.Job,
    ),
  ) as { Job?: unknown };
  const job = (spec.Job ?? spec) as {
    Type: string;
    NodePool: string;
    TaskGroups: Array<{
      Networks: Array<{ Mode: string; ReservedPorts: Array<{ Label: string; Value: number }> }>;
      Tasks: Array<{
        Name: string;
        Config: { args?: string[]; network_mode?: string };
        Identity?: { Env?: boolean };
      }>;
    }>;
  };

  it('deploys Traefik as a system job on every client of the pool, on a static port with host networking', () => {
    expect(ingress.job.jobId).toBe('traefik');
    expect(ingress.job.jobType).toBe('system');
    expect(job.NodePool).toBe('general');
    expect(job.TaskGroups[0]?.Networks[0]).toMatchObject({
      Mode: 'host',
      ReservedPorts: [{ Label: 'http', Value: 8080 }],
    });
    const traefik = job.TaskGroups[0]?.Tasks.find((task) => task.Name === 'traefik');
    expect(traefik?.Config.network_mode).toBe('host');
    expect(traefik?.Identity).toEqual({ Env: true });
  });

  it("routes by the tags of Nomad's native service registrations, read from the local agent over TLS with the workload identity", () => {
    const args = job.TaskGroups[0]?.Tasks.find((task) => task.Name === 'traefik')?.Config.args ?? [];
    expect(args).toEqual(
      expect.arrayContaining([
        '--entryPoints.web.address=:8080',
        '--ping=true',
        '--ping.entryPoint=web',
        '--providers.nomad=true',
        '--providers.nomad.exposedByDefault=false',
        '--providers.nomad.namespaces=default',
        '--providers.nomad.endpoint.address=https://127.0.0.1:4646',
        '--providers.nomad.endpoint.tls.ca=/alloc/nomad-ca.pem',
        '--providers.nomad.endpoint.token=${NOMAD_TOKEN}',
      ]),
    );
    // The CA is read before Traefik starts, with the pool's role (which may read it).
    expect(job.TaskGroups[0]?.Tasks.map((task) => task.Name)).toEqual(['fetch-nomad-ca', 'traefik']);
  });

  it("adds a rule for / to the load balancer's HTTPS listener, forwarding to the pool on Traefik's port, health-checked on /ping", () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      Port: 8080,
      Protocol: 'HTTP',
      TargetType: 'instance',
      HealthCheckPath: '/ping',
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
      Priority: 20,
      Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/'] } }],
      Actions: [
        {
          Type: 'forward',
          TargetGroupArn: { Ref: stack.getLogicalId(ingress.targetGroup.node.defaultChild as elbv2.CfnTargetGroup) },
        },
      ],
    });
    const group = template.findResources('AWS::AutoScaling::AutoScalingGroup');
    const generalGroup = Object.entries(group).find(([id]) => id.startsWith('Clustergeneral'));
    expect(generalGroup?.[1].Properties.TargetGroupARNs).toEqual([
      { Ref: stack.getLogicalId(ingress.targetGroup.node.defaultChild as elbv2.CfnTargetGroup) },
    ]);
  });

  it("opens Traefik's port on the pool from the load balancer's security group only", () => {
    const rules = ingressRules(template).filter((rule) => / 8080-8080 /.test(rule));
    expect(rules.length).toBeGreaterThan(0);
    for (const rule of rules) {
      // On the pool's instances (CDK opens it on every security group of the Auto Scaling group).
      expect(rule).toMatch(/^Cluster(general|Client)SecurityGroup\w+ tcp 8080-8080 from ClusterUiSecurityGroup\w+$/);
    }
  });

  it("alarms when an instance fails Traefik's health check for 10 minutes, with a runbook", () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'UnHealthyHostCount',
      Threshold: 1,
      EvaluationPeriods: 10,
      AlarmDescription: Match.stringLikeRegexp('Traefik.*Runbook: Run `nomad job status traefik`'),
    });
  });

  it('takes other listener conditions, e.g. a host name of its own', () => {
    const other = withIngress();
    new NomadIngress(other.stack, 'Ingress', {
      cluster: other.cluster,
      pool: other.pool,
      conditions: [elbv2.ListenerCondition.hostHeaders(['apps.example.com'])],
      priority: 5,
      port: 8081,
    });
    const otherTemplate = Template.fromStack(other.stack);
    otherTemplate.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
      Priority: 5,
      Conditions: [{ Field: 'host-header', HostHeaderConfig: { Values: ['apps.example.com'] } }],
    });
    otherTemplate.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { Port: 8081 });
  });

  it('throws for a cluster without a load balancer', () => {
    const other = withIngress({ ui: false });
    expect(() => new NomadIngress(other.stack, 'Ingress', { cluster: other.cluster, pool: other.pool })).toThrow(
      "Invalid prop at Test/Ingress.cluster: expected a cluster with a load balancer, received Test/Cluster without one. Set the cluster's ui prop: the ingress is a rule of its HTTPS listener.",
    );
  });

  it('throws for a pool of another cluster', () => {
    const other = withIngress();
    const third = withIngress();
    expect(() => new NomadIngress(other.stack, 'Ingress', { cluster: other.cluster, pool: third.pool })).toThrow(
      /Ingress\.pool: expected a client pool of the cluster .*Cluster, received .*general\. Create it with cluster\.addClientPool\(\)\./,
    );
  });
});

describe('traefikJob', () => {
  const base = { nodePool: 'general', caSecretArn: 'arn:ca', awsRegion: 'eu-west-1', trustedCidrs: ['10.0.0.0/16'] };

  it("rejects a port in Nomad's own or dynamic range", () => {
    for (const port of [4646, 25_000, 80]) {
      expect(() => traefikJob({ ...base, port })).toThrow(
        `traefikJob.port: expected a port from 1024 to 65535 outside Nomad's own (4646-4648) and its dynamic range (20000-32000), received ${port}.`,
      );
    }
  });

  it('passes jobspec validation', () => {
    expect(traefikJob(base).validate()).toEqual([]);
  });
});

describe('NomadCluster natGatewayProvider', () => {
  it('runs a NAT instance instead of a gateway, with IMDSv2 only and an encrypted gp3 root volume', () => {
    const stack = newStack({ env: { account: '123456789012', region: 'eu-west-1' } });
    new NomadCluster(stack, 'Cluster', {
      natGatewayProvider: ec2.NatProvider.instanceV2({
        instanceType: new ec2.InstanceType('t4g.nano'),
        associatePublicIpAddress: true,
      }),
    });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::EC2::NatGateway', 0);
    template.resourceCountIs('AWS::EC2::Instance', 1);
    template.hasResourceProperties('AWS::EC2::Instance', {
      InstanceType: 't4g.nano',
      BlockDeviceMappings: [
        {
          DeviceName: '/dev/xvda',
          Ebs: { VolumeSize: 8, VolumeType: 'gp3', Encrypted: true, DeleteOnTermination: true },
        },
      ],
    });
    const natTemplates = Object.entries(template.findResources('AWS::EC2::LaunchTemplate')).filter(([id]) =>
      id.includes('NatInstance'),
    );
    expect(natTemplates.map(([, resource]) => resource.Properties.LaunchTemplateData.MetadataOptions)).toEqual([
      { HttpTokens: 'required' },
    ]);
  });

  it('throws when given with a vpc of your own', () => {
    const stack = newStack();
    const vpc = new ec2.Vpc(stack, 'Vpc');
    expect(
      () =>
        new NomadCluster(stack, 'Cluster', {
          vpc,
          natGatewayProvider: ec2.NatProvider.instanceV2({ instanceType: new ec2.InstanceType('t4g.nano') }),
        }),
    ).toThrow(
      'Invalid prop at Test/Cluster.natGatewayProvider: expected natGatewayProvider only when the cluster creates its VPC, received it with vpc. Remove natGatewayProvider, or remove vpc.',
    );
  });
});
