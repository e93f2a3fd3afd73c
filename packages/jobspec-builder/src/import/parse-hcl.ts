import { readFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { parse } from '@cdktn/hcl2json';
import { JobspecError, type JobspecIssue } from '../errors';
import { Job } from '../job';
import type { JobProps } from '../model';
import * as S from '../schema/structs';
import { Duration } from '../values';
import { type SourceBlock, type SourceBody, scanBlocks } from './block-order';
import { entries, evaluate, HclEvaluationError, type Scope, withNames } from './evaluate';
import { HclSyntaxError, parseTemplate } from './expression';
import { type HclData, HclFunctionError } from './functions';
import {
  decodeHclBody,
  type EvaluatedBlock,
  HclBlocks,
  type HclJsonBody,
  hasTemplateSequence,
  unescapeTemplate,
} from './hcl-json';
import { ANY_TYPE, convert, type HclType, parseType, readInputValue } from './variables';

export interface ParseHclOptions {
  /** The file name shown in error locations; also the base of relative paths when `baseDir` is not set. @default 'job.nomad.hcl' */
  readonly filename?: string;
  /** Input variable values, as `nomad job run -var name=value` takes them. @default - none */
  readonly vars?: Readonly<Record<string, string>>;
  /** Where `NOMAD_VAR_<name>` values come from. @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Directory that `file()` and other path functions resolve against. @default the file's directory, or the current directory */
  readonly baseDir?: string;
  /** Whether `file()` and other filesystem functions may read files. @default true */
  readonly allowFs?: boolean;
}

/**
 * Imports an HCL jobspec: HashiCorp's HCL parser (hcl2json) reads the syntax,
 * then this evaluates what Nomad's parser evaluates (variables with types,
 * defaults, `-var` and `NOMAD_VAR_*` values, locals, `dynamic` blocks, string
 * templates, functions), keeps runtime interpolations such as
 * `${NOMAD_ALLOC_ID}` or `${attr.kernel.name}` as text, and reads the result
 * into the typed model.
 *
 * @throws JobspecError with every problem found; syntax errors and evaluation
 *   errors carry `file:line`.
 *
 * @example
 * const job = await parseHcl(await readFile('web.nomad.hcl', 'utf8'), { filename: 'web.nomad.hcl', vars: { image: 'nginx:1.27' } });
 * job.toApiJson();
 */
export async function parseHcl(source: string, options: ParseHclOptions = {}): Promise<Job> {
  const filename = options.filename ?? 'job.nomad.hcl';
  let json: Record<string, unknown>;
  try {
    json = (await parse(basename(filename), source)) as Record<string, unknown>;
  } catch (error) {
    throw new JobspecError(syntaxIssues(String((error as Error).message ?? error), filename));
  }
  return new Importer(source, json, filename, options).job();
}

/** {@link parseHcl} on a file; `baseDir` defaults to the file's directory. */
export async function parseHclFile(path: string, options: Omit<ParseHclOptions, 'filename'> = {}): Promise<Job> {
  const source = await readFile(path, 'utf8');
  return parseHcl(source, { baseDir: dirname(resolve(path)), ...options, filename: path });
}

/** hcl2json's diagnostics: `parse config: [file:3,13-4,1: Summary; Detail]`. */
function syntaxIssues(message: string, filename: string): JobspecIssue[] {
  const diagnostics = [...message.matchAll(/([^\s[]+?):(\d+),(\d+)(?:-[\d,]+)?: ([^;\]]+);?\s*([^\]]*)/g)];
  if (diagnostics.length === 0) {
    return [{ code: 'syntax-error', path: '', message: message.replace(/^Error: /, ''), location: filename }];
  }
  return diagnostics.map((match) => ({
    code: 'syntax-error' as const,
    path: '',
    message: `${match[4]?.trim()}${match[5] ? `: ${match[5].trim()}` : ''}`,
    location: `${filename}:${match[2]},${match[3]}`,
  }));
}

