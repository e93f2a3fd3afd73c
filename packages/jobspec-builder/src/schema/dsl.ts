import type { HclExpression } from '../hcl';
import type { Duration, DurationLike, Size, SizeLike } from '../values';

/**
 * A declarative description of Nomad's job structs: for every field, its name in
 * this library, in the API JSON and in HCL, and its kind. The renderers, the
 * reader and the validator all walk these descriptions, so a field is described
 * once and behaves the same everywhere.
 */

/** Scalar kinds map to one JSON value in the API and to one attribute in HCL. */
export type ScalarKind =
  | { readonly kind: 'string' }
  | { readonly kind: 'enum'; readonly values: readonly string[] }
  | { readonly kind: 'int'; readonly min?: number; readonly max?: number }
  | { readonly kind: 'bool' }
  | { readonly kind: 'duration' }
  | { readonly kind: 'size' }
  | { readonly kind: 'stringList' }
  | { readonly kind: 'intList' };

/** Maps: `meta`/`env` style string maps, check headers, and free-form driver `config`. */
export type MapKind =
  | { readonly kind: 'stringMap' }
  | { readonly kind: 'stringListMap' }
  | { readonly kind: 'freeform' };

/** Nested structs: one block, repeated blocks, or blocks keyed by their label (an API map). */
export type NestedKind =
  | { readonly kind: 'struct'; readonly struct: () => AnyStruct }
  | { readonly kind: 'list'; readonly struct: () => AnyStruct }
  | { readonly kind: 'map'; readonly struct: () => AnyStruct };

export type Kind = ScalarKind | MapKind | NestedKind;

export interface FieldOptions {
  /** The HCL attribute or block name; absent for a block label. */
  readonly hcl?: string;
  /** This field is the block's label (`group "web"`, `port "http"`). */
  readonly label?: boolean;
  /** The field must be set. @default false */
  readonly required?: boolean;
  /** One line of documentation, shown on the generated props interfaces. */
  readonly doc?: string;
  /** What Nomad uses when the field is not set, as the generated `@default` tag shows it. @default - not set */
  readonly default?: string;
  /** For repeated blocks labeled by one of their fields in HCL only (`scaling "cpu"`): that field and its label. */
  readonly hclLabel?: {
    readonly prop: string;
    readonly toLabel: (value: unknown) => string;
    /** The inverse of `toLabel`, for reading HCL. */
    readonly fromLabel: (label: string) => unknown;
  };
}

export interface Field<K extends Kind = Kind> extends FieldOptions {
  /** The Go field name, which is the API JSON key. */
  readonly api: string;
  readonly type: K;
}

export type Fields = Readonly<Record<string, Field>>;

/** Encoding steps a struct needs beyond the generic field-by-field mapping. */
export interface StructHooks {
  /** Rewrites the API JSON object after the generic encoding (e.g. splitting ports by `static`). */
  readonly toApi?: (api: Record<string, unknown>) => void;
  /** Rewrites an API JSON object before the generic decoding: the inverse of `toApi`. */
  readonly fromApi?: (api: Record<string, unknown>) => void;
  /** API keys that `fromApi` consumes, so they are not kept as unknown fields. */
  readonly apiKeys?: readonly string[];
  /**
   * Rewrites an evaluated HCL body before the generic decoding: the attributes Nomad's
   * HCL parser reads specially (`distinct_hosts = true` in a constraint), and what it rejects in them.
   */
  readonly fromHcl?: (body: Readonly<Record<string, unknown>>) => {
    readonly body: Record<string, unknown>;
    readonly problems?: readonly { readonly attribute: string; readonly message: string }[];
  };
}

export interface Struct<F extends Fields = Fields> {
  /** The Go struct name in Nomad's `api` package. */
  readonly name: string;
  readonly fields: F;
  readonly hooks: StructHooks;
  /** `fields` as `[prop, field]` pairs in declaration order, computed once: the renderers walk them per job. */
  readonly entries: readonly (readonly [string, Field])[];
  /** The field that is the block's label (`group "web"` -> `name`), if there is one. */
  readonly label: readonly [string, Field] | undefined;
  /** Each prop's position in `entries`, so a renderer can walk only the props a job sets, in schema order. */
  readonly positions: ReadonlyMap<string, number>;
}

// biome-ignore lint/suspicious/noExplicitAny: the struct graph is heterogeneous; each use site narrows it.
export type AnyStruct = Struct<any>;

export function struct<F extends Fields>(name: string, fields: F, hooks: StructHooks = {}): Struct<F> {
  const entries = Object.entries(fields as Record<string, Field>);
  const positions = new Map(entries.map(([prop], i) => [prop, i]));
  return { name, fields, hooks, entries, label: entries.find(([, f]) => f.label), positions };
}

