import { parseArgs } from 'node:util';
import { z } from 'zod';
import { TrainerError } from '../errors';

/**
 * One CLI option and the other places its value may come from. Precedence: the
 * flag, then Nomad dispatch meta (`NOMAD_META_<meta>`), then the environment
 * variable, then the default.
 */
export interface OptionSpec<T> {
  /** `--<flag>`. */
  readonly flag: string;
  readonly env?: string;
  /** Dispatch meta key, read from `NOMAD_META_<meta>` (or its upper-case form). */
  readonly meta?: string;
  /** A boolean flag takes no value on the command line. */
  readonly boolean?: boolean;
  /** Parses the text of the value (from any source). */
  readonly schema: z.ZodType<T, string>;
  readonly description: string;
  /** Shown in the help; the value itself comes from the command. */
  readonly defaultText?: string;
}

export type OptionSpecs = Record<string, OptionSpec<unknown>>;

export type OptionValues<S extends OptionSpecs> = {
  [K in keyof S]: S[K] extends OptionSpec<infer T> ? T | undefined : never;
};

/**
 * Reads every option of a command from its arguments and the environment and
 * validates it. A bad value throws a {@link TrainerError} whose one-line message
 * names the flag or variable it came from, what was expected and what was received.
 */
export function resolveOptions<S extends OptionSpecs>(
  specs: S,
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): OptionValues<S> {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...args],
      options: Object.fromEntries(
        Object.values(specs).map((spec) => [spec.flag, { type: spec.boolean ? 'boolean' : 'string' } as const]),
      ),
      strict: true,
      allowPositionals: false,
    });
  } catch (error) {
    throw new TrainerError('invalid-option', argumentProblem(error as Error & { code?: string }));
  }
  const values: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(specs)) {
    const found = rawValue(spec, parsed.values[spec.flag], env);
    if (!found) continue;
    const result = spec.schema.safeParse(found.text);
    if (!result.success) {
      throw new TrainerError(
        'invalid-option',
        `invalid ${found.source}: ${result.error.issues[0]?.message ?? 'invalid value'}, received ${JSON.stringify(found.text)}`,
      );
    }
    values[key] = result.data;
  }
  return values as OptionValues<S>;
}

/** parseArgs' message in one line; an unknown flag gets a plain message (this CLI takes no positionals). */
function argumentProblem(error: Error & { code?: string }): string {
  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const flag = /'(-[^']*)'/.exec(error.message)?.[1] ?? '';
    return `unknown option ${flag}: see --help for the options of this command`;
  }
  return error.message.replace(/\s*\n\s*/g, ' ');
}

function rawValue(
  spec: OptionSpec<unknown>,
  flagValue: string | boolean | (string | boolean)[] | undefined,
  env: Readonly<Record<string, string | undefined>>,
): { text: string; source: string } | undefined {
  if (flagValue !== undefined) {
    const value = Array.isArray(flagValue) ? flagValue[flagValue.length - 1] : flagValue;
    return { text: String(value), source: `--${spec.flag}` };
  }
  if (spec.meta) {
    for (const name of [`NOMAD_META_${spec.meta}`, `NOMAD_META_${spec.meta.toUpperCase()}`]) {
      const value = env[name];
      if (value !== undefined && value !== '') return { text: value, source: `${name} (dispatch meta)` };
    }
  }
  if (spec.env) {
    const value = env[spec.env];
    if (value !== undefined && value !== '') return { text: value, source: `${spec.env} (--${spec.flag})` };
  }
  return undefined;
}

/** The help lines of a command's options. */
export function describeOptions(specs: OptionSpecs): string {
  return Object.values(specs)
    .map((spec) => {
      const sources = [spec.env, spec.meta && `meta ${spec.meta}`].filter(Boolean).join(', ');
      const name = spec.boolean ? `--${spec.flag}` : `--${spec.flag} <value>`;
      const details = [spec.description, spec.defaultText && `default: ${spec.defaultText}`, sources && `(${sources})`]
        .filter(Boolean)
        .join(' ');
      return `  ${name.padEnd(30)} ${details}`;
    })
    .join('\n');
}

// Value parsers. Each takes the text of a value and says what it expected when it fails.

export function integer(min: number, max: number): z.ZodType<number, string> {
  return z
    .string()
    .trim()
    .regex(/^[+-]?\d+$/, { error: `expected an integer from ${min} to ${max}` })
    .transform(Number)
    .pipe(
      z
        .number()
        .min(min, { error: `expected an integer from ${min} to ${max}` })
        .max(max, { error: `expected an integer from ${min} to ${max}` }),
    );
}

export function decimal(description: string, check: (value: number) => boolean): z.ZodType<number, string> {
  return z
    .string()
    .trim()
    .regex(/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/, { error: `expected ${description}` })
    .transform(Number)
    .refine(check, { error: `expected ${description}` });
}

export function choice<T extends string>(values: readonly T[]): z.ZodType<T, string> {
  return z.enum(values as [T, ...T[]], { error: `expected one of ${values.join(', ')}` });
}

export const text: z.ZodType<string, string> = z.string().trim().min(1, { error: 'expected a non-empty value' });

export const bool: z.ZodType<boolean, string> = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'expected true or false' }))
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

export const url: z.ZodType<string, string> = z
  .string()
  .trim()
  .refine((value) => /^https?:\/\/[^/\s]+/.test(value), { error: 'expected an http:// or https:// URL' });
