import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { type ClusterEnvConfig, EnvError, envCommand } from '../../src/cli/env';
import { main } from '../../src/cli/main';

const TOKEN = '0b1a6c3e-7f9d-4c8e-a2b1-5d6e7f8a9b0c';
const CA = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const MANAGEMENT_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:ManagementToken-AbCdEf';
const CA_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:CaCertificate-AbCdEf';

/** The EnvConfig output NomadCluster writes (see the template tests). */
function envConfig(overrides: Partial<ClusterEnvConfig> = {}): { OutputKey: string; OutputValue: string } {
  const config: ClusterEnvConfig = {
    clusterName: 'prod',
    nomadRegion: 'global',
    addr: 'https://127.0.0.1:4646',
    addrCertificate: 'cluster-ca',
    managementTokenSecretArn: MANAGEMENT_ARN,
    caCertificateSecretArn: CA_ARN,
    ...overrides,
  };
  return { OutputKey: `Nomad${config.clusterName}EnvConfig0F2C8F02`, OutputValue: JSON.stringify(config) };
}

/** Runs a shell with the printed exports and prints the variables it ends up with. */
function exported(script: string): Record<string, string> {
  const out = execFileSync('bash', ['-c', `${script}\nenv -0`], { encoding: 'utf8', env: { PATH: process.env.PATH } });
  return Object.fromEntries(
    out
      .split('\0')
      .filter((line) => line.startsWith('NOMAD_'))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
}

describe('nomad-constructs env', () => {
  const cloudFormation = mockClient(CloudFormationClient);
  const secretsManager = mockClient(SecretsManagerClient);
  let home: string;
  const clients = () => ({
    cloudFormation: new CloudFormationClient({ region: 'eu-west-1' }),
    secretsManager: new SecretsManagerClient({ region: 'eu-west-1' }),
    homeDir: home,
  });

  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'nomad-env-'));
    cloudFormation.reset();
    secretsManager.reset();
    secretsManager.on(GetSecretValueCommand, { SecretId: MANAGEMENT_ARN }).resolves({ SecretString: TOKEN });
    secretsManager.on(GetSecretValueCommand, { SecretId: CA_ARN }).resolves({ SecretString: CA });
  });
  afterAll(() => {
    cloudFormation.restore();
    secretsManager.restore();
  });

  it('prints NOMAD_ADDR, NOMAD_TOKEN, and NOMAD_CACERT for a port-forwarded server (the cluster CA)', async () => {
    cloudFormation.on(DescribeStacksCommand, { StackName: 'Nomad' }).resolves({
      Stacks: [
        { StackName: 'Nomad', CreationTime: new Date(), StackStatus: 'CREATE_COMPLETE', Outputs: [envConfig()] },
      ],
    });
    const output = await envCommand({ stack: 'Nomad' }, clients());
    const caFile = join(home, '.nomad-constructs', 'Nomad-prod-ca.pem');
    expect(output).toBe(
      [
        "export NOMAD_ADDR='https://127.0.0.1:4646'",
        `export NOMAD_TOKEN='${TOKEN}'`,
        `export NOMAD_CACERT='${caFile}'`,
        "export NOMAD_TLS_SERVER_NAME='server.global.nomad'",
        '',
      ].join('\n'),
    );
    expect(readFileSync(caFile, 'utf8')).toBe(CA);
    expect(statSync(caFile).mode & 0o777).toBe(0o644);
    expect(exported(output)).toEqual({
      NOMAD_ADDR: 'https://127.0.0.1:4646',
      NOMAD_TOKEN: TOKEN,
      NOMAD_CACERT: caFile,
      NOMAD_TLS_SERVER_NAME: 'server.global.nomad',
    });
  });

  it('prints no NOMAD_CACERT for the load balancer, which serves its ACM certificate', async () => {
    cloudFormation.on(DescribeStacksCommand).resolves({
      Stacks: [
        {
          StackName: 'Nomad',
          CreationTime: new Date(),
          StackStatus: 'CREATE_COMPLETE',
          Outputs: [
            { OutputKey: 'ClusterNomadAddr1AF85F40', OutputValue: 'https://nomad.example.com' },
            envConfig({ addr: 'https://nomad.example.com', addrCertificate: 'load-balancer' }),
          ],
        },
      ],
    });
    expect(await envCommand({ stack: 'Nomad' }, clients())).toBe(
      `export NOMAD_ADDR='https://nomad.example.com'\nexport NOMAD_TOKEN='${TOKEN}'\n`,
    );
    expect(secretsManager.commandCalls(GetSecretValueCommand, { SecretId: CA_ARN })).toHaveLength(0);
  });

  it('prints NOMAD_CACERT for another address inside the VPC, even when the stack has a load balancer', async () => {
    cloudFormation.on(DescribeStacksCommand).resolves({
      Stacks: [
        {
          StackName: 'Nomad',
          CreationTime: new Date(),
          StackStatus: 'CREATE_COMPLETE',
          Outputs: [envConfig({ addr: 'https://nomad.example.com', addrCertificate: 'load-balancer' })],
        },
      ],
    });
    const caFile = join(home, 'ca.pem');
    const output = await envCommand({ stack: 'Nomad', addr: 'https://10.0.1.23:4646', caFile }, clients());
    expect(exported(output)).toEqual({
      NOMAD_ADDR: 'https://10.0.1.23:4646',
      NOMAD_TOKEN: TOKEN,
      NOMAD_CACERT: caFile,
      NOMAD_TLS_SERVER_NAME: 'server.global.nomad',
    });
  });

  it('picks the cluster named with --cluster, and asks for it when the stack has several', async () => {
    cloudFormation.on(DescribeStacksCommand).resolves({
      Stacks: [
        {
          StackName: 'Nomad',
          CreationTime: new Date(),
          StackStatus: 'CREATE_COMPLETE',
          Outputs: [envConfig({ clusterName: 'blue' }), envConfig({ clusterName: 'green', nomadRegion: 'europe' })],
        },
      ],
    });
    await expect(envCommand({ stack: 'Nomad' }, clients())).rejects.toThrow(
      new EnvError('the stack Nomad has several clusters (blue, green): choose one with --cluster'),
    );
    expect(await envCommand({ stack: 'Nomad', cluster: 'green' }, clients())).toContain(
      "export NOMAD_TLS_SERVER_NAME='server.europe.nomad'",
    );
    await expect(envCommand({ stack: 'Nomad', cluster: 'red' }, clients())).rejects.toThrow(
      'the stack Nomad has no cluster red; it has blue, green',
    );
  });

  it('explains a missing permission, a missing stack, a stack without a cluster and a cluster not bootstrapped yet', async () => {
    cloudFormation
      .on(DescribeStacksCommand, { StackName: 'Missing' })
      .rejects(Object.assign(new Error('Stack with id Missing does not exist'), { name: 'ValidationError' }));
    await expect(envCommand({ stack: 'Missing' }, clients())).rejects.toThrow(
      'cannot describe the stack Missing: ValidationError: Stack with id Missing does not exist',
    );
    cloudFormation.on(DescribeStacksCommand, { StackName: 'Other' }).resolves({
      Stacks: [{ StackName: 'Other', CreationTime: new Date(), StackStatus: 'CREATE_COMPLETE', Outputs: [] }],
    });
    await expect(envCommand({ stack: 'Other' }, clients())).rejects.toThrow(
      'the stack Other has no Nomad cluster (no EnvConfig output of @org/nomad-constructs)',
    );

    cloudFormation.on(DescribeStacksCommand, { StackName: 'Nomad' }).resolves({
      Stacks: [
        { StackName: 'Nomad', CreationTime: new Date(), StackStatus: 'CREATE_COMPLETE', Outputs: [envConfig()] },
      ],
    });
    secretsManager.on(GetSecretValueCommand, { SecretId: MANAGEMENT_ARN }).rejects(
      Object.assign(new Error('not authorized to perform: secretsmanager:GetSecretValue'), {
        name: 'AccessDeniedException',
      }),
    );
    await expect(envCommand({ stack: 'Nomad' }, clients())).rejects.toThrow(
      `cannot read the management token from ${MANAGEMENT_ARN}: AccessDeniedException: not authorized to perform: secretsmanager:GetSecretValue (ask for cluster.grantManagementToken() on your role)`,
    );
    secretsManager
      .on(GetSecretValueCommand, { SecretId: MANAGEMENT_ARN })
      .resolves({ SecretString: '{"nomadConstructs":"pending","nonce":"x"}' });
    await expect(envCommand({ stack: 'Nomad' }, clients())).rejects.toThrow(
      "the management token of prod has not been generated yet: the cluster's ACL bootstrap has not run (is the stack deployed?)",
    );
  });

  it('quotes values for the shell', async () => {
    cloudFormation.on(DescribeStacksCommand).resolves({
      Stacks: [
        {
          StackName: 'Nomad',
          CreationTime: new Date(),
          StackStatus: 'CREATE_COMPLETE',
          Outputs: [envConfig({ addr: "https://it's.example.com/$(touch x)", addrCertificate: 'load-balancer' })],
        },
      ],
    });
    expect(exported(await envCommand({ stack: 'Nomad' }, clients())).NOMAD_ADDR).toBe(
      "https://it's.example.com/$(touch x)",
    );
  });

  describe('main', () => {
    const capture = () => {
      let text = '';
      const stream = new Writable({
        write(chunk, _encoding, done) {
          text += String(chunk);
          done();
        },
      });
      return { stream, text: () => text };
    };

    it('prints the usage for --help and exits 2 on bad arguments', async () => {
      const out = capture();
      const err = capture();
      expect(await main(['--help'], out.stream, err.stream)).toBe(0);
      expect(out.text()).toMatch(/^Usage: nomad-constructs env --stack <name>/);
      expect(await main(['env'], out.stream, err.stream)).toBe(2);
      expect(await main(['env', '--stack', 'x', '--nope'], out.stream, err.stream)).toBe(2);
      expect(err.text()).toContain("Unknown option '--nope'");
    });

    it("prints the package's version for --version", async () => {
      const out = capture();
      const { version } = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
        version: string;
      };
      expect(await main(['--version'], out.stream, capture().stream)).toBe(0);
      expect(out.text()).toBe(`${version}\n`);
    });

    it('prints the exports, or the problem and exit code 1', async () => {
      cloudFormation.on(DescribeStacksCommand).resolves({
        Stacks: [
          {
            StackName: 'Nomad',
            CreationTime: new Date(),
            StackStatus: 'CREATE_COMPLETE',
            Outputs: [envConfig({ addrCertificate: 'load-balancer' })],
          },
        ],
      });
      const out = capture();
      const err = capture();
      expect(await main(['env', '--stack', 'Nomad', '--region', 'eu-west-1'], out.stream, err.stream)).toBe(0);
      expect(out.text()).toContain(`export NOMAD_TOKEN='${TOKEN}'`);
      expect(
        await main(['env', '--stack', 'Nomad', '--cluster', 'nope', '--region', 'eu-west-1'], out.stream, err.stream),
      ).toBe(1);
      expect(err.text()).toBe('nomad-constructs env: the stack Nomad has no cluster nope; it has prod\n');
    });
  });
});