/** The value of a struct's label field in `item` (`group "web"` -> `"web"`), if the struct has one. */
export function labelValue(struct: AnyStruct, item: Readonly<Record<string, unknown>> | undefined): unknown {
  return struct.label ? item?.[struct.label[0]] : undefined;
}

/** A field; `required: true` is kept as a literal type, so the props types make the field required. */
export function field<K extends Kind, const O extends FieldOptions = FieldOptions>(
  api: string,
  type: K,
  options: O = {} as O,
): Field<K> & O {
  return { api, type, ...options };
}

/** Field kinds. */
export const t = {
  string: () => ({ kind: 'string' }) as const,
  enum: <const V extends readonly string[]>(...values: V) => ({ kind: 'enum', values }) as const,
  int: (range: { min?: number; max?: number } = {}) => ({ kind: 'int', ...range }) as const,
  bool: () => ({ kind: 'bool' }) as const,
  duration: () => ({ kind: 'duration' }) as const,
  size: () => ({ kind: 'size' }) as const,
  stringList: () => ({ kind: 'stringList' }) as const,
  intList: () => ({ kind: 'intList' }) as const,
  stringMap: () => ({ kind: 'stringMap' }) as const,
  stringListMap: () => ({ kind: 'stringListMap' }) as const,
  freeform: () => ({ kind: 'freeform' }) as const,
  struct: <S extends AnyStruct>(s: () => S) => ({ kind: 'struct', struct: s }) as const,
  list: <S extends AnyStruct>(s: () => S) => ({ kind: 'list', struct: s }) as const,
  map: <S extends AnyStruct>(s: () => S) => ({ kind: 'map', struct: s }) as const,
};

/** A JSON value, as free-form driver `config` holds. */
export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/**
 * Fields this library does not model yet (Nomad adds fields faster than
 * libraries follow). They pass validation untouched and are written as given.
 */
export interface RawFields {
  /** Extra HCL attributes of this block, by HCL name. */
  readonly hcl?: Readonly<Record<string, JsonValue | HclExpression>>;
  /** Extra API JSON fields of this struct, by Go field name. */
  readonly api?: Readonly<Record<string, JsonValue>>;
}

/** Where an HCL expression (`var.x`) may stand instead of a value. */
type OrExpression<T> = T | HclExpression;

/** The TypeScript type of a field kind; `D` and `Z` are the types durations and sizes take. */
type ValueOf<K extends Kind, D, Z> = K extends { kind: 'string' }
  ? OrExpression<string>
  : K extends { kind: 'enum'; values: readonly (infer V)[] }
    ? OrExpression<V>
    : K extends { kind: 'int' }
      ? OrExpression<number>
      : K extends { kind: 'bool' }
        ? OrExpression<boolean>
        : K extends { kind: 'duration' }
          ? D
          : K extends { kind: 'size' }
            ? Z
            : K extends { kind: 'stringList' }
              ? OrExpression<readonly OrExpression<string>[]>
              : K extends { kind: 'intList' }
                ? readonly number[]
                : K extends { kind: 'stringMap' }
                  ? Readonly<Record<string, OrExpression<string>>>
                  : K extends { kind: 'stringListMap' }
                    ? Readonly<Record<string, readonly string[]>>
                    : K extends { kind: 'freeform' }
                      ? Readonly<Record<string, JsonValue | HclExpression>>
                      : K extends { kind: 'struct'; struct: () => infer S extends AnyStruct }
                        ? PropsWith<S, D, Z>
                        : K extends { kind: 'list'; struct: () => infer S extends AnyStruct }
                          ? readonly PropsWith<S, D, Z>[]
                          : K extends { kind: 'map'; struct: () => infer S extends AnyStruct }
                            ? Readonly<Record<string, PropsWith<S, D, Z>>>
                            : never;

type RequiredKeys<F extends Fields> = { [P in keyof F]: F[P] extends { required: true } ? P : never }[keyof F];
type OptionalKeys<F extends Fields> = Exclude<keyof F, RequiredKeys<F>>;

type Simplify<T> = { [K in keyof T]: T[K] } & {};

type PropsWith<S extends AnyStruct, D, Z> =
  S extends Struct<infer F>
    ? Simplify<
        { readonly [P in RequiredKeys<F>]: ValueOf<F[P]['type'], D, Z> } & {
          readonly [P in OptionalKeys<F>]?: ValueOf<F[P]['type'], D, Z>;
        } & { readonly raw?: RawFields }
      >
    : never;

/**
 * The TypeScript props of a struct: every field optional unless required, plus the `raw` escape hatch. Durations
 * and sizes take this library's `Duration` and `Size`, or aws-cdk-lib's (see DurationLike, SizeLike).
 */
export type PropsOf<S extends AnyStruct> = PropsWith<S, Duration | DurationLike, Size | SizeLike>;

/** Props as a {@link Job} holds them once built: every duration and size is this library's own. */
export type ResolvedPropsOf<S extends AnyStruct> = PropsWith<S, Duration, Size>;
