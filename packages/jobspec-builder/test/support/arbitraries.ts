import fc from 'fast-check';
import type { AnyStruct, Field, JsonValue } from '../../src/schema/dsl';
import { GO_VALUE_FIELDS } from '../../src/schema/go-value-fields.generated';
import * as S from '../../src/schema/structs';
import { Duration, Size } from '../../src/values';

/**
 * Random model props for any struct, driven by the schema itself, so every
 * block and field of the model is exercised. Values are type-correct; they are
 * not meant to pass Nomad's semantic rules (see validJob for that).
 */
export function propsOf(struct: AnyStruct, depth = 0): fc.Arbitrary<Record<string, unknown>> {
  const entries = Object.entries(struct.fields as Record<string, Field>);
  const shape: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [prop, field] of entries) {
    shape[prop] = arbitraryFor(field, depth);
  }
  const required = entries.filter(([, f]) => f.required || f.label).map(([p]) => p);
  return fc.record(shape, { requiredKeys: required }).map((props) => normalize(struct, props));
}

const word = fc.stringMatching(/^[a-z][a-z0-9_]{0,8}$/);
const text = fc.string({
  maxLength: 12,
  unit: fc.constantFrom('a', 'Z', '0', ' ', '$', '{', '}', '%', '"', '\\', '\n', 'é', '-', '.'),
});
const blockLabel = fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/);

function arbitraryFor(field: Field, depth: number): fc.Arbitrary<unknown> {
  const type = field.type;
  const listLength = depth > 4 ? 1 : 2;
  switch (type.kind) {
    case 'string':
      return field.label ? blockLabel : text;
    case 'enum':
      return fc.constantFrom(...type.values);
    case 'int':
      return fc.integer({ min: type.min ?? 0, max: type.max ?? 100_000 });
    case 'bool':
      return fc.boolean();
    case 'duration':
      return fc.integer({ min: 0, max: 10 ** 12 }).map((n) => Duration.nanos(n));
    case 'size':
      return fc.integer({ min: 0, max: 65_536 }).map((n) => Size.mebibytes(n));
    case 'stringList':
      return fc.array(text, { maxLength: 3 });
    case 'intList':
      return fc.array(fc.integer({ min: 0, max: 65_535 }), { maxLength: 3 });
    case 'stringMap':
      return fc.dictionary(word, text, { maxKeys: 3 });
    case 'stringListMap':
      return fc.dictionary(word, fc.array(text, { maxLength: 2 }), { maxKeys: 2 });
    case 'freeform':
      return fc.dictionary(word, jsonValue, { maxKeys: 3 });
    case 'struct':
      return fc.constant(null).chain(() => propsOf(type.struct(), depth + 1));
    case 'list':
      return fc.array(
        fc.constant(null).chain(() => propsOf(type.struct(), depth + 1)),
        { maxLength: listLength },
      );
    case 'map':
      return fc.dictionary(
        blockLabel,
        fc.constant(null).chain(() => propsOf(type.struct(), depth + 1)),
        { maxKeys: listLength },
      );
  }
}

const jsonValue: fc.Arbitrary<JsonValue> = fc.letrec<{ value: JsonValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    text,
    fc.integer(),
    fc.boolean(),
    fc.array(tie('value'), { maxLength: 2 }),
    fc.dictionary(word, tie('value'), { maxKeys: 2 }),
  ),
})).value;

/**
 * Shapes the random props into what the model can hold without a canonical
 * reordering: API JSON keeps static ports apart from dynamic ones and the
 * default identity apart from named ones, so those come first here.
 */
function normalize(struct: AnyStruct, props: Record<string, unknown>): Record<string, unknown> {
  if (struct === S.NetworkResource && Array.isArray(props.ports)) {
    const ports = props.ports as { static?: number }[];
    const isStatic = (p: { static?: number }) => (p.static ?? 0) > 0;
    props.ports = [...ports.filter(isStatic), ...ports.filter((p) => !isStatic(p))];
  }
  if (struct === S.Task && Array.isArray(props.identities)) {
    const identities = props.identities as { name?: string }[];
    const isDefault = (i: { name?: string }) => i.name === undefined || i.name === 'default';
    const first = identities.find(isDefault);
    props.identities = [...(first ? [first] : []), ...identities.filter((i) => !isDefault(i))];
    if ((props.identities as unknown[]).length === 0) delete props.identities;
  }
  if (struct === S.Task && Array.isArray(props.scaling)) {
    // HCL names a task's scaling block by what it scales.
    props.scaling = (props.scaling as Record<string, unknown>[]).map((p, i) => ({
      ...p,
      type: i % 2 ? 'vertical_mem' : 'vertical_cpu',
    }));
  }
  if (struct === S.Job && props.name === props.id) delete props.name;
  // API JSON cannot tell a Go zero from unset where the Go field is a plain value, and Nomad reads some pointer
  // zeros as unset too (src/render/api-json.ts withoutGoZeros): such values are not part of a job's API form.
  for (const [prop, field] of Object.entries(struct.fields as Record<string, Field>)) {
    const value = props[prop];
    const zero =
      value === 0 ||
      value === '' ||
      value === false ||
      (value instanceof Duration && value.isZero()) ||
      (value instanceof Size && value.toMebibytes() === 0);
    const pointerZeroIsUnset =
      (struct === S.Resources && ['memoryMax', 'disk', 'iops'].includes(prop)) ||
      (struct === S.NetworkResource && prop === 'mbits') ||
      (struct === S.ReschedulePolicy && prop === 'maxDelay' && props.delayFunction === 'constant');
    if (zero && ((GO_VALUE_FIELDS[struct.name] ?? []).includes(field.api) || pointerZeroIsUnset)) delete props[prop];
  }
  // Map items carry their label as the map key.
  if (struct === S.VolumeRequest || struct === S.ConsulGatewayBindAddress) delete props.name;
  return props;
}

/** A random job of the full model (types right, semantics not checked). */
export const anyJobProps = propsOf(S.Job);
