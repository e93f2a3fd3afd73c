import * as z from 'zod/mini';
import { cfnBoolean, cfnPositiveInteger, nonEmptyString, oneOf } from '../provider/cfn-schema';

/**
 * The contract between the `NomadJob` construct and its Lambda handler: the construct builds the
 * custom resource's properties with `satisfies NomadJobPropertiesInput`, the handler reads them
 * with `parseProperties(NomadJobProperties, event)`. CloudFormation passes every scalar as a string,
 * hence the coercions.
 */

/** Where a job spec too large for a property was uploaded (a file asset). */
export const JobSpecLocation = z.object({ Bucket: nonEmptyString(), Key: nonEmptyString() });

export const NomadJobProperties = z
  .object({
    /** The servers' cloud auto-join tag: the function finds their private IPs with it. */
    ServerTagKey: nonEmptyString(),
    ServerTagValue: nonEmptyString(),
    /** The Nomad region: the servers' certificates name `server.<region>.nomad`. */
    NomadRegion: nonEmptyString(),
    HttpPort: cfnPositiveInteger(),
    /** The cluster CA bundle: the function verifies the servers against it. */
    CaCertificateSecretArn: nonEmptyString(),
    /** The deployer token of the job's namespace (JSON `accessorId`, `secretId`), read at run time. */
    TokenSecretArn: nonEmptyString(),
    JobId: nonEmptyString(),
    Namespace: nonEmptyString(),
    /** `service`, `system`, `batch` or `sysbatch`. */
    JobType: oneOf(['service', 'system', 'batch', 'sysbatch']),
    /** Periodic and parameterized jobs only register: Nomad launches their children later. */
    Periodic: cfnBoolean(),
    Parameterized: cfnBoolean(),
    /** The `{"Job": {...}}` body, JSON, with each deploy-time value replaced by a placeholder. */
    Job: z.optional(z.string({ error: 'a JSON string' }).check(z.minLength(2, { error: 'a JSON string' }))),
    /** Or the same JSON in S3, when it is too large for a property. */
    JobLocation: z.optional(JobSpecLocation),
    /** Placeholder -> deploy-time value (an image digest, a bucket name), filled in by CloudFormation. */
    Substitutions: z.optional(z.record(z.string(), z.string(), { error: 'a map of strings' })),
    /** Delete: remove the job at once (`nomad job stop -purge`) instead of leaving it stopped. */
    Purge: cfnBoolean(),
    /** How long a deployment may take before the resource fails. */
    TimeoutSeconds: cfnPositiveInteger(),
  })
  .check(
    z.refine((value) => (value.Job === undefined) !== (value.JobLocation === undefined), {
      error: 'expected exactly one of Job and JobLocation',
    }),
  );

export type NomadJobProperties = z.output<typeof NomadJobProperties>;
export type NomadJobPropertiesInput = z.input<typeof NomadJobProperties>;

/** The resource type of the custom resource. */
export const NOMAD_JOB_RESOURCE_TYPE = 'Custom::NomadJob';

/** The physical ID: `namespace/jobId`. */
export function jobPhysicalId(namespace: string, jobId: string): string {
  return `${namespace}/${jobId}`;
}

/** `namespace/jobId` back to its parts, or undefined for an ID that is not one (a failed Create's). */
export function parseJobPhysicalId(physicalId: string | undefined): { namespace: string; jobId: string } | undefined {
  if (physicalId === undefined) {
    return undefined;
  }
  const slash = physicalId.indexOf('/');
  if (slash <= 0 || slash === physicalId.length - 1) {
    return undefined;
  }
  return { namespace: physicalId.slice(0, slash), jobId: physicalId.slice(slash + 1) };
}

/** The attributes of the resource (`Fn::GetAtt`): none of them secret. */
export interface NomadJobAttributes {
  /** The job version this deploy registered (or found unchanged). */
  readonly JobVersion: string;
  /** The deployment that rolled it out; empty for jobs without one (batch, periodic, parameterized). */
  readonly DeploymentId: string;
  /** The evaluation the registration created; empty for periodic and parameterized jobs. */
  readonly EvaluationId: string;
}

/**
 * A placeholder for a deploy-time value in the job JSON: the whole string value is replaced by the
 * handler, so no escaping or partial matching is involved.
 */
export function substitutionPlaceholder(index: number): string {
  return `@@nomad-constructs:deploy-time-value:${index}@@`;
}
