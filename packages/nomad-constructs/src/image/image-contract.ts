import * as z from 'zod/mini';
import { cfnBoolean, cfnPositiveInteger, nonEmptyString, oneOf } from '../provider/cfn-schema';

/**
 * The contract between the `NomadImage` construct and its Lambda handler: the construct builds the
 * custom resource's properties with `satisfies NomadImagePropertiesInput`, the handler reads them
 * with `parseProperties(NomadImageProperties, event)`.
 */

/** ECR's finding severities, most severe first. */
export const SCAN_SEVERITIES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFORMATIONAL', 'UNDEFINED'] as const;
export type ScanSeverityName = (typeof SCAN_SEVERITIES)[number];

export const NomadImageProperties = z.object({
  /** Where `cdk deploy` pushed the image (the bootstrap stack's container asset repository). */
  SourceRepositoryName: nonEmptyString(),
  /** Its tag there (the asset hash). */
  Tag: nonEmptyString(),
  /** The app's repository the image is copied into, under the same tag. */
  TargetRepositoryName: nonEmptyString(),
  /** `linux/amd64` or `linux/arm64`: the image must be built for the clients' architecture. */
  Platform: oneOf(['linux/amd64', 'linux/arm64']),
  /** Whether to wait for ECR's scan and fail on findings at or above `FailOnSeverity`. */
  ScanGate: cfnBoolean(),
  FailOnSeverity: oneOf(SCAN_SEVERITIES),
  /** How long the copy and the scan may take. */
  TimeoutSeconds: cfnPositiveInteger(),
});

export type NomadImageProperties = z.output<typeof NomadImageProperties>;
export type NomadImagePropertiesInput = z.input<typeof NomadImageProperties>;

export const NOMAD_IMAGE_RESOURCE_TYPE = 'Custom::NomadImage';

/** The attributes of the resource (`Fn::GetAtt`). */
export interface NomadImageAttributes {
  /** `sha256:...`: what jobs reference the image by. */
  readonly ImageDigest: string;
  /** Findings of ECR's scan by severity (`CRITICAL=0 HIGH=2 ...`), or why there are none. */
  readonly ScanFindings: string;
}
