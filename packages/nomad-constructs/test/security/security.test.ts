import { parse } from '@cdktn/hcl2json';
import { Duration, FileSystem } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { describe, expect, it } from 'vitest';
import {
  ANONYMOUS_POLICY,
  CLIENT_READINESS_POLICY,
  NODE_DRAINER_POLICY,
  NomadCluster,
  type NomadClusterProps,
  NomadError,
  NomadVersion,
  SERVER_READINESS_POLICY,
  UI_READ_ONLY_POLICY,
} from '../../src';
import { type HandlerName, handlerBundleDir } from '../../src/security/handler-function';
import { cfnText, cfnValues, ingressRules, newStack, policyStatements, userDataFile, userDataOf } from '../helpers';

// One stack with every security feature (a UI, the read-only UI token, a pool, an operator given
// the management token, the CA and the UI token), synthesized once for the assertions below.
const stack = newStack();
const cluster = new NomadCluster(stack, 'Cluster', {
  clusterName: 'prod',
  uiReadOnlyToken: true,
  ui: {
    certificate: acm.Certificate.fromCertificateArn(
      stack,
      'Cert',
      'arn:aws:acm:eu-west-1:123456789012:certificate/abc',
    ),
  },
});
const pool = cluster.addClientPool('general');
const operator = new iam.Role(stack, 'Operator', { assumedBy: new iam.AccountRootPrincipal() });
cluster.grantManagementToken(operator);
cluster.grantCaRead(operator);
cluster.grantUiToken(operator);
const template = Template.fromStack(stack);
const json = template.toJSON() as {
  Resources: Record<
    string,
    {
      Type: string;
      Properties: Record<string, unknown>;
      DependsOn?: string[];
      DeletionPolicy?: string;
      Metadata?: Record<string, unknown>;
    }
  >;
  Outputs: Record<string, { Value: unknown }>;
};

const id = (construct: { node: { defaultChild?: unknown } }) =>
  stack.getLogicalId(construct.node.defaultChild as ec2.CfnSecurityGroup);
const { secrets } = cluster;
const drainerToken = cluster.nodeDrain.tokenSecret;
const secretNames: Record<string, string> = {
  [id(secrets.certificateAuthority)]: 'CertificateAuthority',
  [id(secrets.caCertificate)]: 'CaCertificate',
  [id(secrets.serverTls)]: 'ServerTls',
  [id(secrets.clientTls)]: 'ClientTls',
  [id(secrets.gossipKey)]: 'GossipKey',
  [id(secrets.managementToken)]: 'ManagementToken',
  [id(secrets.serverToken)]: 'ServerToken',
  [id(secrets.clientToken)]: 'ClientToken',
  [id(secrets.uiToken as never)]: 'UiToken',
  [id(drainerToken)]: 'NodeDrainerToken',
};
const roleNames: Record<string, string> = {
  [id(cluster.servers.role as iam.Role)]: 'servers',
  [id(pool.role as iam.Role)]: 'clients',
  [id(secrets.keyMaterialFunction.role)]: 'key-material function',
  [id(cluster.acl.handler.role)]: 'ACL function',
  [id(cluster.certificateRenewal.handler.role)]: 'renewal function',
  [id(cluster.nodeDrain.handler.role)]: 'drain function',
  [id(operator)]: 'operator',
};

/** secret -> principal -> the Secrets Manager actions it has on the secret, from every policy of the template. */
function secretAccess(): Record<string, Record<string, string[]>> {
  const access: Record<string, Record<string, string[]>> = {};
  for (const policy of Object.values(template.findResources('AWS::IAM::Policy'))) {
    const roles = (policy.Properties.Roles as unknown[]).map(
      (role) => roleNames[cfnText(role).slice(2, -1)] ?? cfnText(role),
    );
    for (const statement of policy.Properties.PolicyDocument.Statement as Record<string, unknown>[]) {
      const actions = [statement.Action].flat() as string[];
      if (!actions.some((action) => action.startsWith('secretsmanager:'))) {
        continue;
      }
      expect(statement.Effect).toBe('Allow');
      for (const resource of [statement.Resource].flat()) {
        const secret = secretNames[cfnText(resource).slice(2, -1)] ?? cfnText(resource);
        for (const role of roles) {
          access[secret] ??= {};
          access[secret][role] = [...(access[secret][role] ?? []), ...actions].sort();
        }
      }
    }
  }
  return access;
}

