import { awsWebIdentity, Job, Size } from '@org/jobspec-builder';
import { App, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { NomadCluster, NomadJob } from '../src';

const app = new App();
const stack = new Stack(app, 'Nomad');

// The servers publish their OIDC issuer through CloudFront; AWS IAM trusts it.
const cluster = new NomadCluster(stack, 'Cluster', { workloadIdentity: {} });
cluster.addClientPool('batch');

// Only the task "report" of the group "report" of the job "report" (namespace default) assumes this role.
const reports = new s3.Bucket(stack, 'Reports', { enforceSSL: true });
const role = cluster.addWorkloadRole('Report', { job: 'report', group: 'report', task: 'report' });
reports.grantPut(role);

// The task asks Nomad for a token for AWS STS; the AWS CLI and SDKs exchange it for the role.
const aws = awsWebIdentity({ roleArn: role.roleArn });
new NomadJob(stack, 'Report', {
  cluster,
  job: new Job({
    id: 'report',
    type: 'batch',
    nodePool: 'batch',
    groups: [
      {
        name: 'report',
        tasks: [
          {
            name: 'report',
            driver: 'docker',
            config: {
              image: 'public.ecr.aws/aws-cli/aws-cli:2.22.0',
              args: ['s3', 'cp', '/etc/os-release', `s3://${reports.bucketName}/os-release`],
            },
            identities: [aws.identity],
            env: aws.env,
            resources: { cpu: 200, memory: Size.mebibytes(256) },
          },
        ],
      },
    ],
  }),
});
