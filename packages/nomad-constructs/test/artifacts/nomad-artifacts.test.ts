import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { describe, expect, it } from 'vitest';
import { NomadCluster, NomadVersion } from '../../src';
import { ArtifactStagingProperties } from '../../src/artifacts/artifact-contract';
import { cfnValues, newStack, policyStatements, shellcheck, userDataAsDeployed, userDataOf } from '../helpers';

const NOMAD_AMD64 = '19dac5642a2ba5305e6ff8efee06a708d760ebe4d1cd7936bc3dc526f477dc12';
const NOMAD_ARM64 = '902e44260fcd9297af7042fb33ccd5a29cc2202b57199724f17c96fcd67414d2';
const CNI_AMD64 = 'b98f74a0f8522f0a83867178729c1aa70f2158f90c45a2ca8fa791db1c76b303';
const CNI_ARM64 = '56171987d3947707c3563db2f4001bccaf50fd63468611b9f3cbecb1375ee7ec';

const stack = newStack();
const logs = new s3.Bucket(stack, 'Logs');
const cluster = new NomadCluster(stack, 'Cluster', { clusterName: 'prod', artifacts: { accessLogsBucket: logs } });
const general = cluster.addClientPool('general');
const gpu = cluster.addClientPool('gpu', {
  instanceTypes: [new ec2.InstanceType('g5g.xlarge')],
  gpu: true,
  minCapacity: 0,
  maxCapacity: 2,
});
const template = Template.fromStack(stack);
const id = (construct: { node: { defaultChild?: unknown } }) =>
  stack.getLogicalId(construct.node.defaultChild as ec2.CfnSecurityGroup);
const artifacts = cluster.artifacts;
const bucketId = id(artifacts.bucket);
const resourceId = stack.getLogicalId(artifacts.resource.node.defaultChild as never);