const TOP_LEVEL_BLOCKS = new Set(['job', 'variable', 'variables', 'locals']);

class Importer {
  private readonly issues: JobspecIssue[] = [];
  private readonly source: SourceBody;
  private readonly scope: Scope;
  private readonly localSources = new Map<string, unknown>();
  private readonly localValues = new Map<string, HclData>();
  private readonly evaluatingLocals = new Set<string>();

  constructor(
    text: string,
    private readonly json: Record<string, unknown>,
    private readonly filename: string,
    private readonly options: ParseHclOptions,
  ) {
    this.source = scanBlocks(text);
    const functions = { baseDir: options.baseDir ?? dirname(resolve(filename)), allowFs: options.allowFs ?? true };
    this.scope = { variables: new Map(), local: (name) => this.local(name), functions };
  }

  job(): Job {
    for (const key of Object.keys(this.json)) {
      if (!TOP_LEVEL_BLOCKS.has(key)) {
        this.issue(
          'unknown-field',
          key,
          `"${key}" is not allowed at the top of a jobspec; use job, variable, variables or locals`,
          this.lineOf(key),
        );
      }
    }
    const variables = this.variables();
    // Without every variable's value, the job's expressions would only add follow-on errors.
    if (this.issues.length > 0) throw new JobspecError(this.issues);
    (this.scope.variables as Map<string, HclData>).set('var', variables);
    for (const body of asBodies(this.json.locals)) {
      for (const [name, value] of Object.entries(body)) {
        if (this.localSources.has(name))
          this.issue('duplicate-name', `locals.${name}`, `local "${name}" is defined twice`, this.lineOf('locals'));
        this.localSources.set(name, value);
      }
    }

    const jobs = this.json.job;
    const entries = jobs && typeof jobs === 'object' ? Object.entries(jobs as Record<string, unknown>) : [];
    const jobBlocks = this.source.blocks.filter((block) => block.type === 'job');
    if (entries.length !== 1 || asBodies(entries[0]?.[1]).length !== 1) {
      this.issue(
        'required',
        '',
        `a jobspec needs exactly one job block, found ${jobBlocks.length}`,
        jobBlocks[1]?.line,
      );
      throw new JobspecError(this.issues);
    }
    const [id, bodies] = entries[0] as [string, unknown];
    const sourceBlock = jobBlocks[0];
    const body = this.body(
      asBodies(bodies)[0] as HclJsonBody,
      sourceBlock?.body,
      this.scope,
      `job["${id}"]`,
      sourceBlock?.line,
    );
    if (this.issues.length > 0) throw new JobspecError(this.issues);

    // `id = "..."` in the body overrides the label (jobspec2 normalizeJob keeps a set ID).
    const { vault, id: idAttribute, ...jobBody } = moveGroupVaults(hoistTopLevelTasks(body));
    const jobId = typeof idAttribute === 'string' ? idAttribute : id;
    const props = decodeHclBody(S.Job, jobBody, '', { strings: 'evaluated', filename: this.filename });
    const jobVault =
      vault === undefined
        ? undefined
        : decodeHclBody(S.Vault, blockBodyOf(vault), 'vault', { strings: 'evaluated', filename: this.filename });
    return new Job(applyParserDefaults({ id: jobId, ...props }, jobVault) as unknown as JobProps);
  }

  // ---- variables and locals ----

