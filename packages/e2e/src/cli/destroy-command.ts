import {
  GetTemplateCommand,
  ListStackResourcesCommand,
  type StackResourceSummary,
} from '@aws-sdk/client-cloudformation';
import { DescribeImagesCommand } from '@aws-sdk/client-ecr';
import { ModifyLoadBalancerAttributesCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { US_EAST_1_PRICES } from '../cost/price-table';
import { REFERENCE_STACK_NAME } from '../reference-app';
import type { AwsDeps } from './aws';
import { runCdk } from './cdk-cli';
import { CliError, type CliIo } from './io';

export interface DestroyOptions {
  readonly context: Readonly<Record<string, string>>;
}

/** S3 Standard and ECR storage, per GB-month (us-east-1, the date of the price table). */
const S3_STANDARD_GB_MONTH = 0.023;
const ECR_GB_MONTH = 0.1;
const GIB = 1024 ** 3;

/** A resource the stack keeps on deletion, and what it costs while it stays. */
export interface RetainedResource {
  readonly type: string;
  readonly physicalId: string;
  readonly monthly: number;
  readonly basis: string;
}

/**
 * `nomad-e2e destroy`: turns off the load balancers' deletion protection, runs `cdk destroy`, then
 * lists what the stack keeps on purpose (DeletionPolicy Retain: data, keys, image repositories,
 * logs) with what each costs per month and how to remove it.
 */
export async function destroyCommand(options: DestroyOptions, io: CliIo, aws: AwsDeps): Promise<number> {
  await aws.checkAccess();
  const { resources, retainedIds } = await describeStack(aws);
  for (const resource of resources.filter(
    (entry) => entry.ResourceType === 'AWS::ElasticLoadBalancingV2::LoadBalancer',
  )) {
    if (resource.PhysicalResourceId === undefined) {
      continue;
    }
    await aws.elbv2().send(
      new ModifyLoadBalancerAttributesCommand({
        LoadBalancerArn: resource.PhysicalResourceId,
        Attributes: [{ Key: 'deletion_protection.enabled', Value: 'false' }],
      }),
    );
    io.stdout(`Turned off deletion protection of ${resource.LogicalResourceId}\n`);
  }
  io.stdout(`Destroying ${REFERENCE_STACK_NAME} (cdk destroy)\n`);
  const code = await runCdk(aws, io, ['destroy', REFERENCE_STACK_NAME, '--force'], options.context);
  if (code !== 0) {
    throw new CliError(
      `cdk destroy failed (exit ${code}): the stack events above name the resource CloudFormation could not delete; fix it and run nomad-e2e destroy again.`,
    );
  }
  const retained: RetainedResource[] = [];
  for (const resource of resources.filter((entry) => retainedIds.has(entry.LogicalResourceId ?? ''))) {
    retained.push(await priceRetained(aws, resource));
  }
  io.stdout(formatRetained(retained));
  return 0;
}

async function describeStack(aws: AwsDeps): Promise<{ resources: StackResourceSummary[]; retainedIds: Set<string> }> {
  const cloudFormation = aws.cloudFormation();
  const resources: StackResourceSummary[] = [];
  let template: string;
  try {
    let nextToken: string | undefined;
    do {
      const page = await cloudFormation.send(
        new ListStackResourcesCommand({ StackName: REFERENCE_STACK_NAME, NextToken: nextToken }),
      );
      resources.push(...(page.StackResourceSummaries ?? []));
      nextToken = page.NextToken;
    } while (nextToken !== undefined);
    template =
      (
        await cloudFormation.send(
          new GetTemplateCommand({ StackName: REFERENCE_STACK_NAME, TemplateStage: 'Original' }),
        )
      ).TemplateBody ?? '{}';
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/does not exist/.test(message)) {
      throw new CliError(`stack ${REFERENCE_STACK_NAME} not found in this account and region: nothing to destroy.`);
    }
    throw new CliError(`cannot read stack ${REFERENCE_STACK_NAME}: ${message}`);
  }
  const body = JSON.parse(template) as { Resources?: Record<string, { DeletionPolicy?: string }> };
  const retainedIds = new Set(
    Object.entries(body.Resources ?? {})
      .filter(
        ([, resource]) => resource.DeletionPolicy === 'Retain' || resource.DeletionPolicy === 'RetainExceptOnCreate',
      )
      .map(([id]) => id),
  );
  return { resources, retainedIds };
}

async function priceRetained(aws: AwsDeps, resource: StackResourceSummary): Promise<RetainedResource> {
  const type = resource.ResourceType ?? '';
  const physicalId = resource.PhysicalResourceId ?? resource.LogicalResourceId ?? '';
  switch (type) {
    case 'AWS::KMS::Key':
      return { type, physicalId, monthly: US_EAST_1_PRICES.kmsKeyMonthly, basis: 'a customer managed key' };
    case 'AWS::SecretsManager::Secret':
      return { type, physicalId, monthly: US_EAST_1_PRICES.secretMonthly, basis: 'a secret' };
    case 'AWS::S3::Bucket': {
      let bytes = 0;
      let token: string | undefined;
      do {
        const page = await aws.s3().send(new ListObjectsV2Command({ Bucket: physicalId, ContinuationToken: token }));
        bytes += (page.Contents ?? []).reduce((sum, object) => sum + (object.Size ?? 0), 0);
        token = page.NextContinuationToken;
      } while (token !== undefined);
      return {
        type,
        physicalId,
        monthly: (bytes / GIB) * S3_STANDARD_GB_MONTH,
        basis: `${(bytes / GIB).toFixed(2)} GiB of current objects in S3 Standard`,
      };
    }
    case 'AWS::ECR::Repository': {
      const images = await aws.ecr().send(new DescribeImagesCommand({ repositoryName: physicalId }));
      const bytes = (images.imageDetails ?? []).reduce((sum, image) => sum + (image.imageSizeInBytes ?? 0), 0);
      return {
        type,
        physicalId,
        monthly: (bytes / GIB) * ECR_GB_MONTH,
        basis: `${images.imageDetails?.length ?? 0} images, ${(bytes / GIB).toFixed(2)} GiB`,
      };
    }
    default:
      return { type, physicalId, monthly: 0, basis: 'no charge while unused' };
  }
}

/** The retained resources as a table, with their total and how to remove them. */
export function formatRetained(retained: readonly RetainedResource[]): string {
  if (retained.length === 0) {
    return 'Destroyed. Nothing was retained.\n';
  }
  const total = retained.reduce((sum, entry) => sum + entry.monthly, 0);
  const width = Math.max(...retained.map((entry) => `${entry.type} ${entry.physicalId}`.length));
  return [
    'Destroyed. Retained on purpose (DeletionPolicy Retain), and what each costs per month while it stays:',
    ...retained.map(
      (entry) =>
        `  ${`${entry.type} ${entry.physicalId}`.padEnd(width)}  $${entry.monthly.toFixed(2).padStart(6)}  ${entry.basis}`,
    ),
    `  ${'Total'.padEnd(width)}  $${total.toFixed(2).padStart(6)}`,
    'Remove them when their data is no longer needed: empty and delete the buckets (aws s3 rb --force), delete the repositories (aws ecr delete-repository --force), schedule the keys for deletion (aws kms schedule-key-deletion).',
    '',
  ].join('\n');
}
