import { z } from 'zod';
import { HclExpression } from '../hcl';
import type { AnyStruct, Kind } from '../schema/dsl';
import { Duration, Size } from '../values';

// The value classes have private constructors, which z.instanceof does not accept.
const expression = z.custom<HclExpression>((value) => value instanceof HclExpression, {
  message: 'expected an HclExpression',
});
/** A value, or an HCL expression standing for it (rendered to HCL only). */
const orExpression = (schema: z.ZodType) => z.union([schema, expression]);

/** The first place in `value` that is not a JSON value (or an HCL expression), if any. */
function findNonJson(
  value: unknown,
  path: (string | number)[],
): { path: (string | number)[]; received: string } | undefined {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return undefined;
    case 'number':
      return Number.isFinite(value) ? undefined : { path, received: String(value) };
    case 'object': {
      if (value === null || value instanceof HclExpression) return undefined;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          const found = findNonJson(value[i], [...path, i]);
          if (found) return found;
        }
        return undefined;
      }
      const prototype: unknown = Object.getPrototypeOf(value);
      if (prototype !== Object.prototype && prototype !== null) {
        return { path, received: `an instance of ${(value as object).constructor?.name ?? 'a class'}` };
      }
      for (const [key, item] of Object.entries(value)) {
        const found = findNonJson(item, [...path, key]);
        if (found) return found;
      }
      return undefined;
    }
    default:
      return { path, received: typeof value };
  }
}

// A hand-written walk instead of a recursive zod union: free-form driver config is the
// largest part of most jobs, and zod's cycle-safe recursion costs several times more.
const jsonValue: z.ZodType = z.unknown().superRefine((value, ctx) => {
  const found = findNonJson(value, []);
  if (found) {
    ctx.addIssue({
      code: 'custom',
      path: found.path,
      message: `expected a JSON value (string, finite number, boolean, null, array or plain object) or an HclExpression, received ${found.received}`,
    });
  }
});

const raw = z
  .object({
    hcl: z.record(z.string(), jsonValue).optional(),
    api: z.record(z.string(), jsonValue).optional(),
  })
  .strict()
  .optional();

function kindSchema(kind: Kind): z.ZodType {
  switch (kind.kind) {
    case 'string':
      return orExpression(z.string());
    case 'enum':
      return orExpression(z.enum(kind.values as [string, ...string[]]));
    case 'int': {
      let int = z.number().int();
      if (kind.min !== undefined) int = int.min(kind.min);
      if (kind.max !== undefined) int = int.max(kind.max);
      return orExpression(int);
    }
    case 'bool':
      return orExpression(z.boolean());
    case 'duration':
      return z.custom<Duration>((value) => value instanceof Duration, {
        message:
          'expected a Duration (Duration.seconds(10), Duration.parse("1m30s")) or an aws-cdk-lib Duration of whole milliseconds',
      });
    case 'size':
      return z.custom<Size>((value) => value instanceof Size, {
        message: 'expected a Size (Size.mebibytes(256), Size.gibibytes(1)) or an aws-cdk-lib Size of whole MiB',
      });
    case 'stringList':
      return orExpression(z.array(orExpression(z.string())));
    case 'intList':
      return z.array(z.number().int());
    case 'stringMap':
      return z.record(z.string(), orExpression(z.string()));
    case 'stringListMap':
      return z.record(z.string(), z.array(z.string()));
    case 'freeform':
      return z.record(z.string(), jsonValue);
    case 'struct':
      return nestedSchema(kind.struct());
    case 'list':
      return z.array(nestedSchema(kind.struct()));
    case 'map':
      return z.record(z.string(), nestedSchema(kind.struct()));
  }
}

const cache = new Map<AnyStruct, z.ZodType>();
const building = new Set<AnyStruct>();

/** Built eagerly: z.lazy makes zod check every parse for cycles. Only a struct that contains itself needs it. */
function nestedSchema(struct: AnyStruct): z.ZodType {
  return building.has(struct) ? z.lazy(() => structSchema(struct)) : structSchema(struct);
}

/** The zod schema of a struct's props: every field typed, unknown fields rejected (use `raw` for those). */
export function structSchema(struct: AnyStruct): z.ZodType {
  let schema = cache.get(struct);
  if (!schema) {
    building.add(struct);
    const shape: Record<string, z.ZodType> = { raw };
    for (const [prop, field] of struct.entries) {
      const base = kindSchema(field.type);
      shape[prop] = field.required ? base : base.optional();
    }
    building.delete(struct);
    schema = z.object(shape).strict();
    cache.set(struct, schema);
  }
  return schema;
}
