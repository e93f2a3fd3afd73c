import { z } from 'zod';
import { HclExpression } from '../hcl';
import type { AnyStruct, Field, Kind } from '../schema/dsl';
import { Duration, Size } from '../values';

// The value classes have private constructors, which z.instanceof does not accept.
const expression = z.custom<HclExpression>((value) => value instanceof HclExpression, {
  message: 'expected an HclExpression',
});
/** A value, or an HCL expression standing for it (rendered to HCL only). */
const orExpression = (schema: z.ZodType) => z.union([schema, expression]);

const jsonValue: z.ZodType = z.lazy(() =>
  z.union([
    z.string(),
    z.number(),
    z.boolean(),
    z.null(),
    expression,
    z.array(jsonValue),
    z.record(z.string(), jsonValue),
  ]),
);

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
        message: 'expected a Duration (Duration.seconds(10), Duration.parse("1m30s"))',
      });
    case 'size':
      return z.custom<Size>((value) => value instanceof Size, {
        message: 'expected a Size (Size.mebibytes(256), Size.gibibytes(1))',
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
      return z.lazy(() => structSchema(kind.struct()));
    case 'list':
      return z.array(z.lazy(() => structSchema(kind.struct())));
    case 'map':
      return z.record(
        z.string(),
        z.lazy(() => structSchema(kind.struct())),
      );
  }
}

const cache = new Map<AnyStruct, z.ZodType>();

/** The zod schema of a struct's props: every field typed, unknown fields rejected (use `raw` for those). */
export function structSchema(struct: AnyStruct): z.ZodType {
  let schema = cache.get(struct);
  if (!schema) {
    const shape: Record<string, z.ZodType> = { raw };
    for (const [prop, field] of Object.entries(struct.fields as Record<string, Field>)) {
      const base = kindSchema(field.type);
      shape[prop] = field.required ? base : base.optional();
    }
    schema = z.object(shape).strict();
    cache.set(struct, schema);
  }
  return schema;
}
