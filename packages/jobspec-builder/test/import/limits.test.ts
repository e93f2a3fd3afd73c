import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type JobspecIssue, parseHcl } from '../../src';
import { CHARACTERS_PER_STEP } from '../../src/import/functions/budget';
import { importHcl } from '../../src/import/parse-hcl';
import {
  MAX_EVALUATION_WORK,
  MAX_FILESET_ENTRIES,
  MAX_FUNCTION_ELEMENTS,
  MAX_FUNCTION_FILE_BYTES,
  MAX_FUNCTION_STRING,
  MAX_HCL_NESTING,
  MAX_JSON_NESTING,
  MAX_STRIP_TEMPLATE_PARTS,
  MAX_VALUE_NESTING,
} from '../../src/limits';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'jobspec-limits-'));
  mkdirSync(join(dir, 'files', 'loop'), { recursive: true });
  writeFileSync(join(dir, 'files', 'a.txt'), 'a');
  // A link back up: a walk that follows it without care never ends.
  symlinkSync('..', join(dir, 'files', 'loop', 'up'));
  writeFileSync(join(dir, 'big.txt'), Buffer.alloc(MAX_FUNCTION_FILE_BYTES + 1, 0x61));
  execFileSync('mkfifo', [join(dir, 'fifo')]);
});

/** A job whose meta `x` is `expression`. */
function jobWith(expression: string, before = ''): string {
  return `${before}job "web" {\n  meta = {\n    x = ${expression}\n  }\n}\n`;
}

async function metaX(expression: string, before = ''): Promise<unknown> {
  const job = await parseHcl(jobWith(expression, before), { baseDir: dir });
  return (job.props.meta as Record<string, unknown>).x;
}

async function issuesOf(expression: string, before = '', vars: Record<string, string> = {}): Promise<JobspecIssue[]> {
  const { issues } = await importHcl(jobWith(expression, before), { baseDir: dir, vars, env: {} });
  return issues;
}

/** The one issue of `expression`: a limit, with its message. */
async function limitOf(expression: string, before = ''): Promise<string> {
  const issues = await issuesOf(expression, before);
  expect(issues).toHaveLength(1);
  expect(issues[0]?.code).toBe('limit-exceeded');
  return issues[0]?.message ?? '';
}

