import { parse } from '@cdktn/hcl2json';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseHcl } from '../../src';
import { hclParser } from '../../src/import/hcl-parser';
import {
  HEREDOC_RUN,
  type InputLimit,
  isInputLimit,
  type ParserInput,
  prepareParserInput,
} from '../../src/import/parser-input';
import { MAX_HCL_NESTING, MAX_STRIP_TEMPLATE_PARTS } from '../../src/limits';

const LIMIT = MAX_HCL_NESTING;

function prepared(source: string): ParserInput {
  const input = prepareParserInput(source);
  if (isInputLimit(input)) throw new Error(`unexpectedly past a limit at ${input.line}:${input.column}`);
  return input;
}

function tooDeep(source: string): Omit<InputLimit, 'message'> | undefined {
  const input = prepareParserInput(source);
  if (!isInputLimit(input)) return undefined;
  const { message: _, ...rest } = input;
  return rest;
}

/** What the parser returns for the prepared text, with the substitutions undone. */
function parsedThroughInput(source: string): unknown {
  const input = prepared(source);
  const result = hclParser.parse('x.hcl', input.text);
  return 'json' in result ? input.restore(result.json) : `error: ${input.restore(result.error)}`;
}

/** What the parser returns for the source itself (the package's own bridge). */
async function parsedDirectly(source: string): Promise<unknown> {
  try {
    return await parse('x.hcl', source);
  } catch (error) {
    return `error: ${(error as Error).message}`;
  }
}

describe('prepareParserInput: nesting', () => {
  // Each shape nests `levels(n)` deep for n repetitions; n = the limit passes, one more level is refused.
  it.each([
    ['brackets', (n: number) => `a = ${'['.repeat(n)}${']'.repeat(n)}\n`, 1],
    ['parentheses', (n: number) => `a = ${'('.repeat(n)}1${')'.repeat(n)}\n`, 1],
    ['objects', (n: number) => `a = ${'{ b = '.repeat(n)}1${' }'.repeat(n)}\n`, 1],
    ['blocks', (n: number) => `${'b {\n'.repeat(n)}${'}\n'.repeat(n)}`, 1],
    ['unary operators', (n: number) => `a = ${'!'.repeat(n)}true\n`, 1],
    ['conditionals', (n: number) => `a = ${'true ? 1 : '.repeat(n)}2\n`, 1],
    ['heredocs in interpolations', (n: number) => `a = ${'<<E\n${'.repeat(n)}1${'}\nE\n'.repeat(n)}`, 2],
    ['blocks with a label', (n: number) => `${'b "x" {\n'.repeat(n)}${'}\n'.repeat(n)}`, 2],
    ['strings in interpolations', (n: number) => `a = ${'"${'.repeat(n)}1${'}"'.repeat(n)}\n`, 2],
  ])('counts %s', (_, shape, perRepetition) => {
    const within = Math.floor(LIMIT / perRepetition);
    expect(tooDeep(shape(within))).toBeUndefined();
    expect(tooDeep(shape(within + 1))).toEqual({ line: expect.any(Number), column: expect.any(Number), limit: LIMIT });
  });

  it('reports where the limit is passed', () => {
    expect(tooDeep(`job "x" {\n  a = [${'['.repeat(LIMIT)}]\n}\n`)).toEqual({
      line: 2,
      column: 5 + LIMIT,
      limit: LIMIT,
    });
  });

  it('does not count what only looks like nesting: comments, escapes, brackets inside strings and heredocs', () => {
    const deep = '['.repeat(LIMIT * 2);
    const source = [
      `# ${deep}`,
      `// ${deep}`,
      `/* ${deep} */`,
      `a = "${deep} $\${${deep}} %%{"`,
      `b = <<EOF\n${deep}\n$\${${deep}\nEOF`,
      'c = 1 - 2 - 3 != 4',
      '',
    ].join('\n');
    expect(tooDeep(source)).toBeUndefined();
  });
});

