import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import { describe, expect, it } from 'vitest';
import { createReferenceApp } from '../../src/reference-app';
import { VERIFIER_BUNDLE_DIR, VerifierFunction } from '../../src/verify/verifier-function';

describe('VerifierFunction (the integ test in-VPC verifier)', () => {
  const { stack } = createReferenceApp();
  const verifier = new VerifierFunction(stack, 'IntegVerifier', stack);
  const template = Template.fromStack(stack);
  const id = (construct: { node: { defaultChild?: unknown } }) =>
    stack.getLogicalId(construct.node.defaultChild as never);

  it('runs the bundled handler in the private subnets, with the cluster and the stack it checks in its environment', () => {
    expect(existsSync(join(VERIFIER_BUNDLE_DIR, 'index.js'))).toBe(true);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.handler',
      Timeout: 900,
      VpcConfig: Match.objectLike({ SubnetIds: Match.anyValue() }),
      Environment: {
        Variables: Match.objectLike({
          SERVER_TAG_KEY: 'NomadServerJoin',
          SERVER_TAG_VALUE: stack.cluster.clusterName,
          NOMAD_REGION: 'global',
          TOKEN_SECRET_ARN: { Ref: id(stack.cluster.secrets.managementToken) },
          DATA_BUCKET: { Ref: id(stack.dataBucket) },
        }),
      },
    });
  });

  it("may reach the servers' API and the clients' task ports, from its own security group", () => {
    const functionGroup = (verifier.function.connections.securityGroups[0] as ec2.SecurityGroup).node
      .defaultChild as never;
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      FromPort: 4646,
      ToPort: 4646,
      SourceSecurityGroupId: { 'Fn::GetAtt': [stack.getLogicalId(functionGroup), 'GroupId'] },
    });
    const taskPorts = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress')).filter(
      (rule) =>
        rule.Properties.FromPort === 20000 &&
        JSON.stringify(rule.Properties.SourceSecurityGroupId).includes(stack.getLogicalId(functionGroup)),
    );
    expect(taskPorts).toHaveLength(stack.cluster.pools.length);
  });

  it('reads the scan findings of exactly the two image repositories', () => {
    const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((policy) =>
      JSON.stringify(policy.Properties.Roles).includes('IntegVerifier'),
    );
    const statements = policies.flatMap(
      (policy) => policy.Properties.PolicyDocument.Statement as Array<{ Action: string | string[]; Resource: unknown }>,
    );
    const ecr = statements.filter((statement) => statement.Action === 'ecr:DescribeImageScanFindings');
    // (The feature flag minimizePolicies merges the two statements into one.)
    expect(ecr.flatMap((statement) => statement.Resource)).toEqual([
      { 'Fn::GetAtt': [id(stack.repositories.helloWorldApp), 'Arn'] },
      { 'Fn::GetAtt': [id(stack.repositories.trainer), 'Arn'] },
    ]);
  });
});
