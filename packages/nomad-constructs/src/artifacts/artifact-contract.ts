import { z } from 'zod';

const SHA256_HEX = /^[0-9a-f]{64}$/;
const HTTPS_OR_LOOPBACK_URL = /^(https:\/\/|http:\/\/127\.0\.0\.1[:/])/;

/** One release file to stage: where it comes from, where it goes, and what vouches for it. */
export const StagedArtifact = z.object({
  /** The release file name, e.g. `nomad_1.11.3_linux_arm64.zip` (what SHA256SUMS lists). */
  fileName: z.string().regex(/^[A-Za-z0-9_.+-]+$/),
  /** The official download URL. */
  url: z.string().regex(HTTPS_OR_LOOPBACK_URL),
  /** The object key in the artifact bucket. */
  key: z.string().regex(/^([A-Za-z0-9_.+-]+\/)+[A-Za-z0-9_.+-]+$/),
  /** The SHA-256 pinned in `versions.ts` (lower-case hex), when there is one. */
  sha256: z.string().regex(SHA256_HEX).optional(),
  /** HashiCorp releases: the SHA256SUMS file and its detached signature, checked with the signing key. */
  signedSums: z
    .object({
      url: z.string().regex(HTTPS_OR_LOOPBACK_URL),
      signatureUrl: z.string().regex(HTTPS_OR_LOOPBACK_URL),
    })
    .optional(),
});
export type StagedArtifact = z.infer<typeof StagedArtifact>;

/**
 * The artifact staging custom resource's properties: the construct builds them with `satisfies`,
 * the handler parses them. Every artifact has a pinned SHA-256, a signed SHA256SUMS, or both.
 */
export const ArtifactStagingProperties = z.object({
  bucketName: z.string().min(1),
  /** HashiCorp's signing key: where the key file is, and the primary key fingerprint that must have signed. */
  signingKey: z.object({
    url: z.string().regex(HTTPS_OR_LOOPBACK_URL),
    fingerprint: z.string().regex(/^[0-9A-F]{40}$/),
  }),
  artifacts: z
    .array(
      StagedArtifact.refine((artifact) => artifact.sha256 !== undefined || artifact.signedSums !== undefined, {
        message: 'expected a pinned sha256 or signedSums: nothing would vouch for the file',
      }),
    )
    .min(1),
});
export type ArtifactStagingProperties = z.infer<typeof ArtifactStagingProperties>;

/**
 * The attribute of the staging resource that holds the verified SHA-256 of a file
 * (`Fn::GetAtt`): letters and digits only.
 */
export function sha256Attribute(fileName: string): string {
  return `Sha256${fileName.replace(/[^A-Za-z0-9]/g, '')}`;
}
