/**
 * The functions Nomad's HCL2 jobspec parser offers (`jobspec2/functions.go` of
 * hashicorp/nomad), ported with the semantics of the Go implementations they
 * come from: go-cty's `function/stdlib`, hashicorp/go-cty-funcs (encoding,
 * crypto, filesystem, cidr, uuid) and zclconf/go-cty-yaml. One module per
 * family; this registry binds them by name.
 *
 * Values are untyped ({@link HclData}), so where cty's behaviour depends on a
 * static type the function follows the type HCL gives a literal: an array is
 * a tuple, an object is an object (but functions that accept only maps accept
 * objects too, since a `map(...)` variable arrives here as a plain object).
 *
 * Numbers are JavaScript doubles where cty has 512-bit floats: a number is
 * printed from its shortest round-trip decimal form, which is the literal the
 * jobspec wrote.
 */
import { bind, type Definition, type HclFunction } from './call';
import { CIDR_FUNCTIONS } from './cidr';
import { COLLECTION_FUNCTIONS } from './collection';
import { CRYPTO_FUNCTIONS } from './crypto';
import { DATETIME_FUNCTIONS } from './datetime';
import { ENCODING_FUNCTIONS } from './encoding';
import { FILESYSTEM_FUNCTIONS } from './filesystem';
import { NUMBER_FUNCTIONS } from './number';
import { REGEXP_FUNCTIONS } from './regexp';
import { STRING_FUNCTIONS } from './string';

export { checkValue, HclLimitError, measure, WorkBudget } from './budget';
export { type FunctionContext, type HclFunction, HclFunctionError } from './call';
export type { HclData } from './values';

const FAMILIES: readonly Readonly<Record<string, Definition>>[] = [
  NUMBER_FUNCTIONS,
  STRING_FUNCTIONS,
  REGEXP_FUNCTIONS,
  COLLECTION_FUNCTIONS,
  ENCODING_FUNCTIONS,
  CRYPTO_FUNCTIONS,
  CIDR_FUNCTIONS,
  DATETIME_FUNCTIONS,
  FILESYSTEM_FUNCTIONS,
];

/**
 * Every function Nomad's jobspec parser offers, by name, except try, can and
 * convert: the evaluator implements those, since they take their arguments
 * unevaluated (convert's second argument is a type expression).
 */
export const HCL_FUNCTIONS: Readonly<Record<string, HclFunction>> = Object.freeze(
  Object.fromEntries(
    FAMILIES.flatMap((family) => Object.entries(family)).map(([name, def]) => [name, bind(name, def)]),
  ),
);