describe('NomadArtifacts', () => {
  it('stages into a retained, versioned, KMS-encrypted, TLS-only bucket with server access logs', () => {
    const bucket = template.findResources('AWS::S3::Bucket')[bucketId];
    expect(bucket?.DeletionPolicy).toBe('Retain');
    expect(bucket?.Properties).toMatchObject({
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          {
            BucketKeyEnabled: true,
            ServerSideEncryptionByDefault: {
              SSEAlgorithm: 'aws:kms',
              KMSMasterKeyID: { 'Fn::GetAtt': [id(cluster.encryptionKey), 'Arn'] },
            },
          },
        ],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      VersioningConfiguration: { Status: 'Enabled' },
      LoggingConfiguration: { DestinationBucketName: { Ref: id(logs) }, LogFilePrefix: 'nomad-artifacts/' },
    });
    const policy = Object.values(template.findResources('AWS::S3::BucketPolicy')).find(
      (candidate) => candidate.Properties.Bucket.Ref === bucketId,
    );
    expect(cfnValues(policy?.Properties.PolicyDocument.Statement)).toEqual([
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      expect.objectContaining({ Effect: 'Deny', Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } }),
    ]);
  });

  it('stages each file the nodes install once, per architecture, with the pins and HashiCorp’s key', () => {
    const resource = template.findResources('Custom::NomadArtifacts')[resourceId];
    const properties = ArtifactStagingProperties.parse(
      JSON.parse(JSON.stringify(cfnValues(resource?.Properties)).replaceAll(`\${${bucketId}}`, 'bucket')),
    );
    const hashicorp = (product: string, version: string, arch: string, sha256?: string) => ({
      fileName: `${product}_${version}_linux_${arch}.zip`,
      url: `https://releases.hashicorp.com/${product}/${version}/${product}_${version}_linux_${arch}.zip`,
      key: `artifacts/${product}/${version}/${product}_${version}_linux_${arch}.zip`,
      ...(sha256 === undefined ? {} : { sha256 }),
      signedSums: {
        url: `https://releases.hashicorp.com/${product}/${version}/${product}_${version}_SHA256SUMS`,
        signatureUrl: `https://releases.hashicorp.com/${product}/${version}/${product}_${version}_SHA256SUMS.sig`,
      },
    });
    const cni = (arch: string, sha256: string) => ({
      fileName: `cni-plugins-linux-${arch}-v1.9.1.tgz`,
      url: `https://github.com/containernetworking/plugins/releases/download/v1.9.1/cni-plugins-linux-${arch}-v1.9.1.tgz`,
      key: `artifacts/cni-plugins/1.9.1/cni-plugins-linux-${arch}-v1.9.1.tgz`,
      sha256,
    });
    expect(properties).toEqual({
      bucketName: 'bucket',
      signingKey: {
        url: 'https://www.hashicorp.com/.well-known/pgp-key.txt',
        fingerprint: 'C874011F0AB405110D02105534365D9472D7468F',
      },
      // Sorted by key; the servers' and the general pool's Nomad (amd64) once.
      artifacts: [
        cni('amd64', CNI_AMD64),
        cni('arm64', CNI_ARM64),
        hashicorp('nomad-device-nvidia', '1.1.0', 'arm64'),
        hashicorp('nomad', '1.11.3', 'amd64', NOMAD_AMD64),
        hashicorp('nomad', '1.11.3', 'arm64', NOMAD_ARM64),
      ],
    });
    expect(resource?.Properties.ServiceToken).toEqual({ 'Fn::GetAtt': [id(artifacts.handler.function), 'Arn'] });
  });

  it('launches no instance before the staging resource has run', () => {
    for (const group of [cluster.servers, general, gpu]) {
      expect(
        template.findResources('AWS::AutoScaling::AutoScalingGroup')[id(group.autoScalingGroup)]?.DependsOn,
      ).toContain(resourceId);
      expect(template.findResources('AWS::EC2::LaunchTemplate')[id(group.launchTemplate)]?.DependsOn).toContain(
        resourceId,
      );
    }
  });

  it('tells the boot script where each file is and its SHA-256: pinned, or the one the staging verified', () => {
    const server = userDataOf(template, id(cluster.servers.launchTemplate));
    expect(server).toContain(`NOMAD_ARTIFACT_BUCKET='\${${bucketId}}'`);
    expect(server).toContain("NOMAD_ARTIFACT_KEY='artifacts/nomad/1.11.3/nomad_1.11.3_linux_amd64.zip'");
    expect(server).toContain(`NOMAD_SHA256='${NOMAD_AMD64}'`);
    expect(server).not.toContain('CNI_PLUGINS_ARTIFACT_KEY');
    const client = userDataOf(template, id(general.launchTemplate));
    expect(client).toContain(
      "CNI_PLUGINS_ARTIFACT_KEY='artifacts/cni-plugins/1.9.1/cni-plugins-linux-amd64-v1.9.1.tgz'",
    );
    expect(client).toContain(`CNI_PLUGINS_SHA256='${CNI_AMD64}'`);
    expect(client).not.toContain('NOMAD_DEVICE_NVIDIA_ARTIFACT_KEY');
    const gpuClient = userDataOf(template, id(gpu.launchTemplate));
    expect(gpuClient).toContain(`NOMAD_SHA256='${NOMAD_ARM64}'`);
    expect(gpuClient).toContain(
      "NOMAD_DEVICE_NVIDIA_ARTIFACT_KEY='artifacts/nomad-device-nvidia/1.1.0/nomad-device-nvidia_1.1.0_linux_arm64.zip'",
    );
    // No pin for the device plugin: the SHA-256 HashiCorp's signed SHA256SUMS lists, as the staging verified it.
    expect(gpuClient).toContain(
      `NOMAD_DEVICE_NVIDIA_SHA256='\${${resourceId}.Sha256nomaddevicenvidia110linuxarm64zip}'`,
    );
    for (const userData of [server, client, gpuClient]) {
      expect(shellcheck(userDataAsDeployed(userData))).toBe('');
      expect(userData).not.toMatch(/releases\.hashicorp\.com|github\.com/);
    }
  });

  it('lets each node group read exactly its own files, through S3 only', () => {
    const object = (key: string) => `\${${bucketId}.Arn}/${key}`;
    // IAM merges the statement with the one for the boot script (s3:GetObject on one asset object).
    const bootScript =
      'arn:${AWS::Partition}:s3:::cdk-hnb659fds-assets-${AWS::AccountId}-${AWS::Region}/<boot script>.sh';
    const decrypt = `Allow kms:Decrypt on \${${id(cluster.encryptionKey)}.Arn} if {"StringEquals":{"kms:ViaService":"s3.\${AWS::Region}.amazonaws.com"}}`;
    const statements = (group: { role: unknown }) =>
      policyStatements(template, id(group.role as never))
        .filter((line) => line.includes(bucketId) || line === decrypt)
        .map((line) => line.replace(/(cdk-hnb659fds-assets-[^/]+\/)[0-9a-f]{64}\.sh/, '$1<boot script>.sh'));
    expect(statements(cluster.servers)).toEqual(
      [
        `Allow s3:GetObject on ${bootScript},${object('artifacts/nomad/1.11.3/nomad_1.11.3_linux_amd64.zip')}`,
        decrypt,
      ].sort(),
    );
    expect(statements(general)).toEqual(
      [
        `Allow s3:GetObject on ${bootScript},${object('artifacts/cni-plugins/1.9.1/cni-plugins-linux-amd64-v1.9.1.tgz')},${object('artifacts/nomad/1.11.3/nomad_1.11.3_linux_amd64.zip')}`,
        decrypt,
      ].sort(),
    );
    expect(statements(gpu)).toEqual(
      [
        `Allow s3:GetObject on ${bootScript},${[
          'artifacts/cni-plugins/1.9.1/cni-plugins-linux-arm64-v1.9.1.tgz',
          'artifacts/nomad-device-nvidia/1.1.0/nomad-device-nvidia_1.1.0_linux_arm64.zip',
          'artifacts/nomad/1.11.3/nomad_1.11.3_linux_arm64.zip',
        ]
          .map(object)
          .join(',')}`,
        decrypt,
      ].sort(),
    );
  });

  it('gives the staging function exactly: the bucket’s artifacts/ prefix, the cluster key through S3, its VPC and logs', () => {
    const key = `\${${id(cluster.encryptionKey)}.Arn}`;
    expect(policyStatements(template, id(artifacts.handler.role))).toEqual(
      [
        'Allow ec2:AssignPrivateIpAddresses,ec2:CreateNetworkInterface,ec2:DeleteNetworkInterface,ec2:DescribeNetworkInterfaces,ec2:UnassignPrivateIpAddresses on *',
        `Allow kms:Decrypt,kms:GenerateDataKey on ${key} if {"StringEquals":{"kms:ViaService":"s3.\${AWS::Region}.amazonaws.com"}}`,
        `Allow logs:CreateLogStream,logs:PutLogEvents on \${${id(artifacts.handler.logGroup)}.Arn}`,
        `Allow s3:GetObject,s3:PutObject on \${${bucketId}.Arn}/artifacts/*`,
        `Allow s3:ListBucket on \${${bucketId}.Arn}`,
      ].sort(),
    );
    // Downloads need the internet (through the NAT) at deploy time: HTTPS out, nothing in.
    const group = template.findResources('AWS::EC2::SecurityGroup')[id(artifacts.handler.securityGroup)];
    expect(group?.Properties.SecurityGroupEgress).toEqual([
      expect.objectContaining({ CidrIp: '0.0.0.0/0', IpProtocol: 'tcp', FromPort: 443, ToPort: 443 }),
    ]);
    expect(group?.Properties.SecurityGroupIngress).toBeUndefined();
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: 'Nomad cluster prod: stages the release files the nodes install into S3',
      Timeout: 900,
      MemorySize: 1024,
    });
  });

  it('stages a version without pinned sums on HashiCorp’s signature alone, and boots with the verified sum', () => {
    const other = newStack();
    const custom = new NomadCluster(other, 'Cluster', { version: NomadVersion.of('1.10.5') });
    const otherTemplate = Template.fromStack(other);
    const resource = Object.values(otherTemplate.findResources('Custom::NomadArtifacts'))[0];
    expect(resource?.Properties.artifacts).toEqual([expect.not.objectContaining({ sha256: expect.anything() })]);
    const userData = userDataOf(
      otherTemplate,
      other.getLogicalId(custom.servers.launchTemplate.node.defaultChild as never),
    );
    expect(userData).toMatch(/NOMAD_SHA256='\$\{ClusterArtifacts[0-9A-F]+\.Sha256nomad1105linuxamd64zip\}'/);
  });
});