describe('HCL functions: bounded output, checked inputs', () => {
  it.each([
    [
      'indent(99999999, "a\\nb")',
      /^indent: the result would be 100,000,002 characters long, more than the limit of 16 Mi$/,
    ],
    ['format("%999999999d", 1)', /^format: the width or precision in "%999999999d" is more than the limit of 16777216/],
    ['format("%.999999999f", 1)', /^format: the width or precision in "%\.999999999f" is more than the limit/],
    [
      'length(setproduct(range(1000), range(1000), range(100)))',
      /^setproduct: the result would have 100,000,000 elements, more than the limit of 1 Mi$/,
    ],
    [
      `join(",", [for i in range(1000) : join(",", [for j in range(1000) : "${'x'.repeat(40)}"])])`,
      /(limit of 16 Mi|did more than 4 Mi steps of work)/,
    ],
    ['replace("aaaa", "", "x")', undefined],
    ['bcrypt("x", 31)', /^bcrypt: cost 31 is above this importer's limit of 14/],
  ])('%s', async (expression, message) => {
    if (message === undefined) {
      expect(await metaX(expression)).toBe('xaxaxaxax');
      return;
    }
    expect(await limitOf(expression)).toMatch(message);
  });

  it('are the limits the README lists', () => {
    const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
    const mi = (n: number) => `${n / (1024 * 1024)} Mi`;
    for (const row of [
      `| ${MAX_HCL_NESTING} levels |`,
      `| ${MAX_STRIP_TEMPLATE_PARTS.toLocaleString('en-US')} |`,
      `| ${mi(MAX_FUNCTION_STRING)} characters |`,
      `| ${mi(MAX_FUNCTION_ELEMENTS)} elements |`,
      `| ${MAX_VALUE_NESTING} levels |`,
      `${CHARACTERS_PER_STEP} characters of text, loop iterations | ${mi(MAX_EVALUATION_WORK)} steps |`,
      `| ${MAX_FUNCTION_FILE_BYTES / (1024 * 1024)} MiB |`,
      `| ${MAX_FILESET_ENTRIES.toLocaleString('en-US')} entries, 64 wildcards |`,
      `| ${MAX_JSON_NESTING} levels |`,
    ]) {
      expect(readme).toContain(row);
    }
  });

  it('runs regular expressions on a linear-time engine with Go semantics', async () => {
    const input = `${'a'.repeat(5000)}b`;
    // A backtracking engine takes exponential time here; RE2 answers in one pass (no match: the input as it is).
    expect(await metaX(`regex_replace("${input}", "(a+)+$", "x")`)).toBe(input);
    expect(await metaX('regex_replace("aaa", "(?U)a+", "x")')).toBe('xxx');
    expect(await metaX('regex_replace("Hello", "(?i)h(?P<rest>.*)", "J${rest}")')).toBe('Jello');
    expect((await issuesOf('regex_replace("x", "(?=x)", "y")'))[0]?.message).toBe(
      'regex_replace: invalid value for "pattern" parameter: error parsing regexp: invalid or unsupported Perl syntax: `(?=`',
    );
  });

  it('does not let try() or can() hide a limit', async () => {
    expect(await limitOf('try(indent(99999999, "a\\nb"), "fallback")')).toMatch(/^indent: /);
    expect(await limitOf('can(file("/dev/zero"))')).toMatch(/^file: \/dev\/zero is outside the jobspec's directory/);
  });

  it('bounds the work of expressions that feed each other', async () => {
    // Each local doubles the one before: 2^40 characters at the end.
    const locals = `locals {\n  l0 = "xx"\n${Array.from({ length: 40 }, (_, i) => `  l${i + 1} = "\${local.l${i}}\${local.l${i}}"`).join('\n')}\n}\n`;
    expect(await limitOf('local.l40', locals)).toMatch(/the jobspec's expressions did more than 4 Mi steps of work/);
    // A YAML document whose aliases expand to a hundred million elements.
    const aliases = Array.from(
      { length: 8 },
      (_, i) =>
        `${'abcdefgh'[i]}: &${'abcdefgh'[i]} [${Array(10)
          .fill(i === 0 ? '1' : `*${'abcdefgh'[i - 1]}`)
          .join(',')}]`,
    ).join('\\n');
    expect(await limitOf(`yamldecode("${aliases}")`)).toMatch(/steps of work/);
  });
});

describe('file and fileset', () => {
  it('read regular files under the jobspec directory only', async () => {
    expect(await metaX('file("files/a.txt")')).toBe('a');
    expect(await limitOf('file("/dev/zero")')).toMatch(
      /^file: \/dev\/zero is outside the jobspec's directory .*; the filesystem functions read only files under it$/,
    );
    expect(await limitOf('file("../../etc/passwd")')).toMatch(/is outside the jobspec's directory/);
    expect(await limitOf('file("fifo")')).toMatch(/^file: .*\/fifo is not a regular file, but "p/);
    expect(await limitOf('filebase64("big.txt")')).toMatch(
      /^filebase64: .*\/big\.txt is larger than 4194304 bytes \(4 MiB\), the limit of a file a jobspec reads$/,
    );
    expect(await limitOf('fileset("/proc", "**")')).toMatch(/^fileset: \/proc is outside the jobspec's directory/);
  });

  it('walk a directory with a link loop once, and bound the pattern', async () => {
    expect(await metaX('join(",", fileset("files", "**"))')).toBe('a.txt');
    expect(await limitOf(`fileset("files", "${'*'.repeat(100)}")`)).toMatch(/^fileset: the pattern has 100 wildcards/);
  });
});

describe('nesting and chains', () => {
  it('refuses JSON and YAML documents nested deeper than the limit, by name', async () => {
    const deep = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
    expect(await limitOf(`jsondecode("${deep(10_000)}")`)).toBe(
      `jsondecode: the document is nested more than ${MAX_VALUE_NESTING} levels deep, the limit`,
    );
    expect(await limitOf(`yamldecode("${deep(10_000)}")`)).toBe(
      `yamldecode: the document is nested more than ${MAX_VALUE_NESTING} levels deep, the limit`,
    );
    expect(await metaX(`length(jsondecode("${deep(100)}"))`)).toBe('1');
  });

  it('evaluates long chains of operators, attributes and locals without recursing along them', async () => {
    expect(await metaX(`1${' + 1'.repeat(20_000)}`)).toBe('20001');
    const locals = `locals {\n${Array.from({ length: 2000 }, (_, i) => `  l${i} = local.l${i + 1} + 1`).join('\n')}\n  l2000 = 0\n}\n`;
    expect(await metaX('local.l0', locals)).toBe('2000');
  });

  it('refuses locals that wrap each other deeper than the limit', async () => {
    const locals = `locals {\n${Array.from({ length: 200 }, (_, i) => `  l${i} = [local.l${i + 1}]`).join('\n')}\n  l200 = 1\n}\n`;
    expect(await limitOf('local.l0', locals)).toMatch(
      new RegExp(`^local\\.l\\d+: the result is nested more than ${MAX_VALUE_NESTING} levels deep, the limit$`),
    );
  });

  it('reports locals that refer to each other in a circle', async () => {
    const issues = await issuesOf('local.a', 'locals {\n  a = local.b\n  b = local.a\n}\n');
    expect(issues).toEqual([
      expect.objectContaining({ code: 'evaluation-failed', message: 'local "a" refers to itself: a -> b -> a' }),
    ]);
  });

  it('refuses a -var value nested deeper than the limit', async () => {
    const issues = await issuesOf('var.v', 'variable "v" {}\n', { v: `${'['.repeat(1000)}${']'.repeat(1000)}` });
    expect(issues).toEqual([
      expect.objectContaining({
        code: 'limit-exceeded',
        path: 'var.v',
        message: expect.stringContaining(`nested more than ${MAX_HCL_NESTING} levels deep`),
      }),
    ]);
  });
});
