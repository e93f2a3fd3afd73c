import { field, struct, t } from '../dsl';

// The job structs of Nomad's api/csi.go, in its order.

export const CSIMountOptions = struct('CSIMountOptions', {
  fsType: field('FSType', t.string(), { hcl: 'fs_type' }),
  mountFlags: field('MountFlags', t.stringList(), { hcl: 'mount_flags' }),
});
