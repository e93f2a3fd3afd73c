import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from '@cdktn/hcl2json';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { describe, expect, it } from 'vitest';
import { NomadCluster } from '../../src';
import { BOOTSTRAP_SCRIPT_PATH, nodeUserData } from '../../src/boot/node-user-data';
import { newStack, shellcheck, userDataAsDeployed, userDataFile, userDataOf } from '../helpers';

// Servers, a plain client pool and a GPU pool with host volumes: every kind of user data.
const stack = newStack();
const cluster = new NomadCluster(stack, 'Cluster');
cluster.addClientPool('general');
cluster.addClientPool('gpu', {
  instanceTypes: [new ec2.InstanceType('g5.xlarge')],
  gpu: true,
  hostVolumes: [
    { name: 'models', path: '/srv/models', readOnly: true },
    { name: 'scratch', path: '/srv/scratch' },
  ],
});
const template = Template.fromStack(stack);
const kinds = {
  server: userDataOf(template, 'ClusterServersLaunchTemplate'),
  client: userDataOf(template, 'ClustergeneralLaunchTemplate'),
  'GPU client': userDataOf(template, 'ClustergpuLaunchTemplate'),
};
const cases = Object.entries(kinds);

describe('user data of Nomad nodes', () => {
  it('is checked by a shellcheck that reports problems (the check can fail)', () => {
    expect(shellcheck('#!/bin/bash\nrm -rf $1/tmp\n')).toContain('SC2086');
  });

  it.each(cases)('passes shellcheck as the %s instance runs it', (_, userData) => {
    expect(shellcheck(userDataAsDeployed(userData), 'user-data.sh')).toBe('');
  });

  it.each(cases)(
    'sets its failure trap before the first command that can fail, and the trap marks the instance unhealthy (%s)',
    (_, userData) => {
      const deployed = userDataAsDeployed(userData);
      const lines = deployed.split('\n');
      const trap = lines.findIndex((line) => line.startsWith('trap '));
      const firstWrite = lines.findIndex((line) => line.startsWith('install -d'));
      expect(trap).toBeGreaterThan(0);
      expect(trap).toBeLessThan(firstWrite);
      // Run the user data up to its trap, then a failing command, with stand-ins for IMDS and the AWS CLI.
      const dir = mkdtempSync(join(tmpdir(), 'user-data-trap-'));
      const bin = join(dir, 'bin');
      mkdirSync(bin);
      writeFileSync(
        join(bin, 'curl'),
        '#!/bin/sh\ncase "$*" in *api/token*) echo tok ;; *instance-id*) echo i-0abc ;; esac\n',
      );
      writeFileSync(join(bin, 'aws'), `#!/bin/sh\nprintf '%s\\n' "$*" >>${join(dir, 'calls')}\n`);
      chmodSync(join(bin, 'curl'), 0o755);
      chmodSync(join(bin, 'aws'), 0o755);
      const script = [...lines.slice(0, trap + 1), 'false'].join('\n');
      const run = spawnSync('bash', ['-c', script], { env: { PATH: `${bin}:${process.env.PATH}` }, encoding: 'utf8' });
      expect(run.status).toBe(1);
      expect(readFileSync(join(dir, 'calls'), 'utf8')).toBe(
        'autoscaling set-instance-health --region eu-west-1 --instance-id i-0abc --health-status Unhealthy --no-should-respect-grace-period\n',
      );
    },
  );

  it.each(cases)('stays well under the 16 KB EC2 limit (%s)', (_, userData) => {
    expect(Buffer.byteLength(userDataAsDeployed(userData))).toBeLessThan(12 * 1024);
  });

  it.each(cases)(
    "writes a %s agent configuration that HashiCorp's parser reads, then runs the downloaded boot script",
    async (_, userData) => {
      const parsed = (await parse('nomad.hcl', userDataFile(userData, '/etc/nomad.d/nomad.hcl'))) as Record<
        string,
        unknown
      >;
      expect(parsed.data_dir).toBe('/opt/nomad/data');
      const lines = userData.trimEnd().split('\n');
      expect(lines.at(-3)).toBe(
        `aws s3 cp --only-show-errors --region \${AWS::Region} 's3://cdk-hnb659fds-assets-\${AWS::AccountId}-\${AWS::Region}/${cluster.nodeContext.bootScript.s3ObjectKey}' /usr/local/sbin/nomad-bootstrap`,
      );
      expect(lines.at(-1)).toBe('exec /usr/local/sbin/nomad-bootstrap /etc/nomad-bootstrap/bootstrap.env');
    },
  );

  it.each(cases)('writes a Prometheus scrape configuration that promtool accepts (%s)', (_, userData) => {
    const file = join(mkdtempSync(join(tmpdir(), 'promtool-')), 'prometheus.yaml');
    writeFileSync(file, userDataFile(userDataAsDeployed(userData), '/etc/nomad-bootstrap/prometheus.yaml'));
    expect(execFileSync('promtool', ['check', 'config', file], { encoding: 'utf8' })).toContain('SUCCESS');
  });

  it.each(cases)('writes JSON the CloudWatch agent can read (%s)', (_, userData) => {
    const agent = JSON.parse(userDataFile(userData, '/etc/nomad-bootstrap/cloudwatch-agent.json'));
    expect(agent.agent.run_as_user).toBe('root');
    expect(agent.logs.metrics_collected.prometheus.prometheus_config_path).toBe('/etc/nomad-bootstrap/prometheus.yaml');
  });

  it('passes the boot script what it needs, and the GPU pool its host volume paths', () => {
    const env = userDataFile(kinds['GPU client'], '/etc/nomad-bootstrap/bootstrap.env');
    expect(env.split('\n').filter(Boolean)).toEqual([
      "NOMAD_ROLE='client'",
      "NOMAD_VERSION='1.11.3'",
      "CNI_PLUGINS_VERSION='1.9.1'",
      "NOMAD_GPU='true'",
      "NOMAD_DEVICE_NVIDIA_VERSION='1.1.0'",
      "NOMAD_HOST_VOLUME_PATHS='/srv/models /srv/scratch'",
      // The release files staged in the artifact bucket, and the SHA-256 each must have.
      expect.stringMatching(/^NOMAD_ARTIFACT_BUCKET='\$\{ClusterArtifactsBucket[0-9A-F]{8}\}'$/),
      "NOMAD_ARTIFACT_KEY='artifacts/nomad/1.11.3/nomad_1.11.3_linux_amd64.zip'",
      "NOMAD_SHA256='19dac5642a2ba5305e6ff8efee06a708d760ebe4d1cd7936bc3dc526f477dc12'",
      "CNI_PLUGINS_ARTIFACT_KEY='artifacts/cni-plugins/1.9.1/cni-plugins-linux-amd64-v1.9.1.tgz'",
      "CNI_PLUGINS_SHA256='b98f74a0f8522f0a83867178729c1aa70f2158f90c45a2ca8fa791db1c76b303'",
      "NOMAD_DEVICE_NVIDIA_ARTIFACT_KEY='artifacts/nomad-device-nvidia/1.1.0/nomad-device-nvidia_1.1.0_linux_amd64.zip'",
      expect.stringMatching(
        /^NOMAD_DEVICE_NVIDIA_SHA256='\$\{ClusterArtifacts[0-9A-F]{8}\.Sha256nomaddevicenvidia110linuxamd64zip\}'$/,
      ),
      // Where the client's secrets are (never the secrets), and where the agent configuration expects them.
      expect.stringMatching(/^NOMAD_TLS_SECRET_ARN='\$\{ClusterSecretsClientTls[0-9A-F]{8}\}'$/),
      "NOMAD_TLS_CA_FILE='/etc/nomad.d/tls/ca.pem'",
      "NOMAD_TLS_CERT_FILE='/etc/nomad.d/tls/agent.pem'",
      "NOMAD_TLS_KEY_FILE='/etc/nomad.d/tls/agent-key.pem'",
      expect.stringMatching(/^NOMAD_TOKEN_SECRET_ARN='\$\{ClusterSecretsClientToken[0-9A-F]{8}\}'$/),
      "NOMAD_TLS_GENERATION='0'",
      "NOMAD_CLUSTER_NAME='Test-Cluster-553ACD77'",
      "NOMAD_METRICS_NAMESPACE='Nomad/Instances'",
      "AWS_REGION='${AWS::Region}'",
      "CFN_STACK_NAME='${AWS::StackName}'",
      expect.stringMatching(/^CFN_LOGICAL_ID='ClustergpuAutoScalingGroupASG[0-9A-F]{8}'$/),
      "NOMAD_READY_TIMEOUT_SECONDS='1680'",
    ]);
  });

  it('refuses values that could break out of the env file or a heredoc', () => {
    const s = newStack();
    const asset = new s3assets.Asset(s, 'Script', { path: BOOTSTRAP_SCRIPT_PATH });
    expect(() =>
      nodeUserData({ description: 'x', environment: { A: "it's" }, files: [], bootstrapScript: asset }),
    ).toThrow(`Invalid prop at user data A: expected letters, digits, spaces and "_.:/@+=-", received "it's".`);
    expect(() =>
      nodeUserData({
        description: 'x',
        environment: {},
        files: [{ path: '/etc/x', content: 'a\nNOMAD_BOOTSTRAP_EOF\nb', mode: '0644' }],
        bootstrapScript: asset,
      }),
    ).toThrow('expected content without a line "NOMAD_BOOTSTRAP_EOF"');
  });
});
