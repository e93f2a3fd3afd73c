import { itemPath, JobspecError, JobspecInternalError, type JobspecIssue, joinPath } from '../errors';
import { HclExpression } from '../hcl';
import { MAX_JSON_NESTING } from '../limits';
import { type AnyStruct, type Field, type JsonValue, labelValue } from '../schema/dsl';
import { GO_VALUE_FIELDS } from '../schema/go-value-fields.generated';
import { UNMODELED_API_FIELDS } from '../schema/read-only-fields';
import * as S from '../schema/structs';
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
 * Reads an API JSON job, `{"Job": {...}}` or the bare job object, into model props: every field that cannot be read
 * (a list that is not a list, a duration that is not a whole number of nanoseconds, a document nested deeper than
 * {@link MAX_JSON_NESTING}) is an issue with its path and left out, so that nothing is lost silently and nothing is
 * read as something else. The values of fields that can be read are checked later, by validation.
 *
 * @internal
 */
export function readApiJob(json: unknown): { props?: Record<string, unknown>; issues: JobspecIssue[] } {
  if (!isApiObject(json)) {
    return {
      issues: [
        {
          code: 'invalid-type',
          path: '',
          message: `expected a JSON object with a "Job" key or a job object, received ${describeJson(json)}`,
        },
      ],
    };
  }
  const deep = tooDeep(json);
  if (deep !== undefined) {
    return {
      issues: [
        {
          code: 'limit-exceeded',
          path: deep,
          message: `nested more than ${MAX_JSON_NESTING} levels deep, the limit for an API JSON job (a job nests about ten)`,
        },
      ],
    };
  }
  let job: Readonly<ApiObject> = json;
  if (json.Job !== undefined) {
    if (!isApiObject(json.Job)) {
      return {
        issues: [
          {
            code: 'invalid-type',
            path: '',
            message: `"Job": expected a job object, received ${describeJson(json.Job)}`,
          },
        ],
      };
    }
    job = json.Job;
  }
  const issues: JobspecIssue[] = [];
  let props: Record<string, unknown>;
  try {
    props = decodeStruct(S.Job, job, '', issues);
  } catch (error) {
    // Every value of the wrong shape is an issue by now: anything else is a failure of this library.
    throw new JobspecInternalError('reading an API JSON job', error);
  }
  // The API repeats the ID as Name; keep Name only where it differs.
  if (props.name === props.id) delete props.name;
  return { props, issues };
}

/**
 * Decodes an API JSON object of `struct` into model props. Fields the model
 * does not know are kept in `raw.api` so that nothing is lost; fields the
 * server sets are dropped (see UNMODELED_API_FIELDS); Go zero values are unset
 * where Nomad treats them so (see {@link withoutGoZeros}). A field whose value has the wrong shape for the model is
 * reported in `issues` and left out.
 */
export function decodeStruct(
  struct: AnyStruct,
  input: Readonly<ApiObject>,
  path = '',
  issues: JobspecIssue[] = [],
): Record<string, unknown> {
  const api: ApiObject = withoutGoZeros(struct, input);
  for (const [key, shape] of Object.entries(HOOK_INPUTS[struct.name] ?? {})) {
    if (api[key] !== undefined && api[key] !== null && !hasShape(api[key], shape)) {
      issues.push(wrongShape(joinPath(path, key), key, shape, api[key]));
      delete api[key];
    }
  }
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
    const decoded = decodeValue(field, value, joinPath(path, prop), issues);
    if (decoded !== undefined) props[prop] = decoded;
  }
  const unknown = Object.entries(api).filter(([key, value]) => !known.has(key) && value !== undefined);
  if (unknown.length > 0) props.raw = { api: Object.fromEntries(unknown) };
  return props;
}

/** What the `fromApi` hooks read besides the struct's fields, and the shape they need. */
const HOOK_INPUTS: Readonly<Record<string, Readonly<Record<string, Shape>>>> = {
  NetworkResource: { ReservedPorts: 'list', DynamicPorts: 'list' },
  Task: { Identity: 'struct', Identities: 'list' },
};

type Shape = 'struct' | 'list' | 'map';

