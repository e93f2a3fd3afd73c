import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type ClusterEnvConfig, EnvError, envCommand } from '../../src/cli/env';
import { loadAwsSdk, main } from '../../src/cli/main';

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
  // The stable output name: the cluster's construct path, then EnvConfig (here `new NomadCluster(stack, 'Nomad<name>')`).
  return { OutputKey: `Nomad${config.clusterName}EnvConfig`, OutputValue: JSON.stringify(config) };
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

  it("finds the EnvConfig output of a stack deployed with an earlier version (CDK's hashed output name)", async () => {
    cloudFormation.on(DescribeStacksCommand, { StackName: 'Nomad' }).resolves({
      Stacks: [
        {
          StackName: 'Nomad',
          CreationTime: new Date(),
          StackStatus: 'CREATE_COMPLETE',
          Outputs: [{ ...envConfig(), OutputKey: 'ClusterEnvConfig0F2C8F02' }],
        },
      ],
    });
    expect(await envCommand({ stack: 'Nomad' }, clients())).toContain(`export NOMAD_TOKEN='${TOKEN}'`);
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

    it('names --stack when it is missing', async () => {
      const err = capture();
      expect(await main(['env', '--region', 'eu-west-1'], capture().stream, err.stream)).toBe(2);
      expect(err.text()).toMatch(
        /^nomad-constructs env: --stack is missing: name the CloudFormation stack of the cluster \(--stack Nomad\)\n\nUsage:/,
      );
    });

    describe('the region', () => {
      beforeEach(() => {
        // No profile to fall back on: only what the test sets.
        vi.stubEnv('AWS_CONFIG_FILE', join(home, 'no-config'));
        vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', join(home, 'no-credentials'));
        vi.stubEnv('AWS_PROFILE', undefined);
        vi.stubEnv('AWS_REGION', undefined);
        vi.stubEnv('AWS_DEFAULT_REGION', undefined);
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
      });
      afterEach(() => {
        vi.unstubAllEnvs();
      });
      const regionOfTheCall = async () => {
        const client = cloudFormation.call(0).thisValue as CloudFormationClient;
        return client.config.region();
      };

      it('is AWS_REGION, then AWS_DEFAULT_REGION (as the AWS CLI reads it), unless --region gives one', async () => {
        vi.stubEnv('AWS_DEFAULT_REGION', 'eu-central-1');
        expect(await main(['env', '--stack', 'Nomad'], capture().stream, capture().stream)).toBe(0);
        expect(await regionOfTheCall()).toBe('eu-central-1');
        cloudFormation.resetHistory();
        vi.stubEnv('AWS_REGION', 'eu-north-1');
        expect(await main(['env', '--stack', 'Nomad'], capture().stream, capture().stream)).toBe(0);
        expect(await regionOfTheCall()).toBe('eu-north-1');
        cloudFormation.resetHistory();
        expect(
          await main(['env', '--stack', 'Nomad', '--region', 'us-east-2'], capture().stream, capture().stream),
        ).toBe(0);
        expect(await regionOfTheCall()).toBe('us-east-2');
      });

      it('says how to give one when there is none', async () => {
        const err = capture();
        expect(await main(['env', '--stack', 'Nomad'], capture().stream, err.stream)).toBe(1);
        expect(err.text()).toBe(
          "nomad-constructs env: no AWS region: pass --region with the stack's region (--region eu-west-1), set AWS_REGION or AWS_DEFAULT_REGION, or set one in your AWS profile (aws configure set region eu-west-1)\n",
        );
        expect(cloudFormation.calls()).toHaveLength(0);
      });
    });

    it('says how to install the AWS SDK clients when they are missing', async () => {
      const missing = async (name: string) => {
        throw Object.assign(new Error(`Cannot find package '${name}'`), { code: 'ERR_MODULE_NOT_FOUND' });
      };
      expect(await loadAwsSdk(missing)).toBe(
        'the AWS SDK clients are not installed (they are optional peer dependencies of @org/nomad-constructs). Install them beside it (npm install --save-dev @aws-sdk/client-cloudformation @aws-sdk/client-secrets-manager), or run: npx -p @org/nomad-constructs -p @aws-sdk/client-cloudformation -p @aws-sdk/client-secrets-manager nomad-constructs env ...',
      );
      await expect(loadAwsSdk(async () => Promise.reject(new Error('broken')))).rejects.toThrow('broken');
    });

    it("prints no AWS SDK warning about Node.js versions (the SDK's own switch)", () => {
      // A real run in a child process: the SDK warns once per process, when it creates a client.
      const result = spawnSync(
        process.execPath,
        [
          '--import',
          'tsx',
          '-e',
          "require('./src/cli/main').main(['env', '--stack', 'Nomad', '--region', 'eu-west-1']).then((code) => { process.exitCode = code; })",
        ],
        {
          cwd: join(__dirname, '..', '..'),
          encoding: 'utf8',
          env: {
            PATH: process.env.PATH,
            AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE',
            AWS_SECRET_ACCESS_KEY: 'example',
            // Nothing listens on the discard port: the call fails at once, without AWS.
            AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
            AWS_MAX_ATTEMPTS: '1',
          },
        },
      );
      expect(result.stderr).toContain('nomad-constructs env: cannot describe the stack Nomad');
      expect(result.stderr).not.toContain('NodeVersionSupportWarning');
      expect(result.status).toBe(1);
    });
  });
});
