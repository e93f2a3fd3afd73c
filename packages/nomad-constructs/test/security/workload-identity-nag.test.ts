import { App, Aspects, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { CURRENTLY_RECOMMENDED_FLAGS } from 'aws-cdk-lib/cx-api';
import { AwsSolutionsChecks, type INagLogger, NIST80053R5Checks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { NomadCluster } from '../../src';

interface Finding {
  readonly rule: string;
  readonly path: string;
  readonly suppressed: boolean;
}

/** cdk-nag's AwsSolutions and NIST 800-53 rev 5 packs on a cluster with workload identity, as a user adds them. */
function findings(accessLogs: boolean): Finding[] {
  const app = new App({ context: CURRENTLY_RECOMMENDED_FLAGS });
  const stack = new Stack(app, 'Nomad');
  const logs = accessLogs
    ? new s3.Bucket(stack, 'Logs', { objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED })
    : undefined;
  const cluster = new NomadCluster(stack, 'Cluster', { workloadIdentity: { accessLogsBucket: logs } });
  cluster.addClientPool('general');
  const role = cluster.addWorkloadRole('Trainer', { job: 'trainer', group: 'trainer', task: 'trainer' });
  // A grant without wildcards: what the user grants is the user's to review.
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['s3:GetObject'],
      resources: [new s3.Bucket(stack, 'Data').arnForObjects('a.csv')],
    }),
  );
  const found: Finding[] = [];
  const record = (suppressed: boolean) => (data: { ruleId: string; resource: { node: { path: string } } }) =>
    found.push({ rule: data.ruleId, path: data.resource.node.path, suppressed });
  const logger: INagLogger = {
    onCompliance() {},
    onNotApplicable() {},
    onNonCompliance: record(false),
    onSuppressed: record(true),
    onError: record(false),
    onSuppressedError: record(true),
  };
  Aspects.of(app).add(new AwsSolutionsChecks({ reports: false, additionalLoggers: [logger] }));
  Aspects.of(app).add(new NIST80053R5Checks({ reports: false, additionalLoggers: [logger] }));
  app.synth();
  return found.filter((finding) => finding.path.startsWith('Nomad/Cluster/WorkloadIdentity/'));
}

const rows = (list: Finding[]) =>
  list.map((finding) => `${finding.rule} ${finding.path.replace('Nomad/Cluster/WorkloadIdentity/', '')}`).sort();

describe('NomadWorkloadIdentity under cdk-nag', () => {
  it('leaves no unsuppressed finding on the issuer and the workload roles, and suppresses exactly the reviewed ones', () => {
    const all = findings(false);
    expect(rows(all.filter((finding) => !finding.suppressed))).toEqual([]);
    expect(rows(all)).toEqual([
      'AwsSolutions-CFR1 Distribution/Resource',
      'AwsSolutions-CFR2 Distribution/Resource',
      'AwsSolutions-CFR3 Distribution/Resource',
      'AwsSolutions-CFR4 Distribution/Resource',
      'AwsSolutions-S1 Bucket/Resource',
      'NIST.800.53.R5-IAMNoInlinePolicy Trainer/Role/DefaultPolicy/Resource',
      'NIST.800.53.R5-S3BucketLoggingEnabled Bucket/Resource',
      'NIST.800.53.R5-S3BucketReplicationEnabled Bucket/Resource',
      'NIST.800.53.R5-S3DefaultEncryptionKMS Bucket/Resource',
    ]);
  });

  it('needs no access log suppression when the issuer logs to accessLogsBucket', () => {
    const all = findings(true);
    expect(rows(all.filter((finding) => !finding.suppressed))).toEqual([]);
    expect(rows(all)).not.toContain('AwsSolutions-CFR3 Distribution/Resource');
    expect(rows(all)).not.toContain('AwsSolutions-S1 Bucket/Resource');
  });
});
