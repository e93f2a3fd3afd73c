// Public API of @org/nomad-constructs.
export * from './agent/agent-config';
export { renderAgentConfig } from './agent/render-agent-config';
export {
  type NodeArtifact,
  type NodeBootArtifacts,
  type NodeGroupArtifacts,
  type NodeReleases,
  NomadArtifacts,
  type NomadArtifactsOptions,
  type NomadArtifactsProps,
} from './artifacts/nomad-artifacts';
export { bootstrapScriptPath } from './boot/node-user-data';
export type { ClusterFunctionProps } from './cluster/cluster-function-props';
export type { ClusterNodeContext, ClusterNodeContextProvider } from './cluster/cluster-node-context';
export { InterfaceEndpoint } from './cluster/cluster-vpc';
export type { NomadApiFunctionProps } from './cluster/nomad-api-function';
export {
  NomadClientPool,
  type NomadClientPoolOptions,
  type NomadClientPoolProps,
  type NomadHostVolume,
  type NomadReservedResources,
} from './cluster/nomad-client-pool';
export { NomadCluster, type NomadClusterProps } from './cluster/nomad-cluster';
export type { INomadCluster, NomadClusterAttributes } from './cluster/nomad-cluster-base';
export { NomadPorts } from './cluster/nomad-ports';
export { ALLOWED_SERVER_COUNTS, NomadServers, type NomadServersProps } from './cluster/nomad-servers';
export {
  type NomadSnapshotOptions,
  NomadSnapshots,
  type NomadSnapshotsProps,
  SNAPSHOT_PREFIX,
} from './cluster/nomad-snapshots';
export { NomadUi, type NomadUiAccessLogs, type NomadUiOptions, type NomadUiProps } from './cluster/nomad-ui';
export { NomadVersion } from './cluster/nomad-version';
export { NomadError, type NomadErrorCode } from './errors';
export { ImageScanSeverity, NomadImage, type NomadImageProps } from './image/nomad-image';
export { NomadIngress, type NomadIngressProps } from './ingress/nomad-ingress';
export { DEFAULT_INGRESS_PORT, DEFAULT_TRAEFIK_IMAGE, type TraefikJobOptions, traefikJob } from './ingress/traefik-job';
export type { NomadJobAttributes } from './job/job-contract';
export { NomadJob, type NomadJobProps } from './job/nomad-job';
export { NomadJobDeployer } from './job/nomad-job-deployer';
export * from './observability';
export { AsyncProvider, type AsyncProviderProps } from './provider/async-provider';
export {
  type AclPolicy,
  ANONYMOUS_POLICY,
  CLIENT_READINESS_POLICY,
  type DeployerHostVolume,
  deployerPolicy,
  deployerPolicyName,
  NODE_DRAINER_POLICY,
  SERVER_READINESS_POLICY,
  SNAPSHOT_SAVER_POLICY,
  UI_READ_ONLY_POLICY,
} from './security/acl-policies';
export { HandlerFunction, type HandlerFunctionProps, type HandlerName } from './security/handler-function';
export { NomadAcl, type NomadAclProps, type NomadAclToken } from './security/nomad-acl';
export {
  NomadCertificateRenewal,
  type NomadCertificateRenewalProps,
  TLS_DAYS_LEFT_METRIC,
} from './security/nomad-certificate-renewal';
export { NomadClusterSecrets, type NomadClusterSecretsProps } from './security/nomad-cluster-secrets';
export {
  DEFAULT_AWS_IDENTITY_NAME,
  NomadWorkloadIdentity,
  type NomadWorkloadIdentityOptions,
  type NomadWorkloadIdentityProps,
  STS_AUDIENCE,
  type WorkloadRoleOptions,
} from './security/nomad-workload-identity';
export { DEFAULT_VERSIONS } from './versions';
