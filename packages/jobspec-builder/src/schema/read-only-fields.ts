/**
 * API fields of the job structs that the model leaves out on purpose: the server
 * sets them, or they are internal to Nomad's HCL parser, or deprecated aliases
 * of a modeled field. `Job.fromApiJson()` drops them (a job read back from
 * `GET /v1/job/:id` carries them), and the completeness test accepts them.
 */
export const UNMODELED_API_FIELDS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  Job: {
    Stop: 'set by `nomad job stop`, not by a jobspec',
    ParentID: 'set by the server on dispatched and periodic child jobs',
    Dispatched: 'set by the server on dispatched child jobs',
    DispatchIdempotencyToken: 'sent with a dispatch request (NomadClient.dispatch), not with the job',
    Payload: 'set by the server from a dispatch request',
    ConsulNamespace: 'deprecated by group `consul { namespace }`, which the model has',
    VaultNamespace: 'deprecated by task `vault { namespace }`, which the model has',
    NomadTokenID: 'set by the server from the submitting token',
    Status: 'server-set job status',
    StatusDescription: 'server-set job status',
    Stable: 'server-set deployment stability',
    Version: 'server-set job version',
    SubmitTime: 'server-set',
    CreateIndex: 'server-set raft index',
    ModifyIndex: 'server-set raft index',
    JobModifyIndex: 'server-set raft index',
    VersionTag: 'set by `nomad job tag`, not by a jobspec',
  },
  JobVersionTag: {
    Name: 'only reachable through Job.VersionTag (server-set)',
    Description: 'only reachable through Job.VersionTag (server-set)',
    TaggedTime: 'only reachable through Job.VersionTag (server-set)',
  },
  ScalingPolicy: {
    ID: 'server-set policy id',
    Namespace: 'server-set from the job',
    Target: 'server-set from the job and group',
    CreateIndex: 'server-set raft index',
    ModifyIndex: 'server-set raft index',
  },
  CSIMountOptions: { ExtraKeysHCL: "internal to Nomad's HCL v1 parser" },
  VolumeRequest: { ExtraKeysHCL: "internal to Nomad's HCL v1 parser" },
  ConsulExposeConfig: { Path: 'deprecated alias of Paths, which the model has' },
  ConsulProxy: { ExposeConfig: 'deprecated alias of Expose, which the model has' },
};
