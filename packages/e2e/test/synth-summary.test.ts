import { describe, expect, it } from 'vitest';
import { formatSummary, hasProblems, type SynthSummary } from '../src/synth-summary';

const summary: SynthSummary = {
  outdir: '/repo/packages/e2e/cdk.out',
  seconds: 1.23,
  stacks: [
    {
      name: 'Stack',
      resources: {
        'AWS::EC2::Subnet': 6,
        'AWS::EC2::VPC': 1,
        'AWS::AutoScaling::AutoScalingGroup': 3,
        'AWS::IAM::Role': 3,
      },
      warnings: ['/Stack/Cluster: a warning'],
      errors: [],
    },
  ],
  findings: [
    {
      ruleId: 'AwsSolutions-IAM5',
      level: 'Error',
      path: 'Stack/Role',
      findingId: 'Resource::*',
      suppressedBecause: 'needed',
    },
    {
      ruleId: 'AwsSolutions-IAM5',
      level: 'Error',
      path: 'Stack/Other',
      findingId: 'Resource::*',
      suppressedBecause: 'needed',
    },
    {
      ruleId: 'CdkNagValidationFailure',
      level: 'Warning',
      path: 'Stack/Asg',
      findingId: '',
      failedRule: 'AwsSolutions-EC26',
      suppressedBecause: 'x',
    },
    { ruleId: 'AwsSolutions-S1', level: 'Error', path: 'Stack/Bucket/Resource', findingId: '' },
  ],
};

describe('formatSummary', () => {
  it('prints the stacks, resources by count, annotations, open findings and suppressions by rule', () => {
    expect(formatSummary(summary, '/repo/packages/e2e')).toMatchInlineSnapshot(`
      "Synthesized 1 stack in 1.2 s into cdk.out

      Stack: 13 resources
        6  AWS::EC2::Subnet
        3  AWS::AutoScaling::AutoScalingGroup
        3  AWS::IAM::Role
        1  AWS::EC2::VPC
        warning /Stack/Cluster: a warning

      cdk-nag AwsSolutions and NIST 800-53 rev 5: 1 errors and 0 warnings unsuppressed, 3 suppressed with a reason
        ERROR AwsSolutions-S1 on Stack/Bucket/Resource
        suppressed AwsSolutions-IAM5 x2
        suppressed CdkNagValidationFailure (AwsSolutions-EC26) x1"
    `);
  });
});

describe('hasProblems', () => {
  it('is true for an unsuppressed cdk-nag error or a CDK error, not for warnings or suppressions', () => {
    expect(hasProblems(summary)).toBe(true);
    const clean = {
      ...summary,
      findings: summary.findings.filter((finding) => finding.suppressedBecause !== undefined),
    };
    expect(hasProblems(clean)).toBe(false);
    expect(
      hasProblems({
        ...clean,
        stacks: [{ ...clean.stacks[0], name: 'S', resources: {}, warnings: [], errors: ['boom'] }],
      }),
    ).toBe(true);
  });
});