describe('secrets', () => {
  it('keeps every key, certificate and token in Secrets Manager, encrypted with the cluster key, created with a placeholder', () => {
    const all = template.findResources('AWS::SecretsManager::Secret');
    expect(
      Object.keys(all)
        .map((logicalId) => secretNames[logicalId])
        .sort(),
    ).toEqual(Object.values(secretNames).sort());
    for (const secret of Object.values(all)) {
      expect(secret.Properties).toMatchObject({
        KmsKeyId: { 'Fn::GetAtt': [id(cluster.encryptionKey), 'Arn'] },
        GenerateSecretString: { SecretStringTemplate: '{"nomadConstructs":"pending"}', GenerateStringKey: 'nonce' },
      });
      // Nothing secret in the template: the custom resources write the values at deploy time.
      expect(secret.Properties.SecretString).toBeUndefined();
    }
  });

  it('retains the CA, the gossip key and the management token (losing them would lose the cluster)', () => {
    const policies = Object.fromEntries(
      Object.entries(template.findResources('AWS::SecretsManager::Secret')).map(([logicalId, secret]) => [
        secretNames[logicalId],
        secret.DeletionPolicy,
      ]),
    );
    expect(policies).toEqual({
      CertificateAuthority: 'Retain',
      GossipKey: 'Retain',
      ManagementToken: 'Retain',
      CaCertificate: 'Delete',
      ServerTls: 'Delete',
      ClientTls: 'Delete',
      ServerToken: 'Delete',
      ClientToken: 'Delete',
      UiToken: 'Delete',
      NodeDrainerToken: 'Delete',
    });
  });

  it('lets each principal read (and write) exactly these secrets', () => {
    const read = ['secretsmanager:GetSecretValue'];
    const readWrite = ['secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue'];
    expect(secretAccess()).toEqual({
      // The CA private key: the key-material function (and the renewal function reads it), nobody else.
      CertificateAuthority: { 'key-material function': readWrite, 'renewal function': read },
      CaCertificate: {
        'key-material function': readWrite,
        'renewal function': readWrite,
        'ACL function': read,
        'drain function': read,
        operator: read,
      },
      // Servers read server material only, clients client material only.
      ServerTls: { 'key-material function': readWrite, 'renewal function': readWrite, servers: read },
      ClientTls: { 'key-material function': readWrite, 'renewal function': readWrite, clients: read },
      GossipKey: { 'key-material function': readWrite, servers: read },
      // The management token never reaches an instance.
      ManagementToken: { 'ACL function': readWrite, operator: read },
      ServerToken: { 'ACL function': readWrite, servers: read },
      ClientToken: { 'ACL function': readWrite, clients: read },
      UiToken: { 'ACL function': readWrite, operator: read },
      // node:write only, for the drain function.
      NodeDrainerToken: { 'ACL function': readWrite, 'drain function': read },
    });
  });

  it('lets principals use the cluster key only through Secrets Manager and S3 (and CloudWatch Logs through the key policy)', () => {
    const keyArn = `\${${id(cluster.encryptionKey)}.Arn}`;
    for (const policy of Object.values(template.findResources('AWS::IAM::Policy'))) {
      for (const statement of policy.Properties.PolicyDocument.Statement as Record<string, unknown>[]) {
        if ([statement.Resource].flat().map(cfnText).includes(keyArn)) {
          // S3: the artifact bucket (and the snapshot bucket, with snapshots).
          expect([
            { StringEquals: { 'kms:ViaService': 'secretsmanager.${AWS::Region}.amazonaws.com' } },
            { StringEquals: { 'kms:ViaService': 's3.${AWS::Region}.amazonaws.com' } },
          ]).toContainEqual(cfnValues(statement.Condition));
        }
      }
    }
    template.hasResource('AWS::KMS::Key', {
      DeletionPolicy: 'Retain',
      Properties: {
        EnableKeyRotation: true,
        KeyPolicy: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Sid: 'CloudWatchLogsOfThisAccount',
              Condition: {
                ArnLike: {
                  'kms:EncryptionContext:aws:logs:arn': {
                    'Fn::Join': ['', Match.arrayWith([':logs:', { Ref: 'AWS::Region' }, ':log-group:*'])],
                  },
                },
              },
            }),
          ]),
        },
      },
    });
  });

  it('encrypts every log group with the cluster key', () => {
    const groups = Object.values(template.findResources('AWS::Logs::LogGroup'));
    // Nomad, containers, metrics events, flow logs and the key-material, ACL, artifact staging, renewal and drain functions.
    expect(groups).toHaveLength(9);
    for (const group of groups) {
      expect(group.Properties.KmsKeyId).toEqual({ 'Fn::GetAtt': [id(cluster.encryptionKey), 'Arn'] });
    }
  });

  it('gives the operator exactly the grants asked for', () => {
    const key = `\${${id(cluster.encryptionKey)}.Arn}`;
    expect(policyStatements(template, id(operator))).toEqual([
      `Allow kms:Decrypt on ${key} if {"StringEquals":{"kms:ViaService":"secretsmanager.\${AWS::Region}.amazonaws.com"}}`,
      `Allow secretsmanager:GetSecretValue on \${${id(secrets.caCertificate)}},\${${id(secrets.managementToken)}},\${${id(secrets.uiToken as never)}}`,
    ]);
  });

  it('throws for grantUiToken on a cluster without a UI token', () => {
    const s = newStack();
    const plain = new NomadCluster(s, 'Cluster');
    expect(() => plain.grantUiToken(new iam.Role(s, 'R', { assumedBy: new iam.AccountRootPrincipal() }))).toThrow(
      'Invalid call at Test/Cluster.grantUiToken: expected a cluster with uiReadOnlyToken: true, received one without a UI token. Set uiReadOnlyToken on the cluster.',
    );
  });
});

