import { itemPath, JobspecError, joinPath } from '../errors';
import { HclExpression } from '../hcl';
import { type AnyStruct, type Field, type JsonValue, labelValue } from '../schema/dsl';
import { GO_VALUE_FIELDS } from '../schema/go-value-fields.generated';
import { UNMODELED_API_FIELDS } from '../schema/read-only-fields';
import { Duration, Size } from '../values';

type ApiObject = Record<string, unknown>;

/**
 * Encodes model props as the API JSON object of `struct`: Go field names,
 * durations in nanoseconds, sizes in MiB. Keys keep the schema's order.
 */
export function encodeStruct(struct: AnyStruct, props: Readonly<Record<string, unknown>>, path: string): ApiObject {
  const api: ApiObject = {};
  for (const [prop, field] of struct.entries) {
    const value = props[prop];
    if (value === undefined) continue;
    api[field.api] = encodeValue(field, value, joinPath(path, prop));
  }
  struct.hooks.toApi?.(api);
  const raw = (props.raw as { api?: ApiObject } | undefined)?.api;
  return raw ? { ...api, ...structuredClone(raw) } : api;
}

function encodeValue(field: Field, value: unknown, path: string): unknown {
  const type = field.type;
  switch (type.kind) {
    case 'duration': {
      const nanos = (value as Duration).toNanosBigInt();
      if (nanos > BigInt(Number.MAX_SAFE_INTEGER) || nanos < -BigInt(Number.MAX_SAFE_INTEGER)) {
        throw new JobspecError([
          {
            code: 'not-renderable',
            path,
            message: `${(value as Duration).toGoString()} is too long to write exactly as JSON nanoseconds (limit ~104 days)`,
          },
        ]);
      }
      return Number(nanos);
    }
    case 'size':
      return (value as Size).toMebibytes();
    case 'struct':
      return encodeStruct(type.struct(), value as ApiObject, path);
    case 'list': {
      const struct = type.struct();
      return (value as ApiObject[]).map((item, i) =>
        encodeStruct(struct, item, itemPath(path, labelValue(struct, item), i)),
      );
    }
    case 'map': {
      const struct = type.struct();
      const label = struct.label;
      return Object.fromEntries(
        Object.entries(value as Record<string, ApiObject>).map(([key, item]) => {
          const encoded = encodeStruct(struct, item, joinPath(path, `[${key}]`));
          // The API repeats the map key in the struct (`Volumes: {"d": {Name: "d"}}`).
          return [key, label && encoded[label[1].api] === undefined ? { [label[1].api]: key, ...encoded } : encoded];
        }),
      );
    }
    default:
      return plainJson(value, path);
  }
}

/** Copies a JSON value, refusing HCL expressions: the API takes values, not expressions. */
function plainJson(value: unknown, path: string): JsonValue {
  if (value instanceof HclExpression) {
    throw new JobspecError([
      {
        code: 'not-renderable',
        path,
        message: `the HCL expression \`${value.text}\` has no value in API JSON: render HCL, or give a value here`,
      },
    ]);
  }
  if (Array.isArray(value)) return value.map((item, i) => plainJson(item, joinPath(path, i)));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plainJson(v, joinPath(path, k))]));
  }
  return value as JsonValue;
}

/**
 * Decodes an API JSON object of `struct` into model props. Fields the model
 * does not know are kept in `raw.api` so that nothing is lost; fields the
 * server sets are dropped (see UNMODELED_API_FIELDS); Go zero values are unset
 * where Nomad treats them so (see {@link withoutGoZeros}).
 */
export function decodeStruct(struct: AnyStruct, input: Readonly<ApiObject>): Record<string, unknown> {
  const api: ApiObject = withoutGoZeros(struct, input);
  struct.hooks.fromApi?.(api);
  const props: Record<string, unknown> = {};
  const known = new Set<string>([
    ...(struct.hooks.apiKeys ?? []),
    ...Object.keys(UNMODELED_API_FIELDS[struct.name] ?? {}),
  ]);
  for (const [prop, field] of struct.entries) {
    known.add(field.api);
    const value = api[field.api];
    if (value === undefined || value === null) continue;
    const decoded = decodeValue(field, value);
    if (decoded !== undefined) props[prop] = decoded;
  }
  const unknown = Object.entries(api).filter(([key, value]) => !known.has(key) && value !== undefined);
  if (unknown.length > 0) props.raw = { api: Object.fromEntries(unknown) };
  return props;
}