  private variables(): Record<string, HclData> {
    const declared = new Map<string, { type: HclType; default: HclData | undefined; line: number | undefined }>();
    const variableBlocks = this.source.blocks.filter((b) => b.type === 'variable');
    // In source order (hcl2json sorts them), so problems are listed as the file reads.
    const variableEntries = Object.entries((this.json.variable ?? {}) as Record<string, unknown>).sort(
      ([a], [b]) =>
        (variableBlocks.find((v) => v.labels[0] === a)?.line ?? 0) -
        (variableBlocks.find((v) => v.labels[0] === b)?.line ?? 0),
    );
    for (const [name, bodies] of variableEntries) {
      const body = asBodies(bodies)[0] ?? {};
      const line = variableBlocks.find((b) => b.labels[0] === name)?.line;
      let type = ANY_TYPE;
      if (typeof body.type === 'string') {
        try {
          type = parseType(parseTemplate(body.type));
        } catch (error) {
          this.issue('invalid-value', `var.${name}.type`, messageOf(error), line);
        }
      }
      const value =
        body.default === undefined
          ? undefined
          : this.evaluateValue(body.default, this.scope, `var.${name}.default`, line);
      declared.set(name, { type, default: value, line });
    }
    for (const body of asBodies(this.json.variables)) {
      for (const [name, value] of Object.entries(body)) {
        declared.set(name, {
          type: ANY_TYPE,
          default: this.evaluateValue(value, this.scope, `var.${name}`, this.lineOf('variables')),
          line: this.lineOf('variables'),
        });
      }
    }

    const env = this.options.env ?? process.env;
    const values: Record<string, HclData> = {};
    for (const name of Object.keys(this.options.vars ?? {})) {
      if (!declared.has(name)) {
        this.issue(
          'undefined-reference',
          `var.${name}`,
          `-var ${name}=... sets a variable the jobspec does not declare; declared: ${[...declared.keys()].join(', ') || 'none'}`,
          undefined,
        );
      }
    }
    for (const [name, variable] of declared) {
      const raw = this.options.vars?.[name] ?? env[`NOMAD_VAR_${name}`];
      let value: HclData | undefined = variable.default;
      try {
        if (raw !== undefined) value = readInputValue(raw, variable.type, (expr) => evaluate(expr, this.scope));
        if (value === undefined) {
          this.issue(
            'required',
            `var.${name}`,
            `variable "${name}" has no default: pass -var ${name}=<value> or set NOMAD_VAR_${name}`,
            variable.line,
          );
          continue;
        }
        values[name] = convert(value, variable.type, `var.${name}`);
      } catch (error) {
        this.issue('invalid-value', `var.${name}`, messageOf(error), variable.line);
      }
    }
    return values;
  }

  private local(name: string): HclData {
    const known = this.localValues.get(name);
    if (known !== undefined || this.localValues.has(name)) return known as HclData;
    if (!this.localSources.has(name)) {
      throw new HclEvaluationError(
        `there is no local "${name}"; defined: ${[...this.localSources.keys()].join(', ') || 'none'}`,
      );
    }
    if (this.evaluatingLocals.has(name)) throw new HclEvaluationError(`local "${name}" refers to itself`);
    this.evaluatingLocals.add(name);
    try {
      const value = this.evaluateData(this.localSources.get(name), this.scope);
      this.localValues.set(name, value);
      return value;
    } finally {
      this.evaluatingLocals.delete(name);
    }
  }

  // ---- bodies ----

  /**
   * Evaluates a body: attributes become values, blocks become {@link HclBlocks} in
   * source order, and `dynamic` blocks are expanded in place.
   */
  private body(
    json: HclJsonBody,
    source: SourceBody | undefined,
    scope: Scope,
    path: string,
    line: number | undefined,
  ): HclJsonBody {
    const out: Record<string, unknown> = {};
    const blockTypes = new Set(source?.blocks.map((b) => b.type));
    for (const [key, value] of Object.entries(json)) {
      if (blockTypes.has(key)) continue;
      out[key] = this.evaluateValue(value, scope, `${path}.${key}`, line);
    }
    if (!source) return out;

    const collected = new Map<string, EvaluatedBlock[]>();
    const seen = new Map<string, number>();
    const add = (type: string, block: EvaluatedBlock) => {
      if (!collected.has(type)) collected.set(type, []);
      (collected.get(type) as EvaluatedBlock[]).push(block);
    };
    for (const block of source.blocks) {
      const occurrenceKey = `${block.type}\u0000${block.labels.join('\u0000')}`;
      const occurrence = seen.get(occurrenceKey) ?? 0;
      seen.set(occurrenceKey, occurrence + 1);
      const blockJson = blockBody(json[block.type], block.labels, occurrence);
      if (!blockJson) continue;
      if (block.type === 'dynamic') {
        for (const expanded of this.dynamic(block, blockJson, scope, path)) add(block.labels[0] as string, expanded);
        continue;
      }
      const blockPath = `${path}.${block.type}${block.labels.map((l) => `["${l}"]`).join('')}`;
      add(block.type, {
        labels: block.labels,
        body: this.body(blockJson, block.body, scope, blockPath, block.line),
        line: block.line,
      });
    }
    for (const [type, blocks] of collected) out[type] = new HclBlocks(blocks);
    return out;
  }

