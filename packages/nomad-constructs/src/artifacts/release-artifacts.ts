import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { NomadError } from '../errors';
import { PINNED_SHA256 } from '../versions';
import type { StagedArtifact } from './artifact-contract';

/** Where in the artifact bucket the release files go: `artifacts/<product>/<version>/<file>`. */
export const ARTIFACT_PREFIX = 'artifacts/';
/** HashiCorp's release site. */
export const HASHICORP_RELEASES_URL = 'https://releases.hashicorp.com';
/** The CNI reference plugins' releases on GitHub. */
export const CNI_RELEASES_URL = 'https://github.com/containernetworking/plugins/releases/download';

/** The architecture name HashiCorp and the CNI project use in release file names. */
export type ReleaseArch = 'amd64' | 'arm64';

export function releaseArch(architecture: ec2.InstanceArchitecture): ReleaseArch {
  return architecture === ec2.InstanceArchitecture.ARM_64 ? 'arm64' : 'amd64';
}

/** The HashiCorp products a node installs from releases.hashicorp.com. */
export type HashicorpProduct = 'nomad' | 'nomad-device-nvidia';

/**
 * `<product>_<version>_linux_<arch>.zip` from releases.hashicorp.com, vouched for by the signed
 * `<product>_<version>_SHA256SUMS` (and by {@link PINNED_SHA256} when the version is pinned).
 */
export function hashicorpArtifact(product: HashicorpProduct, version: string, arch: ReleaseArch): StagedArtifact {
  const base = `${HASHICORP_RELEASES_URL}/${product}/${version}`;
  const fileName = `${product}_${version}_linux_${arch}.zip`;
  return {
    fileName,
    url: `${base}/${fileName}`,
    key: `${ARTIFACT_PREFIX}${product}/${version}/${fileName}`,
    sha256: PINNED_SHA256[fileName],
    signedSums: {
      url: `${base}/${product}_${version}_SHA256SUMS`,
      signatureUrl: `${base}/${product}_${version}_SHA256SUMS.sig`,
    },
  };
}

/** The CNI plugins archive; its SHA-256 must be pinned (the project signs nothing). */
export function cniPluginsArtifact(version: string, arch: ReleaseArch, path: string): StagedArtifact {
  const fileName = `cni-plugins-linux-${arch}-v${version}.tgz`;
  const sha256 = PINNED_SHA256[fileName];
  if (sha256 === undefined) {
    throw new NomadError(
      'invalid-state',
      path,
      `expected a pinned SHA-256 for ${fileName} in versions.ts, received none. The CNI plugins are not signed: pin the sum published with the release after checking it.`,
    );
  }
  return {
    fileName,
    url: `${CNI_RELEASES_URL}/v${version}/${fileName}`,
    key: `${ARTIFACT_PREFIX}cni-plugins/${version}/${fileName}`,
    sha256,
  };
}
