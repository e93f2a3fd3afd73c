import { join } from 'node:path';
import { Job, Size as JobSize } from '@org/jobspec-builder';
import { CfnParameter, Duration, Size, type Stack, Token } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import { describe, expect, it } from 'vitest';
import {
  NomadCluster,
  type NomadClusterProps,
  NomadError,
  NomadImage,
  NomadIngress,
  NomadJob,
  NomadMonitoring,
  NomadObservability,
} from '../../src';
import { newStack } from '../helpers';

/** A number only CloudFormation knows: a template parameter. */
const parameter = (stack: Stack, name = 'Value') => Token.asNumber(new CfnParameter(stack, name, { type: 'Number' }));

const certificateArn = 'arn:aws:acm:eu-west-1:123456789012:certificate/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';
function clusterWithUi(stack: Stack, props: NomadClusterProps = {}): NomadCluster {
  return new NomadCluster(stack, 'Cluster', {
    ui: { certificate: acm.Certificate.fromCertificateArn(stack, 'Certificate', certificateArn) },
    ...props,
  });
}
const job = () =>
  new Job({
    id: 'web',
    groups: [
      {
        name: 'web',
        tasks: [
          { name: 'web', driver: 'docker', config: { image: 'nginx:1' }, resources: { memory: JobSize.mebibytes(64) } },
        ],
      },
    ],
  });

/** Each prop that must be known at synth time, and how to give it a token. */
const mustBeKnown: [string, (stack: Stack, token: number) => void][] = [
  ['Test/Cluster.serverCount', (stack, token) => new NomadCluster(stack, 'Cluster', { serverCount: token })],
  ['Test/Cluster.natGateways', (stack, token) => new NomadCluster(stack, 'Cluster', { natGateways: token })],
  [
    'Test/Cluster.caValidity',
    (stack, token) => new NomadCluster(stack, 'Cluster', { caValidity: Duration.days(token) }),
  ],
  [
    'Test/Cluster.certificateValidity',
    (stack, token) => new NomadCluster(stack, 'Cluster', { certificateValidity: Duration.days(token) }),
  ],
  [
    'Test/Cluster.certificateRenewBefore',
    (stack, token) => new NomadCluster(stack, 'Cluster', { certificateRenewBefore: Duration.days(token) }),
  ],
  ['Test/Cluster.tlsGeneration', (stack, token) => new NomadCluster(stack, 'Cluster', { tlsGeneration: token })],
  ['Test/Cluster.aclGeneration', (stack, token) => new NomadCluster(stack, 'Cluster', { aclGeneration: token })],
  [
    'Test/Cluster/Snapshots.interval',
    (stack, token) => new NomadCluster(stack, 'Cluster', { snapshots: { interval: Duration.hours(token) } }),
  ],
  [
    'Test/Cluster/Snapshots.retention',
    (stack, token) => new NomadCluster(stack, 'Cluster', { snapshots: { retention: Duration.days(token) } }),
  ],
  [
    'Test/Cluster/Monitoring.blockedEvaluationsPeriod',
    (stack, token) =>
      new NomadCluster(stack, 'Cluster', { monitoring: { blockedEvaluationsPeriod: Duration.minutes(token) } }),
  ],
  [
    'Test/Cluster/Monitoring.bootFailurePeriod',
    (stack, token) =>
      new NomadCluster(stack, 'Cluster', { monitoring: { bootFailurePeriod: Duration.minutes(token) } }),
  ],
  ...[
    'minCapacity',
    'maxCapacity',
    'desiredCapacity',
    'onDemandBaseCapacity',
    'onDemandPercentageAboveBaseCapacity',
  ].map((prop): [string, (stack: Stack, token: number) => void] => [
    `Test/Cluster/general.${prop}`,
    (stack, token) => new NomadCluster(stack, 'Cluster').addClientPool('general', { [prop]: token }),
  ]),
  [
    'Test/Cluster/general.drainDeadline',
    (stack, token) =>
      new NomadCluster(stack, 'Cluster').addClientPool('general', { drainDeadline: Duration.minutes(token) }),
  ],
  [
    'Test/Cluster/general.reserved.cpuMhz',
    (stack, token) => new NomadCluster(stack, 'Cluster').addClientPool('general', { reserved: { cpuMhz: token } }),
  ],
  [
    'Test/Cluster/general.reserved.memoryMiB',
    (stack, token) => new NomadCluster(stack, 'Cluster').addClientPool('general', { reserved: { memoryMiB: token } }),
  ],
  [
    'Test/Ingress.port',
    (stack, token) => {
      const cluster = clusterWithUi(stack);
      new NomadIngress(stack, 'Ingress', { cluster, pool: cluster.addClientPool('web'), port: token });
    },
  ],
  ...(['retention', 'retentionSize', 'prometheusMemory'] as const).map(
    (prop): [string, (stack: Stack, token: number) => void] => [
      `Test/Observability.${prop}`,
      (stack, token) => {
        const cluster = new NomadCluster(stack, 'Cluster');
        const pool = cluster.addClientPool('observability', { hostVolumes: NomadObservability.hostVolumes() });
        new NomadObservability(stack, 'Observability', {
          cluster,
          pool,
          [prop]: prop === 'retention' ? Duration.days(token) : Size.gibibytes(token),
        });
      },
    ],
  ),
  [
    'Test/Web.timeout',
    (stack, token) => {
      const cluster = new NomadCluster(stack, 'Cluster');
      cluster.addClientPool('general');
      new NomadJob(stack, 'Web', { cluster, job: job(), timeout: Duration.minutes(token) });
    },
  ],
  [
    'Test/Image.timeout',
    (stack, token) => {
      const cluster = new NomadCluster(stack, 'Cluster');
      cluster.addClientPool('general');
      new NomadImage(stack, 'Image', {
        cluster,
        repository: new ecr.Repository(stack, 'Repository'),
        directory: join(__dirname, '..', '..', 'examples', 'web'),
        architecture: ec2.InstanceArchitecture.ARM_64,
        timeout: Duration.minutes(token),
      });
    },
  ],
];

