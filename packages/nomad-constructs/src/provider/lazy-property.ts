import { Lazy } from 'aws-cdk-lib';

/**
 * A property whose value is only known when the app is synthesized (`Lazy.any`): `produce` is
 * checked against the contract's type like any other property value.
 */
export function lazyProperty<T>(produce: () => T): T {
  return Lazy.any({ produce }) as unknown as T;
}
