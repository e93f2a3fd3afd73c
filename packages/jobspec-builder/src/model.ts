import type { PropsOf } from './schema/dsl';
import type * as S from './schema/structs';

/** Props of a Nomad job (`job "id" { ... }`). @see https://developer.hashicorp.com/nomad/docs/job-specification/job */
export type JobProps = PropsOf<typeof S.Job>;
/** @see https://developer.hashicorp.com/nomad/docs/job-specification/group */
export type GroupProps = PropsOf<typeof S.TaskGroup>;
/** @see https://developer.hashicorp.com/nomad/docs/job-specification/task */
export type TaskProps = PropsOf<typeof S.Task>;
/** @see https://developer.hashicorp.com/nomad/docs/job-specification/service */
export type ServiceProps = PropsOf<typeof S.Service>;
/** @see https://developer.hashicorp.com/nomad/docs/job-specification/check */
export type CheckProps = PropsOf<typeof S.ServiceCheck>;
/** @see https://developer.hashicorp.com/nomad/docs/job-specification/constraint */
export type ConstraintProps = PropsOf<typeof S.Constraint>;
/** @see https://developer.hashicorp.com/nomad/docs/job-specification/affinity */
export type AffinityProps = PropsOf<typeof S.Affinity>;
/** @see https://developer.hashicorp.com/nomad/docs/job-specification/spread */
export type SpreadProps = PropsOf<typeof S.Spread>;
/** @see https://developer.hashicorp.com/nomad/docs/job-specification/network */
export type NetworkProps = PropsOf<typeof S.NetworkResource>;
/** A `port "label" {}` of a group network. @see https://developer.hashicorp.com/nomad/docs/job-specification/network#port-parameters */
export type PortProps = PropsOf<typeof S.Port>;
/** @see https://developer.hashicorp.com/nomad/docs/job-specification/resources */
export type ResourcesProps = PropsOf<typeof S.Resources>;
/** @see https://developer.hashicorp.com/nomad/docs/job-specification/template */
export type TemplateProps = PropsOf<typeof S.Template>;
/** @see https://developer.hashicorp.com/nomad/docs/job-specification/artifact */
export type ArtifactProps = PropsOf<typeof S.TaskArtifact>;
/** @see https://developer.hashicorp.com/nomad/docs/job-specification/update */
export type UpdateProps = PropsOf<typeof S.UpdateStrategy>;
/** @see https://developer.hashicorp.com/nomad/docs/job-specification/restart */
export type RestartProps = PropsOf<typeof S.RestartPolicy>;
/** @see https://developer.hashicorp.com/nomad/docs/job-specification/reschedule */
export type RescheduleProps = PropsOf<typeof S.ReschedulePolicy>;
/** @see https://developer.hashicorp.com/nomad/docs/job-specification/migrate */
export type MigrateProps = PropsOf<typeof S.MigrateStrategy>;
/** @see https://developer.hashicorp.com/nomad/docs/job-specification/periodic */
export type PeriodicProps = PropsOf<typeof S.PeriodicConfig>;
/** @see https://developer.hashicorp.com/nomad/docs/job-specification/parameterized */
export type ParameterizedProps = PropsOf<typeof S.ParameterizedJobConfig>;
/** @see https://developer.hashicorp.com/nomad/docs/job-specification/volume */
export type VolumeProps = PropsOf<typeof S.VolumeRequest>;
/** @see https://developer.hashicorp.com/nomad/docs/job-specification/volume_mount */
export type VolumeMountProps = PropsOf<typeof S.VolumeMount>;
/** @see https://developer.hashicorp.com/nomad/docs/job-specification/lifecycle */
export type LifecycleProps = PropsOf<typeof S.TaskLifecycle>;
/** @see https://developer.hashicorp.com/nomad/docs/job-specification/scaling */
export type ScalingProps = PropsOf<typeof S.ScalingPolicy>;
/** @see https://developer.hashicorp.com/nomad/docs/job-specification/connect */
export type ConnectProps = PropsOf<typeof S.ConsulConnect>;
/** @see https://developer.hashicorp.com/nomad/docs/job-specification/identity */
export type IdentityProps = PropsOf<typeof S.WorkloadIdentity>;
/** @see https://developer.hashicorp.com/nomad/docs/job-specification/logs */
export type LogsProps = PropsOf<typeof S.LogConfig>;
/** @see https://developer.hashicorp.com/nomad/docs/job-specification/vault */
export type VaultProps = PropsOf<typeof S.Vault>;
/** @see https://developer.hashicorp.com/nomad/docs/job-specification/device */
export type DeviceProps = PropsOf<typeof S.RequestedDevice>;
