import type { CustomResourceEvent } from './custom-resource';

/**
 * The shapes of CDK's provider framework (`custom_resources.Provider`): it invokes the `onEvent`
 * handler with CloudFormation's request, then the `isComplete` handler with the same request plus
 * what `onEvent` returned, every query interval, until it answers `IsComplete: true` or throws. The
 * framework answers CloudFormation: SUCCESS with `Data`, or FAILED with the thrown message.
 *
 * @see https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.custom_resources-readme.html#provider-framework
 */

/** What `onEvent` returns: the physical ID, and state for `isComplete` under `stateKey`. */
export interface OnEventResult<S> {
  readonly PhysicalResourceId: string;
  readonly [stateKey: string]: S | string;
}

/** What `isComplete` returns. `Data` (the attributes) only with `IsComplete: true`. */
export interface IsCompleteResult {
  readonly IsComplete: boolean;
  readonly Data?: Readonly<Record<string, string>>;
}

/**
 * One Lambda entry point for both calls: the framework sends `isComplete` the request merged with
 * `onEvent`'s result, so the state key tells them apart.
 */
export function providerHandler<S>(
  stateKey: string,
  onEvent: (event: CustomResourceEvent) => Promise<OnEventResult<S>>,
  isComplete: (
    event: CustomResourceEvent & { readonly PhysicalResourceId: string },
    state: S,
  ) => Promise<IsCompleteResult>,
): (event: CustomResourceEvent & Record<string, unknown>) => Promise<OnEventResult<S> | IsCompleteResult> {
  return async (event) => {
    const state = event[stateKey] as S | undefined;
    if (state === undefined) {
      return onEvent(event);
    }
    return isComplete(event as CustomResourceEvent & { PhysicalResourceId: string }, state);
  };
}
