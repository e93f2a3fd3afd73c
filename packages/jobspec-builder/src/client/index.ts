export type { NomadClientProps, NomadRetryEvent } from './config';
export {
  type DeploymentGroupProgress,
  type DeploymentProgress,
  deploymentProgress,
  formatDeploymentProgress,
} from './deployment-progress';
export { NomadApiError, type NomadApiErrorCode, type NomadApiErrorProps } from './errors';
export {
  type CallOptions,
  type DeregisterOptions,
  type DispatchOptions,
  type DrainNodeOptions,
  type JobRequestBody,
  type ListOptions,
  NomadClient,
  type PlanOptions,
  type QueryOptions,
  type QueryResult,
  type RegisterOptions,
  type WaitForDeploymentOptions,
  type WaitForJobDeploymentOptions,
} from './nomad-client';
export { type FormatPlanDiffOptions, formatPlanDiff, planChangesAllocations } from './plan-format';
export { type RetryOptions, sleep, withRetries } from './retry';
export * from './types';