function decodeValue(field: Field, value: unknown): unknown {
  const type = field.type;
  switch (type.kind) {
    case 'duration':
      return Duration.fromNanos(value as number);
    case 'size':
      return Size.mebibytes(value as number);
    case 'struct': {
      const struct = type.struct();
      return isEmptyStruct(struct, value as ApiObject) ? undefined : decodeStruct(struct, value as ApiObject);
    }
    case 'list':
      return (value as ApiObject[]).map((item) => decodeStruct(type.struct(), item));
    case 'map': {
      const struct = type.struct();
      const label = struct.label;
      return Object.fromEntries(
        Object.entries(value as Record<string, ApiObject>).map(([key, item]) => {
          const decoded = decodeStruct(struct, item);
          if (label && decoded[label[0]] === key) delete decoded[label[0]];
          return [key, decoded];
        }),
      );
    }
    default:
      return structuredClone(value);
  }
}

/**
 * Pointer fields (the API can tell 0 from unset) whose 0 Nomad nevertheless treats as unset: the server's structs
 * keep them as plain numbers where 0 means "not asked for" (nomad/structs/structs.go `Resources`: Cores 0 uses CPU
 * shares, MemoryMaxMB 0 is no oversubscription, DiskMB and IOPS are deprecated; `NetworkResource.MBits`), and
 * `nomad job inspect` prints them as 0.
 */
const POINTER_ZERO_IS_UNSET: Readonly<Record<string, readonly string[]>> = {
  Resources: ['Cores', 'MemoryMaxMB', 'DiskMB', 'IOPS'],
  NetworkResource: ['MBits'],
};

/**
 * The API object without the Go zero values Nomad reads as unset: fields of plain Go types (the API cannot tell
 * their zero from unset, see GO_VALUE_FIELDS), an empty string where only named values are valid (an enum: "" is
 * what Go prints for an unset `*string` after the server dropped it), the fields above, and a reschedule
 * policy's `MaxDelay: 0` with the constant delay function, which does not use it (structs.go
 * `(*ReschedulePolicy).Validate`). So `nomad job inspect` output reads back as the job that was submitted.
 */
function withoutGoZeros(struct: AnyStruct, input: Readonly<ApiObject>): ApiObject {
  const api: ApiObject = { ...input };
  const { zeroIsUnset, enums } = zeroRules(struct);
  for (const key of zeroIsUnset) if (isGoZero(api[key])) delete api[key];
  for (const key of enums) if (api[key] === '') delete api[key];
  if (struct.name === 'ReschedulePolicy' && api.DelayFunction === 'constant' && api.MaxDelay === 0) delete api.MaxDelay;
  return api;
}

const rulesByStruct = new WeakMap<AnyStruct, { zeroIsUnset: readonly string[]; enums: readonly string[] }>();

/** The API keys of a struct where a zero or an empty enum is unset, computed once per struct. */
function zeroRules(struct: AnyStruct): { zeroIsUnset: readonly string[]; enums: readonly string[] } {
  let rules = rulesByStruct.get(struct);
  if (!rules) {
    rules = {
      zeroIsUnset: [...(GO_VALUE_FIELDS[struct.name] ?? []), ...(POINTER_ZERO_IS_UNSET[struct.name] ?? [])],
      enums: struct.entries.filter(([, field]) => field.type.kind === 'enum').map(([, field]) => field.api),
    };
    rulesByStruct.set(struct, rules);
  }
  return rules;
}

/**
 * An update block whose every field is a Go zero is the empty strategy the server stores for job types without
 * deployments (structs.go `(*UpdateStrategy).IsEmpty`); `nomad job inspect` prints it for every batch job.
 */
function isEmptyStruct(struct: AnyStruct, api: Readonly<ApiObject>): boolean {
  if (struct.name !== 'UpdateStrategy') return false;
  // Every field printed, every one zero: what the server stores, not an `update {}` someone wrote.
  return struct.entries.every(([, field]) => field.api in api && (api[field.api] === null || isGoZero(api[field.api])));
}

function isGoZero(value: unknown): boolean {
  return value === 0 || value === '' || value === false;
}
