import { checkElementCount } from './budget';
import { type Call, type Definition, define } from './call';
import { asGoInt, WHOLE_NUMBER } from './number-text';
import {
  compareStrings,
  deepEqual,
  describe,
  distinctValues,
  goQuote,
  type HclData,
  type HclList,
  hasProp,
  isList,
  isObject,
  makeObject,
  prop,
  sortedKeys,
  sortSet,
  unifyValues,
  valueKey,
} from './values';

function toSet(c: Call, i: number): HclList {
  const v = c.arg(i);
  if (!isList(v)) return c.argFail(i, `set required, received ${describe(v)}`);
  return v;
}

/** The sets of a set function, with element types unified across all of them. */
function setArguments(c: Call): HclData[][] {
  const sets = c.args.map((_, i) => toSet(c, i));
  const all = unifyValues(sets.flat());
  if (all === undefined) return c.fail('given sets must all have compatible element types');
  let at = 0;
  return sets.map((s) => {
    const start = at;
    at += s.length;
    return distinctValues(all.slice(start, at));
  });
}

function flattenDeep(list: HclList): HclData[] {
  return list.flatMap((v) => (isList(v) ? flattenDeep(v) : [v]));
}

/** Collection functions (cty stdlib collection.go, sequence.go, set.go). */
export const COLLECTION_FUNCTIONS: Readonly<Record<string, Definition>> = {
  chunklist: define('list, size', (c) => {
    const list = c.unifiedList(0);
    const size = c.int(1);
    if (size < 0) return c.argFail(1, `the size argument must be positive, received ${size}`);
    if (list.length === 0) return [];
    if (size === 0) return [list];
    const out: HclData[] = [];
    for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
    return out;
  }),
  coalesce: define(
    'vals...',
    (c) => {
      const unified = unifyValues(c.args);
      if (unified === undefined) {
        return c.fail(`all arguments must have the same type, received ${c.args.map(describe).join(', ')}`);
      }
      const found = unified.find((v) => v !== null);
      return found === undefined ? c.fail('no non-null arguments') : found;
    },
    { min: 1, nullable: true },
  ),
  coalescelist: define(
    'vals...',
    (c) => {
      for (const [i, arg] of c.args.entries()) {
        if (arg !== null && !isList(arg))
          return c.argFail(i, `coalescelist arguments must be lists or tuples, received ${describe(arg)}`);
      }
      const found = c.args.find((arg) => isList(arg) && arg.length > 0);
      return found === undefined ? c.fail('no non-null arguments') : found;
    },
    { min: 1, nullable: true },
  ),
  compact: define('list', (c) => c.stringList(0).filter((s): s is string => s !== null && s !== '')),
  concat: define(
    'seqs...',
    (c) =>
      c.args.flatMap((arg, i) =>
        isList(arg) ? arg : c.argFail(i, `all arguments must be lists or tuples; got ${describe(arg)}`),
      ),
    { min: 1 },
  ),
  contains: define('list, value', (c) => {
    const list = c.arg(0);
    if (!isList(list)) return c.argFail(0, `argument must be list, tuple, or set, received ${describe(list)}`);
    const value = c.arg(1);
    return list.some((el) => deepEqual(value, el));
  }),
  distinct: define('list', (c) => distinctValues(c.unifiedList(0))),
  element: define('list, index', (c) => {
    const index = c.num(1);
    if (index < 0) return c.argFail(1, 'cannot use element function with a negative index');
    const list = c.arg(0);
    if (!isList(list)) return c.argFail(0, `cannot read elements from ${describe(list)}`);
    const i = asGoInt(index);
    if (i === undefined) return c.argFail(1, `invalid index: ${WHOLE_NUMBER}`);
    if (list.length === 0) return c.argFail(0, 'cannot use element function with an empty list');
    return list[i % list.length] as HclData;
  }),
  flatten: define('list', (c) => {
    const list = c.arg(0);
    if (!isList(list)) return c.argFail(0, `can only flatten lists, sets and tuples, received ${describe(list)}`);
    return flattenDeep(list);
  }),
  index: define('collection, key', (c) => {
    const coll = c.arg(0);
    const key = c.arg(1);
    if (isList(coll)) {
      if (typeof key !== 'number') return c.argFail(1, `key for tuple must be number, received ${describe(key)}`);
      const i = asGoInt(key);
      if (i === undefined) return c.argFail(1, `invalid key for tuple: ${WHOLE_NUMBER}`);
      if (i < 0 || i >= coll.length) return c.argFail(1, `key must be between 0 and ${coll.length} inclusive`);
      return coll[i] as HclData;
    }
    if (isObject(coll)) {
      if (typeof key !== 'string') return c.argFail(1, `key for map must be string, received ${describe(key)}`);
      return hasProp(coll, key) ? prop(coll, key) : c.fail(`invalid index ${goQuote(key)}`);
    }
    return c.argFail(0, `collection must be a list, a map or a tuple, received ${describe(coll)}`);
  }),
  keys: define('inputMap', (c) => {
    const m = c.arg(0);
    return isObject(m) ? sortedKeys(m) : c.argFail(0, `must have map or object type, received ${describe(m)}`);
  }),
  length: define('collection', (c) => {
    const v = c.arg(0);
    if (isList(v)) return v.length;
    if (isObject(v)) return Object.keys(v).length;
    return c.argFail(
      0,
      `collection must be a list, a map or a tuple, received ${describe(v)}${typeof v === 'string' ? ' (use strlen for a string)' : ''}`,
    );
  }),
  lookup: define('inputMap, key, default', (c) => {
    const m = c.map(0, 'lookup() requires a map as the first argument');
    const key = c.str(1);
    return hasProp(m, key) ? prop(m, key) : c.arg(2);
  }),
  merge: define(
    'maps...',
    (c) => {
      const out = new Map<string, HclData>();
      for (const [i, arg] of c.args.entries()) {
        if (arg === null) continue;
        if (!isObject(arg)) return c.argFail(i, `arguments must be maps or objects, got ${goQuote(describe(arg))}`);
        for (const k of Object.keys(arg)) out.set(k, prop(arg, k));
      }
      return makeObject(out);
    },
    { min: 0, nullable: true },
  ),
  range: define(
    'params...',
    (c) => {
      const args = c.args.map((_, i) => c.num(i));
      let [start, end, step] = [0, 0, 1];
      if (args.length === 1) [end, step] = [args[0] as number, (args[0] as number) < 0 ? -1 : 1];
      else if (args.length === 2)
        [start, end, step] = [args[0] as number, args[1] as number, (args[1] as number) < (args[0] as number) ? -1 : 1];
      else [start, end, step] = args as [number, number, number];
      if (step === 0) return c.argFail(2, 'step must not be zero');
      const down = step < 0;
      if (down && end > start) return c.argFail(1, 'end must be less than start when step is negative');
      if (!down && end < start) return c.argFail(1, 'end must be greater than start when step is positive');
      const out: number[] = [];
      for (let num = start; down ? num > end : num < end; num += step) {
        if (out.length >= 1024) {
          return c.fail(
            'more than 1024 values were generated; either decrease the difference between start and end or use a smaller step',
          );
        }
        out.push(num);
      }
      return out;
    },
    { min: 1, max: 3 },
  ),
  setintersection: define(
    'first_set, other_sets...',
    (c) => {
      const [first = [], ...others] = setArguments(c);
      const keys = others.map((other) => new Set(other.map(valueKey)));
      return sortSet(first.filter((v) => keys.every((set) => set.has(valueKey(v)))));
    },
    { min: 1 },
  ),
  setproduct: define(
    'sets...',
    (c) => {
      const sets = c.args.map((_, i) => {
        const list = c.seq(i, 'a set or a list');
        return unifyValues(list) ?? c.argFail(i, 'all elements must be of the same type');
      });
      // The product is counted before it is built: range(1000) three times is a billion lists.
      checkElementCount(
        sets.reduce((count, set) => count * set.length, 1),
        'setproduct',
      );
      let product: HclData[][] = [[]];
      for (const set of sets) product = product.flatMap((prefix) => set.map((v) => [...prefix, v]));
      return product;
    },
    { min: 2 },
  ),
  setunion: define('first_set, other_sets...', (c) => sortSet(distinctValues(setArguments(c).flat())), { min: 1 }),
  slice: define('list, start_index, end_index', (c) => {
    const list = c.arg(0);
    if (!isList(list)) return c.argFail(0, `must be a list or tuple value, received ${describe(list)}`);
    const start = c.int(1);
    const end = c.int(2);
    if (start < 0) return c.argFail(1, 'start index must not be less than zero');
    if (start > list.length) return c.argFail(1, 'start index must not be greater than the length of the list');
    if (end < 0) return c.argFail(2, 'end index must not be less than zero');
    if (end > list.length) return c.argFail(2, 'end index must not be greater than the length of the list');
    if (start > end) return c.argFail(1, 'start index must not be greater than end index');
    return list.slice(start, end);
  }),
  sort: define('list', (c) =>
    c
      .stringList(0)
      .map((s, i) => (s === null ? c.fail(`given list element ${i} is null; a null string cannot be sorted`) : s))
      .sort(compareStrings),
  ),
  values: define('values', (c) => {
    const m = c.map(0, 'values() requires a map as the first argument');
    return sortedKeys(m).map((k) => prop(m, k));
  }),
  zipmap: define('keys, values', (c) => {
    const keys = c.stringList(0);
    const values = c.arg(1);
    if (!isList(values))
      return c.argFail(1, `values argument must be a list or tuple value, received ${describe(values)}`);
    if (keys.length !== values.length) {
      return c.fail(`number of keys (${keys.length}) does not match number of values (${values.length})`);
    }
    return makeObject(
      keys.map((k, i) => [k ?? c.argFail(0, `keys list has null value at index ${i}`), values[i] as HclData]),
    );
  }),
};
