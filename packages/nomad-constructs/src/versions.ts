/**
 * Software versions installed on the instances when the props do not say otherwise.
 *
 * Each is pinned so that a deploy installs exactly what was tested and reviewed; upgrading is a
 * prop change (a new launch template version), which rolls the servers one at a time.
 */
export const DEFAULT_VERSIONS = {
  /** Nomad, from releases.hashicorp.com (signature and checksum verified when staged, checksum again at boot). */
  nomad: '1.11.3',
  /** HashiCorp's external NVIDIA device plugin, for GPU pools (same verification as Nomad). */
  nomadDeviceNvidia: '1.1.0',
  /** The CNI reference plugins Nomad uses for `network { mode = "bridge" }` (checked against {@link PINNED_SHA256}). */
  cniPlugins: '1.9.1',
} as const;

/**
 * The SHA-256 of each release file a node installs, by file name, pinned in the code: the staging
 * function refuses a download (and a signed SHA256SUMS) that disagrees, and the boot script checks
 * the staged file against the same value. A version without an entry here (a `NomadVersion.of()`
 * of another release, or the NVIDIA device plugin, whose sums were not available from a source
 * this library trusts when it was pinned) is verified by HashiCorp's signature alone.
 *
 * Nomad's sums are those of HashiCorp's signed `nomad_<version>_SHA256SUMS`; the CNI plugins'
 * those the project publishes beside each archive (`<archive>.sha256`), which are not signed: the
 * pin here is what makes them trustworthy, not the file fetched with the archive.
 */
export const PINNED_SHA256: Readonly<Record<string, string>> = {
  'nomad_1.11.3_linux_amd64.zip': '19dac5642a2ba5305e6ff8efee06a708d760ebe4d1cd7936bc3dc526f477dc12',
  'nomad_1.11.3_linux_arm64.zip': '902e44260fcd9297af7042fb33ccd5a29cc2202b57199724f17c96fcd67414d2',
  'cni-plugins-linux-amd64-v1.9.1.tgz': 'b98f74a0f8522f0a83867178729c1aa70f2158f90c45a2ca8fa791db1c76b303',
  'cni-plugins-linux-arm64-v1.9.1.tgz': '56171987d3947707c3563db2f4001bccaf50fd63468611b9f3cbecb1375ee7ec',
};

/**
 * HashiCorp's release signing key: only a signature by this primary key (or one of its subkeys)
 * counts. The key file itself is fetched at deploy time, so that its expiry extensions are picked up.
 *
 * @see https://www.hashicorp.com/security
 */
export const HASHICORP_SIGNING_KEY = {
  url: 'https://www.hashicorp.com/.well-known/pgp-key.txt',
  fingerprint: 'C874011F0AB405110D02105534365D9472D7468F',
} as const;