describe('custom resource functions', () => {
  const functions = [
    ['cluster-secrets', secrets.keyMaterialFunction],
    ['acl-bootstrap', cluster.acl.handler],
  ] as const;

  it.each(functions)(
    '%s runs the handler bundled into lib/ at build time (nothing is bundled at synth)',
    (name, handler) => {
      const fn = json.Resources[stack.getLogicalId(handler.function.node.defaultChild as never)];
      expect(fn?.Properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        Code: { S3Key: expect.stringMatching(/^[0-9a-f]{64}\.zip$/) },
        LoggingConfig: { LogFormat: 'JSON', LogGroup: { Ref: id(handler.logGroup) } },
      });
      // The asset is the prebuilt folder lib/lambda/<name> as it is: CDK bundles nothing (no esbuild, no Docker).
      const asset = handler.function.node.findChild('Code') as s3assets.Asset;
      expect(handlerBundleDir(name)).toMatch(new RegExp(`/lib/lambda/${name}$`));
      expect(asset.assetHash).toBe(FileSystem.fingerprint(handlerBundleDir(name)));
    },
  );

  it.each(functions)(
    '%s runs in the private subnets, with HTTPS out only (plus the API port of the servers for ACLs)',
    (name, handler) => {
      const fn = json.Resources[stack.getLogicalId(handler.function.node.defaultChild as never)];
      expect((fn?.Properties.VpcConfig as { SubnetIds: unknown[] } | undefined)?.SubnetIds).toEqual(
        cluster.vpc.privateSubnets.map((subnet) => ({ Ref: id(subnet) })),
      );
      const group = json.Resources[id(handler.securityGroup)];
      expect(group?.Properties.SecurityGroupEgress).toEqual([
        {
          CidrIp: '0.0.0.0/0',
          Description: 'AWS APIs (Secrets Manager, EC2)',
          FromPort: 443,
          IpProtocol: 'tcp',
          ToPort: 443,
        },
      ]);
      const standalone = Object.values(template.findResources('AWS::EC2::SecurityGroupEgress'))
        .filter((rule) => cfnText(rule.Properties.GroupId) === `\${${id(handler.securityGroup)}.GroupId}`)
        .map(
          (rule) =>
            `${rule.Properties.IpProtocol} ${rule.Properties.FromPort} to ${cfnText(rule.Properties.DestinationSecurityGroupId)}`,
        );
      expect(standalone).toEqual(
        name === 'acl-bootstrap' ? [`tcp 4646 to \${${id(cluster.servers.securityGroup)}.GroupId}`] : [],
      );
    },
  );

  it('gives the key-material function exactly: the key material secrets, its logs and the VPC network interfaces', () => {
    const handler = secrets.keyMaterialFunction;
    const viaSecretsManager = '{"StringEquals":{"kms:ViaService":"secretsmanager.${AWS::Region}.amazonaws.com"}}';
    const key = `\${${id(cluster.encryptionKey)}.Arn}`;
    const written = [
      secrets.certificateAuthority,
      secrets.caCertificate,
      secrets.serverTls,
      secrets.clientTls,
      secrets.gossipKey,
    ]
      .map((secret) => `\${${id(secret)}}`)
      .sort()
      .join(',');
    // (Statements with the same resources are merged: the @aws-cdk/aws-iam:minimizePolicies flag.)
    expect(policyStatements(template, id(handler.role))).toEqual(
      [
        'Allow ec2:AssignPrivateIpAddresses,ec2:CreateNetworkInterface,ec2:DeleteNetworkInterface,ec2:DescribeNetworkInterfaces,ec2:UnassignPrivateIpAddresses on *',
        `Allow kms:Decrypt,kms:Encrypt,kms:GenerateDataKey on ${key} if ${viaSecretsManager}`,
        `Allow logs:CreateLogStream,logs:PutLogEvents on \${${id(handler.logGroup)}.Arn}`,
        `Allow secretsmanager:GetSecretValue,secretsmanager:PutSecretValue on ${written}`,
      ].sort(),
    );
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: Match.objectLike({
        Statement: [Match.objectLike({ Principal: { Service: 'lambda.amazonaws.com' } })],
      }),
      ManagedPolicyArns: Match.absent(),
    });
    // No managed policies on any role of the cluster: everything each can do is listed in these tests.
    for (const logicalId of Object.keys(roleNames)) {
      expect(json.Resources[logicalId]?.Properties.ManagedPolicyArns, roleNames[logicalId]).toBeUndefined();
    }
  });

  it('gives the ACL function exactly: the CA certificate, the tokens, server discovery, its logs and the VPC network interfaces', () => {
    const handler = cluster.acl.handler;
    const key = `\${${id(cluster.encryptionKey)}.Arn}`;
    const refs = (list: { node: { defaultChild?: unknown } }[]) =>
      list
        .map((s) => `\${${id(s)}}`)
        .sort()
        .join(',');
    const tokens = [
      secrets.managementToken,
      secrets.serverToken,
      secrets.clientToken,
      secrets.uiToken as never,
      drainerToken as never,
    ];
    expect(policyStatements(template, id(handler.role))).toEqual(
      [
        // DescribeInstances finds the servers by tag; it has no resource-level permissions.
        'Allow ec2:AssignPrivateIpAddresses,ec2:CreateNetworkInterface,ec2:DeleteNetworkInterface,ec2:DescribeInstances,ec2:DescribeNetworkInterfaces,ec2:UnassignPrivateIpAddresses on *',
        `Allow kms:Decrypt,kms:Encrypt,kms:GenerateDataKey on ${key} if {"StringEquals":{"kms:ViaService":"secretsmanager.\${AWS::Region}.amazonaws.com"}}`,
        `Allow logs:CreateLogStream,logs:PutLogEvents on \${${id(handler.logGroup)}.Arn}`,
        `Allow secretsmanager:GetSecretValue on ${refs([secrets.caCertificate, ...tokens])}`,
        `Allow secretsmanager:PutSecretValue on ${refs(tokens)}`,
      ].sort(),
    );
  });
});