describe('prepareParserInput: a text the parser reads in linear time', () => {
  it('writes every literal $ and % as a placeholder, so that a string is one token whatever it holds', () => {
    const escapes = '$${x}'.repeat(16_000); // 80 KB
    const percents = '%'.repeat(80_000);
    const source = `a = "${escapes}"\nb = <<EOF\n${percents} 50% $5\nEOF\n`;
    const input = prepared(source);
    // Only the text's own syntax is left: no $ or % at all, and the same length.
    expect(input.text).not.toMatch(/[$%]/);
    expect(input.text).toHaveLength(source.length);
    expect(parsedThroughInput(source)).toEqual({ a: escapes, b: `${percents} 50% $5\n` });
  });

  it('gives a long heredoc its line breaks as placeholders, so that its text is one token, not one a line', () => {
    const lines = 10_000;
    const source = `a = <<EOF\nx\n${'line\n'.repeat(lines)}EOF\nb = 1\n`;
    const { text } = prepared(source);
    // The opener's line, the whole text on one line (the break before the marker stays), the marker, b.
    expect(text.split('\n')).toHaveLength(5);
    expect(text).toHaveLength(source.length);
    expect(parsedThroughInput(source)).toEqual({ a: `x\n${'line\n'.repeat(lines)}`, b: 1 });
  });

  it('leaves heredocs of up to HEREDOC_RUN lines and files without literal sigils as they are', () => {
    const source = `a = <<-EOF\n${'  x\n'.repeat(HEREDOC_RUN)}  EOF\nb = "\${var.x}-\${NOMAD_ALLOC_ID}"\n`;
    expect(prepared(source).text).toBe(source);
  });

  it('gives a template with a ~ strip marker as it is, up to a limit on its parts', () => {
    const strip = (parts: number) => `a = "${'$ '.repeat(parts)}\${~ "x"}"\n`;
    expect(prepared(strip(MAX_STRIP_TEMPLATE_PARTS)).text).toBe(strip(MAX_STRIP_TEMPLATE_PARTS));
    expect(prepareParserInput(strip(MAX_STRIP_TEMPLATE_PARTS + 1))).toEqual({
      line: 1,
      column: 5,
      limit: MAX_STRIP_TEMPLATE_PARTS,
      message: expect.stringContaining('has a ~ strip marker and more than 2000 lines and literal $ or % signs'),
    });
  });

  it('maps the positions the parser reports back to the lines of the source', async () => {
    const position = (error: string) => {
      const [, line, column] = /x\.hcl:(\d+),(\d+)/.exec(error) as RegExpExecArray;
      return { line: Number(line), column: Number(column) };
    };
    const body = '  x\n'.repeat(HEREDOC_RUN + 1);
    // Inside the heredoc (an interpolation that does not parse), and after it.
    for (const source of [
      `a = <<-EOF\n${body}  \${1 +}\n  EOF\n`,
      `a = <<-EOF\n${body}  EOF\nb = [\n`,
      `a = <<EOF\n${body}\${1 +}\n${body}EOF\n`,
    ]) {
      const input = prepared(source);
      const result = hclParser.parse('x.hcl', input.text) as { error: string };
      const direct = position(String(await parsedDirectly(source)));
      const { line, column } = position(result.error);
      expect(input.sourcePosition(line, column)).toEqual(direct);
    }
  });

  it('reads a long <<- heredoc inside a function call as Nomad does', async () => {
    const lines = Array.from({ length: HEREDOC_RUN + 6 }, (_, i) => `line ${i}`);
    const job = await parseHcl(
      `job "x" {\n  meta = {\n    a = join("", [<<-EOF\n${lines.map((l) => `      ${l}\n`).join('')}      EOF\n    ])\n  }\n}\n`,
    );
    expect(job.props.meta).toEqual({ a: lines.map((l) => `${l}\n`).join('') });
  });
});

describe('prepareParserInput: the same parse as the source itself', () => {
  // Random templates (quoted strings and heredocs, short and long) with every sigil form, indentation, blank lines and
  // interpolations over several lines: the parser's answer for the prepared text, restored, is its answer for the
  // source.
  const piece = fc.constantFrom(
    'a',
    ' ',
    '\t',
    '$',
    '%',
    '$$',
    '$${x}',
    '%%{y}',
    '$$${z}',
    '${"i"}',
    '%{ if true }t%{ else }f%{ endif }',
    '${~ "trim" ~}',
    '${~ "l"}',
    '${"r" ~}',
    '%{~ if true ~}x%{~ endif ~}',
    '\u00e9',
    '{',
    '}',
  );
  const lineText = fc.array(piece, { maxLength: 5 }).map((parts) => parts.join(''));
  const heredocLine = fc.oneof(
    { weight: 6, arbitrary: fc.tuple(fc.constantFrom('', '  ', '    ', '\t'), lineText).map(([i, t]) => i + t) },
    { weight: 1, arbitrary: fc.constantFrom('', '   ', '${upper(\n"x"\n)}tail', '  EOFX') },
  );
  const heredoc = fc
    .tuple(
      fc.boolean(),
      fc.array(heredocLine, { minLength: 0, maxLength: HEREDOC_RUN * 2 + 10 }),
      fc.constantFrom('', '  '),
    )
    .map(([flush, lines, indent]) => `<<${flush ? '-' : ''}EOF\n${lines.map((l) => `${l}\n`).join('')}${indent}EOF\n`);
  const quoted = lineText.map((t) => `"${t.replace(/\\/g, '')}"`);
  const value = fc.oneof(
    quoted,
    heredoc,
    fc.tuple(quoted, heredoc).map(([q, h]) => `[${q}, ${h}]`),
  );

  // Diagnostics are compared by where they start (what an issue shows): a range's end may differ, as a placeholder is
  // one token where the source had several.
  const starts = (result: unknown) =>
    typeof result === 'string' ? result.replace(/(x\.hcl:\d+,\d+)-[\d,]+/g, '$1') : result;

  it('holds for random templates', async () => {
    await fc.assert(
      fc.asyncProperty(value, async (v) => {
        const source = `a = ${v}\n`;
        expect(starts(parsedThroughInput(source))).toEqual(starts(await parsedDirectly(source)));
      }),
      { numRuns: 150, seed: 17 },
    );
  });

  it('holds for templates the file leaves unterminated', async () => {
    await fc.assert(
      fc.asyncProperty(value, fc.double({ min: 0, max: 1, noNaN: true }), async (v, cut) => {
        const whole = `a = ${v}\n`;
        const source = whole.slice(0, Math.floor(whole.length * cut));
        expect(starts(parsedThroughInput(source))).toEqual(starts(await parsedDirectly(source)));
      }),
      { numRuns: 100, seed: 17 },
    );
  });
});
