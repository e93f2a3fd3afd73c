/**
 * Software versions installed on the instances when the props do not say otherwise.
 *
 * Each is pinned so that a deploy installs exactly what was tested and reviewed; upgrading is a
 * prop change (a new launch template version), which rolls the servers one at a time.
 */
export const DEFAULT_VERSIONS = {
  /** Nomad, from releases.hashicorp.com (signature and checksum verified at boot). */
  nomad: '1.11.3',
  /** HashiCorp's external NVIDIA device plugin, for GPU pools (same verification as Nomad). */
  nomadDeviceNvidia: '1.1.0',
  /** The CNI reference plugins Nomad uses for `network { mode = "bridge" }` (checksum verified). */
  cniPlugins: '1.6.0',
} as const;
