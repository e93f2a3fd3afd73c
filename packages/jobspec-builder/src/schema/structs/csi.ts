import { field, struct, t } from '../dsl';

// The job structs of Nomad's api/csi.go, in its order.

export const CSIMountOptions = struct('CSIMountOptions', {
  fsType: field('FSType', t.string(), { hcl: 'fs_type', doc: 'The file system type.', default: "- the plugin's" }),
  mountFlags: field('MountFlags', t.stringList(), { hcl: 'mount_flags', doc: 'Mount flags.', default: '- none' }),
});
