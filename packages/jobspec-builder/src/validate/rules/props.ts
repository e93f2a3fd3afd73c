import type { ResolvedPropsOf } from '../../schema/dsl';
import type * as S from '../../schema/structs';

// The props the rules read: a Job holds every duration and size as this library's own (see resolveUnits), so the
// rules use their methods without checking for aws-cdk-lib's.
export type JobProps = ResolvedPropsOf<typeof S.Job>;
export type GroupProps = ResolvedPropsOf<typeof S.TaskGroup>;
export type TaskProps = ResolvedPropsOf<typeof S.Task>;
export type ServiceProps = ResolvedPropsOf<typeof S.Service>;
export type CheckProps = ResolvedPropsOf<typeof S.ServiceCheck>;
export type ConstraintProps = ResolvedPropsOf<typeof S.Constraint>;
export type AffinityProps = ResolvedPropsOf<typeof S.Affinity>;
export type SpreadProps = ResolvedPropsOf<typeof S.Spread>;
export type NetworkProps = ResolvedPropsOf<typeof S.NetworkResource>;
export type ResourcesProps = ResolvedPropsOf<typeof S.Resources>;
export type TemplateProps = ResolvedPropsOf<typeof S.Template>;