describe('network', () => {
  it('opens the servers API port to the load balancer, the ACL function and the node drain function only', () => {
    const servers = id(cluster.servers.securityGroup as ec2.SecurityGroup);
    expect(ingressRules(template).filter((rule) => rule.startsWith(`${servers} tcp 4646`))).toEqual(
      [
        `${servers} tcp 4646-4646 from ${id(cluster.acl.handler.securityGroup)}`,
        `${servers} tcp 4646-4646 from ${id(cluster.nodeDrain.handler.securityGroup)}`,
        `${servers} tcp 4646-4646 from ${id(cluster.ui?.connections.securityGroups[0] as ec2.SecurityGroup)}`,
      ].sort(),
    );
  });

  it('re-encrypts from the load balancer to the servers (HTTPS target group and health check)', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      Port: 4646,
      Protocol: 'HTTPS',
      HealthCheckProtocol: 'HTTPS',
      HealthCheckPath: '/v1/agent/health',
    });
  });

  it('protects the load balancer from deletion by default, and lets it be turned off', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      LoadBalancerAttributes: Match.arrayWith([{ Key: 'deletion_protection.enabled', Value: 'true' }]),
    });
    const s = newStack();
    new NomadCluster(s, 'Cluster', {
      ui: {
        deletionProtection: false,
        certificate: acm.Certificate.fromCertificateArn(
          s,
          'Cert',
          'arn:aws:acm:eu-west-1:123456789012:certificate/abc',
        ),
      },
    });
    Template.fromStack(s).hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      LoadBalancerAttributes: Match.not(Match.arrayWith([{ Key: 'deletion_protection.enabled', Value: 'true' }])),
    });
  });
});