  /** `dynamic "port" { for_each = ..., iterator = p, labels = [...], content { ... } }` -> one block per element. */
  private dynamic(block: SourceBlock, json: HclJsonBody, scope: Scope, path: string): EvaluatedBlock[] {
    const type = block.labels[0] as string;
    const where = `${path}.dynamic["${type}"]`;
    const iterator = typeof json.iterator === 'string' ? json.iterator.replace(/^\$\{(.*)\}$/, '$1') : type;
    const collection = this.evaluateValue(json.for_each, scope, `${where}.for_each`, block.line);
    const contentSource = block.body.blocks.find((b) => b.type === 'content');
    const contentJson = asBodies(json.content)[0];
    if (!contentJson) {
      this.issue('required', where, 'a dynamic block needs a content block', block.line);
      return [];
    }
    // A null for_each is a failed evaluation, already reported.
    let pairs: [HclData, HclData][] = [];
    if (collection !== null) {
      try {
        pairs = entries(collection);
      } catch (error) {
        this.issue('invalid-type', `${where}.for_each`, messageOf(error), block.line);
      }
    }
    return pairs.map(([key, value]) => {
      const inner = withNames(scope, { [iterator]: { key, value } });
      const labels =
        json.labels === undefined ? [] : this.evaluateValue(json.labels, inner, `${where}.labels`, block.line);
      const labelList = Array.isArray(labels) ? labels.map(String) : [];
      return {
        labels: labelList,
        body: this.body(contentJson, contentSource?.body, inner, where, contentSource?.line ?? block.line),
        line: block.line,
      };
    });
  }

  // ---- values ----

  private evaluateValue(value: unknown, scope: Scope, path: string, line: number | undefined): HclData {
    try {
      return this.evaluateData(value, scope);
    } catch (error) {
      if (error instanceof HclEvaluationError || error instanceof HclFunctionError || error instanceof HclSyntaxError) {
        this.issue('evaluation-failed', path, messageOf(error), line);
        return null;
      }
      throw error;
    }
  }

  /** hcl2json values: strings holding templates are evaluated, the rest read as literals. */
  private evaluateData(value: unknown, scope: Scope): HclData {
    if (typeof value === 'string') {
      return hasTemplateSequence(value) ? evaluate(parseTemplate(value), scope) : unescapeTemplate(value);
    }
    if (Array.isArray(value)) return value.map((item) => this.evaluateData(item, scope));
    if (value && typeof value === 'object') {
      const out: Record<string, HclData> = {};
      for (const [key, item] of Object.entries(value)) {
        const name = hasTemplateSequence(key) ? String(evaluate(parseTemplate(key), scope)) : unescapeTemplate(key);
        out[name] = this.evaluateData(item, scope);
      }
      return out;
    }
    return value as HclData;
  }

  private issue(code: JobspecIssue['code'], path: string, message: string, line: number | undefined): void {
    this.issues.push({ code, path, message, ...(line !== undefined ? { location: `${this.filename}:${line}` } : {}) });
  }

  private lineOf(type: string): number | undefined {
    return this.source.blocks.find((b) => b.type === type)?.line;
  }
}