describe('props known at synth time', () => {
  it.each(mustBeKnown)('rejects a token in %s with unresolved-token', (path, build) => {
    const stack = newStack();
    let error: unknown;
    try {
      build(stack, parameter(stack));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(NomadError);
    expect(error).toMatchObject({ code: 'unresolved-token', path });
    expect((error as Error).message).toMatch(
      new RegExp(
        `^Unresolved token at ${path.replaceAll('.', '\\.')}: expected a value known at synth time, received a token \\((\\$\\{Token\\[.+\\]\\}|a (Duration|Size) of .+)\\), which CloudFormation resolves only at deploy time: .+\\. Give a literal, or read it from CDK context`,
      ),
    );
  });

  it('says what the value is needed for', () => {
    const stack = newStack();
    expect(() => new NomadCluster(stack, 'Cluster', { serverCount: parameter(stack) })).toThrow(
      "it is the servers' bootstrap_expect and the size of their Auto Scaling group",
    );
  });
});

describe('props CloudFormation may resolve at deploy time', () => {
  it('takes tokens for volume sizes, the idle timeout, listener priorities and alarm thresholds', () => {
    const stack = newStack({ env: { account: '123456789012', region: 'eu-west-1' } });
    const serverVolume = parameter(stack, 'ServerVolume');
    const poolVolume = parameter(stack, 'PoolVolume');
    const idleTimeout = parameter(stack, 'IdleTimeout');
    const cluster = new NomadCluster(stack, 'Cluster', {
      serverVolumeSize: Size.gibibytes(serverVolume),
      ui: {
        certificate: acm.Certificate.fromCertificateArn(stack, 'Certificate', certificateArn),
        idleTimeout: Duration.seconds(idleTimeout),
      },
    });
    const web = cluster.addClientPool('web', { volumeSize: Size.gibibytes(poolVolume) });
    new NomadIngress(stack, 'Ingress', { cluster, pool: web, priority: parameter(stack, 'IngressPriority') });
    const observability = cluster.addClientPool('observability', { hostVolumes: NomadObservability.hostVolumes() });
    new NomadObservability(stack, 'Observability', {
      cluster,
      pool: observability,
      grafanaListenerPriority: parameter(stack, 'GrafanaPriority'),
    });
    new NomadMonitoring(stack, 'Monitoring', { cluster, loadBalancer5xxThreshold: parameter(stack, 'Threshold') });

    const template = Template.fromStack(stack);
    const text = JSON.stringify(template.toJSON().Resources);
    for (const name of [
      'ServerVolume',
      'PoolVolume',
      'IdleTimeout',
      'IngressPriority',
      'GrafanaPriority',
      'Threshold',
    ]) {
      expect(text, name).toContain(`{"Ref":"${name}"}`);
    }
  });
});