function hasShape(value: unknown, shape: Shape): boolean {
  if (shape === 'struct') return isApiObject(value);
  if (shape === 'list') return Array.isArray(value) && value.every(isApiObject);
  return isApiObject(value) && Object.values(value).every(isApiObject);
}

function wrongShape(path: string, apiName: string, shape: Shape, value: unknown): JobspecIssue {
  const expected =
    shape === 'struct' ? 'an object' : shape === 'list' ? 'a list of objects' : 'an object of objects, by name';
  return { code: 'invalid-type', path, message: `${apiName}: expected ${expected}, received ${describeJson(value)}` };
}

function decodeValue(field: Field, value: unknown, path: string, issues: JobspecIssue[]): unknown {
  const type = field.type;
  const wrong = (expected: string) => {
    issues.push({
      code: 'invalid-type',
      path,
      message: `${field.api}: expected ${expected}, received ${describeJson(value)}`,
    });
    return undefined;
  };
  switch (type.kind) {
    case 'duration':
      if (typeof value !== 'number' || !Number.isSafeInteger(value)) return wrong('a whole number of nanoseconds');
      return Duration.fromNanos(value);
    case 'size':
      if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) return wrong('a whole number of MiB');
      return Size.mebibytes(value);
    case 'struct': {
      if (!hasShape(value, 'struct')) return wrong('an object');
      const struct = type.struct();
      return isEmptyStruct(struct, value as ApiObject)
        ? undefined
        : decodeStruct(struct, value as ApiObject, path, issues);
    }
    case 'list': {
      if (!hasShape(value, 'list')) return wrong('a list of objects');
      const struct = type.struct();
      return (value as ApiObject[]).map((item, i) => {
        const label = struct.label ? item[struct.label[1].api] : undefined;
        return decodeStruct(struct, item, itemPath(path, label, i), issues);
      });
    }
    case 'map': {
      if (!hasShape(value, 'map')) return wrong('an object of objects, by name');
      const struct = type.struct();
      const label = struct.label;
      return Object.fromEntries(
        Object.entries(value as Record<string, ApiObject>).map(([key, item]) => {
          const decoded = decodeStruct(struct, item, joinPath(path, `[${key}]`), issues);
          if (label && decoded[label[0]] === key) delete decoded[label[0]];
          return [key, decoded];
        }),
      );
    }
    case 'string':
    case 'enum':
      return typeof value === 'string' ? value : wrong('a string');
    case 'int':
      return typeof value === 'number' ? value : wrong('a number');
    case 'bool':
      return typeof value === 'boolean' ? value : wrong('true or false');
    case 'stringList':
      return Array.isArray(value) && value.every((item) => typeof item === 'string')
        ? [...value]
        : wrong('a list of strings');
    case 'intList':
      return Array.isArray(value) && value.every((item) => typeof item === 'number')
        ? [...value]
        : wrong('a list of numbers');
    case 'stringMap':
      return isApiObject(value) && Object.values(value).every((item) => typeof item === 'string')
        ? { ...value }
        : wrong('an object of strings');
    case 'stringListMap':
      return isApiObject(value) &&
        Object.values(value).every((item) => Array.isArray(item) && item.every((x) => typeof x === 'string'))
        ? structuredClone(value)
        : wrong('an object of lists of strings');
    case 'freeform':
      return isApiObject(value) ? structuredClone(value) : wrong('an object');
  }
}

function isApiObject(value: unknown): value is ApiObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A value for a message: its JSON, cut short. */
function describeJson(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** The path (in API names) of the first place `json` nests deeper than {@link MAX_JSON_NESTING}, walked without recursion. */
function tooDeep(json: unknown): string | undefined {
  const stack: [unknown, string, number][] = [[json, '', 1]];
  while (stack.length > 0) {
    const [value, at, depth] = stack.pop() as [unknown, string, number];
    if (typeof value !== 'object' || value === null) continue;
    if (depth > MAX_JSON_NESTING) return at;
    if (Array.isArray(value)) {
      for (const [i, item] of value.entries()) stack.push([item, `${at}[${i}]`, depth + 1]);
    } else {
      for (const [key, item] of Object.entries(value)) stack.push([item, joinPath(at, key), depth + 1]);
    }
  }
  return undefined;
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
