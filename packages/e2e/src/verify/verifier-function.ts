import { join } from 'node:path';
import { NomadPorts } from '@org/nomad-constructs';
import { Duration, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { NomadReferenceStack } from '../reference-app';

/** The bundled verifier (`npx projen bundle` in this package; the compile task runs it). */
export const VERIFIER_BUNDLE_DIR = join(__dirname, '..', '..', 'lib', 'verifier');

/**
 * A function in the reference cluster's VPC that runs the checks of `nomad-e2e verify` that need
 * the VPC (src/verify/verifier-handler.ts): leader, voters, pools, jobs, hello-world on its own
 * address, a trainer run with its model in the data bucket, the images' scans. The integ test
 * invokes it (`invokeFunction`) and expects `"ok":true`.
 */
export class VerifierFunction extends Construct {
  public readonly function: lambda.Function;

  public constructor(scope: Construct, id: string, stack: NomadReferenceStack) {
    super(scope, id);
    const { cluster } = stack;
    this.function = new lambda.Function(this, 'Function', {
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      handler: 'index.handler',
      code: lambda.Code.fromAsset(VERIFIER_BUNDLE_DIR),
      vpc: cluster.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      timeout: Duration.minutes(15),
      memorySize: 256,
      logGroup: new logs.LogGroup(this, 'Logs', { retention: logs.RetentionDays.ONE_WEEK }),
      environment: {
        SERVER_TAG_KEY: 'NomadServerJoin',
        SERVER_TAG_VALUE: cluster.clusterName,
        NOMAD_REGION: cluster.nomadRegion,
        TOKEN_SECRET_ARN: cluster.secrets.managementToken.secretArn,
        CA_SECRET_ARN: cluster.secrets.caCertificate.secretArn,
        DATA_BUCKET: stack.dataBucket.bucketName,
        IMAGES: Stack.of(this).toJsonString([
          { name: 'hello-world-app', uri: stack.images.helloWorldApp.imageUri },
          { name: 'trainer', uri: stack.images.trainer.imageUri },
        ]),
      },
    });
    cluster.grantManagementToken(this.function);
    cluster.grantCaRead(this.function);
    stack.dataBucket.grantRead(this.function);
    for (const repository of Object.values(stack.repositories)) {
      this.function.addToRolePolicy(
        new iam.PolicyStatement({ actions: ['ecr:DescribeImageScanFindings'], resources: [repository.repositoryArn] }),
      );
    }
    this.function.addToRolePolicy(new iam.PolicyStatement({ actions: ['ec2:DescribeInstances'], resources: ['*'] }));
    // The servers' API, and the clients' task ports (hello-world on its own address).
    cluster.connections.allowFrom(this.function, ec2.Port.tcp(NomadPorts.HTTP), 'The integ verifier');
    for (const pool of cluster.pools) {
      pool.connections.allowFrom(this.function, NomadPorts.dynamicTcp(), 'The integ verifier');
    }
  }
}