describe('deployment order', () => {
  const dependsOn = (construct: { node: { defaultChild?: unknown } }) => json.Resources[id(construct)]?.DependsOn ?? [];
  const keyMaterial = id(secrets.keyMaterial);
  const acl = id(cluster.acl.resource);

  it('generates the key material before the servers start, and bootstraps ACLs once they have signalled', () => {
    expect(dependsOn(cluster.servers.autoScalingGroup)).toContain(keyMaterial);
    expect(dependsOn(cluster.acl.resource)).toEqual(
      expect.arrayContaining([id(cluster.servers.autoScalingGroup), keyMaterial]),
    );
  });

  it('starts clients and the HTTPS listener only after the ACL bootstrap: nothing else reaches the bootstrap endpoint first', () => {
    expect(dependsOn(pool.autoScalingGroup)).toEqual(expect.arrayContaining([acl, keyMaterial]));
    expect(dependsOn(cluster.ui?.listener as never)).toContain(acl);
  });

  it('lets instances boot with their permissions in place (the role policy before the group)', () => {
    expect(dependsOn(cluster.servers.autoScalingGroup)).toContain(
      id((cluster.servers.role as iam.Role).node.findChild('DefaultPolicy') as never),
    );
  });
});

describe('custom resources', () => {
  it('generate the key material with the region, validity and a digest of the node configuration', () => {
    const resource = json.Resources[id(secrets.keyMaterial)];
    expect(resource?.Type).toBe('Custom::NomadClusterSecrets');
    expect(cfnValues(resource?.Properties)).toEqual({
      ServiceToken: `\${${stack.getLogicalId(secrets.keyMaterialFunction.function.node.defaultChild as never)}.Arn}`,
      ServiceTimeout: '300',
      CaSecretArn: `\${${id(secrets.certificateAuthority)}}`,
      CaCertificateSecretArn: `\${${id(secrets.caCertificate)}}`,
      ServerTlsSecretArn: `\${${id(secrets.serverTls)}}`,
      ClientTlsSecretArn: `\${${id(secrets.clientTls)}}`,
      GossipKeySecretArn: `\${${id(secrets.gossipKey)}}`,
      NomadRegion: 'global',
      CaValidityDays: 3650,
      CertificateValidityDays: 365,
      NodeConfiguration: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
  });

  it('bootstrap ACLs with the anonymous policy that denies everything, the readiness policies and the UI policy', () => {
    const resource = json.Resources[id(cluster.acl.resource)];
    expect(resource?.Type).toBe('Custom::NomadAcl');
    const properties = cfnValues(resource?.Properties) as Record<string, unknown>;
    expect(properties).toMatchObject({
      ServerTagKey: 'NomadServerJoin',
      ServerTagValue: 'prod',
      NomadRegion: 'global',
      HttpPort: 4646,
      ServiceTimeout: '900',
      CaCertificateSecretArn: `\${${id(secrets.caCertificate)}}`,
      ManagementTokenSecretArn: `\${${id(secrets.managementToken)}}`,
    });
    expect(properties.Policies).toEqual(
      [
        ANONYMOUS_POLICY,
        SERVER_READINESS_POLICY,
        CLIENT_READINESS_POLICY,
        UI_READ_ONLY_POLICY,
        NODE_DRAINER_POLICY,
      ].map((policy) => ({
        Name: policy.name,
        Description: policy.description,
        Rules: policy.rules,
      })),
    );
    expect(properties.Tokens).toEqual([
      {
        Name: 'nomad-constructs-server-readiness',
        Policies: ['nomad-constructs-server-readiness'],
        SecretArn: `\${${id(secrets.serverToken)}}`,
      },
      {
        Name: 'nomad-constructs-client-readiness',
        Policies: ['nomad-constructs-client-readiness'],
        SecretArn: `\${${id(secrets.clientToken)}}`,
      },
      {
        Name: 'nomad-constructs-ui-read-only',
        Policies: ['nomad-constructs-ui-read-only'],
        SecretArn: `\${${id(secrets.uiToken as never)}}`,
      },
      // The node drain function's token: node write, nothing else.
      {
        Name: 'nomad-constructs-node-drainer',
        Policies: ['nomad-constructs-node-drainer'],
        SecretArn: `\${${id(drainerToken)}}`,
      },
    ]);
  });

  it('write policies Nomad reads: every rule of anonymous denies, the others read', async () => {
    for (const policy of [ANONYMOUS_POLICY, SERVER_READINESS_POLICY, CLIENT_READINESS_POLICY, UI_READ_ONLY_POLICY]) {
      const parsed = (await parse(`${policy.name}.hcl`, policy.rules)) as Record<string, unknown>;
      const dispositions = JSON.stringify(parsed).match(/"policy":"(\w+)"/g) ?? [];
      expect(new Set(dispositions), policy.name).toEqual(
        new Set([`"policy":"${policy === ANONYMOUS_POLICY ? 'deny' : 'read'}"`]),
      );
    }
    expect(Object.keys((await parse('anonymous.hcl', ANONYMOUS_POLICY.rules)) as object).sort()).toEqual([
      'agent',
      'host_volume',
      'namespace',
      'node',
      'operator',
      'plugin',
      'quota',
    ]);
    expect(SERVER_READINESS_POLICY.rules).toBe('agent {\n  policy = "read"\n}\n\noperator {\n  policy = "read"\n}\n');
    expect(CLIENT_READINESS_POLICY.rules).toBe('agent {\n  policy = "read"\n}\n\nnode {\n  policy = "read"\n}\n');
  });
});

describe('node configuration', () => {
  const servers = userDataOf(template, 'ClusterServersLaunchTemplate');
  const clients = userDataOf(template, 'ClustergeneralLaunchTemplate');

  it.each([
    ['server', servers],
    ['client', clients],
  ])(
    'the %s configuration turns on ACLs and TLS, and names the files the boot script writes',
    async (role, userData) => {
      const parsed = (await parse('nomad.hcl', userDataFile(userData, '/etc/nomad.d/nomad.hcl'))) as Record<
        string,
        Record<string, unknown>[]
      >;
      expect(parsed.acl).toEqual([{ enabled: true }]);
      expect(parsed.tls).toEqual([
        {
          http: true,
          rpc: true,
          ca_file: '/etc/nomad.d/tls/ca.pem',
          cert_file: '/etc/nomad.d/tls/agent.pem',
          key_file: '/etc/nomad.d/tls/agent-key.pem',
          verify_server_hostname: true,
          verify_https_client: false,
          tls_min_version: 'tls12',
        },
      ]);
      const env = userDataFile(userData, '/etc/nomad-bootstrap/bootstrap.env');
      const tls = parsed.tls?.[0] as Record<string, string>;
      expect(env).toContain(`NOMAD_TLS_CA_FILE='${tls.ca_file}'`);
      expect(env).toContain(`NOMAD_TLS_CERT_FILE='${tls.cert_file}'`);
      expect(env).toContain(`NOMAD_TLS_KEY_FILE='${tls.key_file}'`);
      const secret = role === 'server' ? secrets.serverTls : secrets.clientTls;
      expect(env).toContain(`NOMAD_TLS_SECRET_ARN='\${${id(secret)}}'`);
      // Only servers get the gossip key; it is never in the rendered configuration.
      expect(env.includes('NOMAD_GOSSIP_SECRET_ARN')).toBe(role === 'server');
      expect(JSON.stringify(parsed)).not.toContain('encrypt');
    },
  );

  it('gives operators in a Session Manager shell the address and CA of the local agent', () => {
    expect(userDataFile(servers, '/etc/profile.d/nomad.sh')).toBe(
      'export NOMAD_ADDR=https://127.0.0.1:4646\nexport NOMAD_CACERT=/etc/nomad.d/tls/ca.pem\n',
    );
  });

  it('scrapes the agent metrics over HTTPS with the cluster CA', () => {
    const scrape = JSON.parse(userDataFile(servers, '/etc/nomad-bootstrap/prometheus.yaml'));
    expect(scrape.scrape_configs[0]).toMatchObject({
      scheme: 'https',
      tls_config: { ca_file: '/etc/nomad.d/tls/ca.pem' },
    });
  });

  it('puts no key, certificate or token in the template', () => {
    const text = JSON.stringify(json);
    expect(text).not.toMatch(/BEGIN [A-Z ]*(PRIVATE KEY|CERTIFICATE)/);
    expect(text).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/);
    expect(text).not.toMatch(/encrypt\s*=/);
  });
});

describe('certificate rotation', () => {
  const digest = (props: NomadClusterProps = {}, pools = 1): string => {
    const s = newStack();
    const c = new NomadCluster(s, 'Cluster', { clusterName: 'prod', ...props });
    for (let index = 0; index < pools; index++) {
      c.addClientPool(`pool${index}`);
    }
    return Template.fromStack(s).findResources('Custom::NomadClusterSecrets')[
      s.getLogicalId(c.secrets.keyMaterial.node.defaultChild as never)
    ]?.Properties.NodeConfiguration as string;
  };
  const base = digest();

  it('re-issues certificates exactly when some node group rolls: same app, same digest', () => {
    expect(digest()).toBe(base);
    // A UI adds a load balancer, but changes no instance.
    expect(
      digest({
        ui: {
          certificate: acm.Certificate.fromCertificateArn(
            newStack(),
            'C',
            'arn:aws:acm:eu-west-1:123456789012:certificate/abc',
          ),
        },
      }),
    ).toBe(base);
  });

  it('re-issues them with a new tlsGeneration (which also replaces every node), a new pool or a new Nomad version', () => {
    expect(digest({ tlsGeneration: 1 })).not.toBe(base);
    expect(digest({}, 2)).not.toBe(base);
    expect(digest({ version: NomadVersion.of('1.10.5') })).not.toBe(base);
    // Not for what the user data does not hold (the instance type is in the launch template).
    expect(digest({ serverInstanceType: new ec2.InstanceType('m7i.xlarge') })).toBe(base);
  });
});

describe('validation', () => {
  const throws = (props: NomadClusterProps): NomadError => {
    try {
      new NomadCluster(newStack(), 'Cluster', props);
    } catch (error) {
      expect(error).toBeInstanceOf(NomadError);
      return error as NomadError;
    }
    throw new Error('expected a NomadError');
  };

  it('throws for certificates that would outlive the CA, and for partial days', () => {
    expect(
      throws({ caValidity: Duration.days(365), certificateValidity: Duration.days(365) }).message,
    ).toMatchInlineSnapshot(
      `"Invalid prop at Test/Cluster.certificateValidity: expected certificates valid for less time than the CA (365 days), received 365 days. A certificate cannot outlive the CA that signed it."`,
    );
    expect(throws({ certificateValidity: Duration.hours(36) }).message).toMatchInlineSnapshot(
      `"Invalid prop at Test/Cluster.certificateValidity: expected a whole number of days (at least 1), received 1 day 12 hours. Use Duration.days()."`,
    );
  });

  it('throws for a tlsGeneration that is not a whole number >= 0', () => {
    expect(throws({ tlsGeneration: -1 }).message).toMatchInlineSnapshot(
      `"Invalid prop at Test/Cluster.tlsGeneration: expected a whole number >= 0, received -1. Bump it by one to replace every node with new certificates."`,
    );
  });

  it('throws when the handlers were not bundled into the package', () => {
    expect(() => handlerBundleDir('missing' as HandlerName)).toThrow(
      /^Invalid call at .*\/lib\/lambda\/missing: expected the Lambda handler bundled when @org\/nomad-constructs was built/,
    );
  });
});