function asBodies(value: unknown): HclJsonBody[] {
  if (Array.isArray(value))
    return value.filter((v): v is HclJsonBody => !!v && typeof v === 'object' && !Array.isArray(v));
  return value && typeof value === 'object' ? [value as HclJsonBody] : [];
}

/** The hcl2json body of the `occurrence`-th block with these labels: `{"group": {"web": [body, ...]}}`. */
function blockBody(value: unknown, labels: readonly string[], occurrence: number): HclJsonBody | undefined {
  let current = value;
  for (const label of labels) {
    if (!current || typeof current !== 'object' || Array.isArray(current)) return undefined;
    current = (current as Record<string, unknown>)[label];
  }
  return asBodies(current)[occurrence];
}

/** Nomad accepts `task` blocks directly in `job`, each becoming a group of its own name, first (jobspec2 normalizeJob). */
function hoistTopLevelTasks(body: HclJsonBody): HclJsonBody {
  const tasks = body.task;
  if (!(tasks instanceof HclBlocks)) return body;
  const { task: _, ...rest } = body;
  const groups = tasks.items.map((task) => ({
    labels: task.labels,
    body: { task: new HclBlocks([task]) },
    ...(task.line !== undefined ? { line: task.line } : {}),
  }));
  const existing = rest.group instanceof HclBlocks ? rest.group.items : [];
  return { ...rest, group: new HclBlocks([...groups, ...existing]) };
}

/** A group's `vault` block applies to its tasks that have none (jobspec2 `decodeTaskGroup`). */
function moveGroupVaults(body: HclJsonBody): HclJsonBody {
  if (!(body.group instanceof HclBlocks)) return body;
  const groups = body.group.items.map((group) => {
    const { vault, ...rest } = group.body;
    if (!(vault instanceof HclBlocks)) return group;
    const tasks =
      rest.task instanceof HclBlocks
        ? new HclBlocks(
            rest.task.items.map((task) =>
              task.body.vault === undefined ? { ...task, body: { ...task.body, vault } } : task,
            ),
          )
        : rest.task;
    return { ...group, body: { ...rest, ...(tasks ? { task: tasks } : {}) } };
  });
  return { ...body, group: new HclBlocks(groups) };
}

function blockBodyOf(value: unknown): HclJsonBody {
  return value instanceof HclBlocks ? (value.items[0]?.body ?? {}) : (value as HclJsonBody);
}

type Props = Record<string, unknown>;

/**
 * What Nomad's parser fills in after decoding (jobspec2 `normalizeJob`), so an
 * imported job is the job `nomad job run` would submit: template and change
 * script defaults, vault defaults, and a job-level `vault` block copied to
 * every task without its own.
 */
function applyParserDefaults(job: Props, jobVault: Props | undefined): Props {
  const vaultDefaults = (vault: Props): Props => ({
    ...vault,
    env: vault.env ?? true,
    changeMode: vault.changeMode ?? 'restart',
  });
  for (const group of (job.groups ?? []) as Props[]) {
    const scaling = group.scaling as Props | undefined;
    if (scaling && scaling.type === undefined) group.scaling = { ...scaling, type: 'horizontal' };
    for (const task of (group.tasks ?? []) as Props[]) {
      if (task.vault) task.vault = vaultDefaults(task.vault as Props);
      else if (jobVault) task.vault = vaultDefaults(jobVault);
      task.templates = (task.templates as Props[] | undefined)?.map((template) => {
        const out: Props = {
          ...template,
          changeMode: template.changeMode ?? 'restart',
          perms: template.perms ?? '0644',
          splay: template.splay ?? Duration.seconds(5),
          errorOnMissingKey: template.errorOnMissingKey ?? false,
        };
        const script = template.changeScript as Props | undefined;
        if (script) {
          out.changeScript = {
            ...script,
            args: script.args ?? [],
            timeout: script.timeout ?? Duration.seconds(5),
            failOnError: script.failOnError ?? false,
          };
        }
        return out;
      });
      if (task.templates === undefined) delete task.templates;
    }
  }
  return job;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
