import * as z from 'zod/mini';

/**
 * Field types of the contracts between the constructs and their Lambda handlers: one zod schema
 * per resource, which the construct builds its properties (or the function's input) against with
 * `satisfies z.input<typeof Schema>` and the handler parses. CloudFormation passes every scalar of
 * a custom resource's properties as a string, so the `cfn*` types coerce numbers and booleans back.
 * Each type's error message is what it expects, so that the handler's error can say "expected the
 * property X to be <message>, received <value>".
 *
 * The contracts are bundled into the handlers: they use `zod/mini` (about 20 kB in a bundle, where
 * the full `zod` is 470 kB).
 */

/** A non-empty string. */
export function nonEmptyString() {
  const expected = { error: 'a non-empty string' };
  return z.string(expected).check(z.minLength(1, expected));
}

/** A whole number > 0 (a JSON number: for inputs that are not CloudFormation properties). */
export function positiveInteger() {
  const expected = { error: 'a positive whole number' };
  return z.int(expected).check(z.positive(expected));
}

/** A whole number > 0, as a number or the string CloudFormation makes of it (`"3"`; `""` is refused). */
export function cfnPositiveInteger() {
  return z.pipe(
    z.pipe(
      z.union([z.number(), z.string()], { error: 'a positive whole number' }),
      z.transform((value: number | string) => (typeof value === 'string' ? Number(value) : value)),
    ),
    positiveInteger(),
  );
}

/** `true`/`false`, or `"true"`/`"false"` as CloudFormation passes booleans. */
export function cfnBoolean() {
  const expected = { error: 'true or false' };
  return z.union(
    [
      z.boolean(expected),
      z.pipe(
        z.enum(['true', 'false'], expected),
        z.transform((value: 'true' | 'false') => value === 'true'),
      ),
    ],
    expected,
  );
}

/** One of `values`. */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: `one of ${values.join(', ')}` });
}

/** A list of `item`s (CloudFormation keeps lists and objects, and turns their scalars into strings). */
export function list<T extends z.ZodMiniType>(item: T) {
  return z.array(item, { error: 'a list' });
}
