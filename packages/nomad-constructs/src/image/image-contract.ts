import { z } from 'zod';

/**
 * The contract between the `NomadImage` construct and its Lambda handler: the construct builds the
 * custom resource's properties with `satisfies NomadImagePropertiesInput`, the handler reads them
 * with `NomadImageProperties.parse()`.
 */

/** ECR's finding severities, most severe first. */
export const SCAN_SEVERITIES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFORMATIONAL', 'UNDEFINED'] as const;
export type ScanSeverityName = (typeof SCAN_SEVERITIES)[number];

const cfnBoolean = z.union([z.boolean(), z.enum(['true', 'false']).transform((value) => value === 'true')]);

export const NomadImageProperties = z.object({
  /** Where `cdk deploy` pushed the image (the bootstrap stack's container asset repository). */
  SourceRepositoryName: z.string().min(1),
  /** Its tag there (the asset hash). */
  Tag: z.string().min(1),
  /** The app's repository the image is copied into, under the same tag. */
  TargetRepositoryName: z.string().min(1),
  /** `linux/amd64` or `linux/arm64`: the image must be built for the clients' architecture. */
  Platform: z.enum(['linux/amd64', 'linux/arm64']),
  /** Whether to wait for ECR's scan and fail on findings at or above `FailOnSeverity`. */
  ScanGate: cfnBoolean,
  FailOnSeverity: z.enum(SCAN_SEVERITIES),
  /** How long the copy and the scan may take. */
  TimeoutSeconds: z.coerce.number().int().positive(),
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
