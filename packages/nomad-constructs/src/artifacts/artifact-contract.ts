import * as z from 'zod/mini';
import { list, nonEmptyString } from '../provider/cfn-schema';

/** A string matching `pattern`; the error says what it should be. */
function matching(pattern: RegExp, what: string) {
  const expected = { error: what };
  return z.string(expected).check(z.regex(pattern, expected));
}

const sha256Hex = () => matching(/^[0-9a-f]{64}$/, 'a SHA-256 in lower-case hex');
const downloadUrl = () => matching(/^(https:\/\/|http:\/\/127\.0\.0\.1[:/])/, 'an https:// URL');

/** One release file to stage: where it comes from, where it goes, and what vouches for it. */
export const StagedArtifact = z
  .object({
    /** The release file name, e.g. `nomad_1.11.3_linux_arm64.zip` (what SHA256SUMS lists). */
    fileName: matching(/^[A-Za-z0-9_.+-]+$/, 'a file name'),
    /** The official download URL. */
    url: downloadUrl(),
    /** The object key in the artifact bucket. */
    key: matching(/^([A-Za-z0-9_.+-]+\/)+[A-Za-z0-9_.+-]+$/, 'an object key'),
    /** The SHA-256 pinned in `versions.ts`, when there is one. */
    sha256: z.optional(sha256Hex()),
    /** HashiCorp releases: the SHA256SUMS file and its detached signature, checked with the signing key. */
    signedSums: z.optional(z.object({ url: downloadUrl(), signatureUrl: downloadUrl() })),
  })
  .check(
    z.refine((artifact) => artifact.sha256 !== undefined || artifact.signedSums !== undefined, {
      error: 'a pinned sha256 or signedSums (nothing would vouch for the file)',
    }),
  );
export type StagedArtifact = z.infer<typeof StagedArtifact>;

/**
 * The contract between `NomadArtifacts` and its staging function: the custom resource's
 * properties, which the construct builds with `satisfies` and the handler parses.
 */
export const ArtifactStagingProperties = z.object({
  bucketName: nonEmptyString(),
  /** HashiCorp's signing key: where the key file is, and the primary key fingerprint that must have signed. */
  signingKey: z.object({
    url: downloadUrl(),
    fingerprint: matching(/^[0-9A-F]{40}$/, 'an OpenPGP fingerprint (40 upper-case hex digits)'),
  }),
  artifacts: list(StagedArtifact).check(z.minLength(1, { error: 'at least one file' })),
});
export type ArtifactStagingProperties = z.infer<typeof ArtifactStagingProperties>;

/**
 * The attribute of the staging resource that holds the verified SHA-256 of a file
 * (`Fn::GetAtt`): letters and digits only.
 */
export function sha256Attribute(fileName: string): string {
  return `Sha256${fileName.replace(/[^A-Za-z0-9]/g, '')}`;
}
