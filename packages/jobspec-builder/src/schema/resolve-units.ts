import { Duration, Size } from '../values';
import { isDurationLike } from '../values/duration';
import { isSizeLike } from '../values/size';
import type { AnyStruct, Field } from './dsl';

type Props = Readonly<Record<string, unknown>>;

/**
 * `props` with every aws-cdk-lib `Duration` and `Size` (see DurationLike, SizeLike) turned into this library's own,
 * by the schema: so a Job holds one kind of each, and a CDK app can pass either. Objects without such values are
 * returned as they are; a value that cannot be converted (a CDK duration of a fraction of a millisecond) is left for
 * validation to report.
 */
export function resolveUnits(struct: AnyStruct, props: Props): Props {
  let out: Record<string, unknown> | undefined;
  for (const prop in props) {
    // Own fields only: a prop named like an Object.prototype member (`__proto__`) is not a field.
    const field: Field | undefined = Object.hasOwn(struct.fields, prop) ? struct.fields[prop] : undefined;
    const value = props[prop];
    if (!field || value === undefined || value === null) continue;
    const resolved = resolveValue(field, value);
    if (resolved !== value) {
      out ??= { ...props };
      out[prop] = resolved;
    }
  }
  return out ?? props;
}

function resolveValue(field: Field, value: unknown): unknown {
  const type = field.type;
  switch (type.kind) {
    case 'duration':
      return isDurationLike(value) ? convert(() => Duration.from(value), value) : value;
    case 'size':
      return isSizeLike(value) ? convert(() => Size.from(value), value) : value;
    case 'struct':
      return isRecord(value) ? resolveUnits(type.struct(), value) : value;
    case 'list': {
      if (!Array.isArray(value)) return value;
      const struct = type.struct();
      const items = value.map((item) => (isRecord(item) ? resolveUnits(struct, item) : item));
      return items.some((item, i) => item !== value[i]) ? items : value;
    }
    case 'map': {
      if (!isRecord(value)) return value;
      const struct = type.struct();
      let out: Record<string, unknown> | undefined;
      for (const [key, item] of Object.entries(value)) {
        const resolved = isRecord(item) ? resolveUnits(struct, item) : item;
        if (resolved !== item) {
          out ??= { ...value };
          out[key] = resolved;
        }
      }
      return out ?? value;
    }
    default:
      return value;
  }
}

function convert(to: () => unknown, value: unknown): unknown {
  try {
    return to();
  } catch {
    return value;
  }
}

function isRecord(value: unknown): value is Props {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
