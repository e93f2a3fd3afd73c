import { describe, expect, it } from 'vitest';
import { evaluate, HclEvaluationError, type Scope } from '../../src/import/evaluate';
import { HclSyntaxError, parseExpression, parseTemplate } from '../../src/import/expression';
import type { HclData } from '../../src/import/functions';

const scope: Scope = {
  variables: new Map<string, HclData>([
    [
      'var',
      { n: 3, name: 'web', list: ['a', 'b'], flag: true, m: { b: 2, a: 1 }, people: [{ name: 'x' }, { name: 'y' }] },
    ],
  ]),
  local: (name) => {
    if (name === 'region') return 'eu';
    throw new HclEvaluationError(`there is no local "${name}"`);
  },
  functions: { baseDir: __dirname, allowFs: false },
};

const expr = (text: string) => evaluate(parseExpression(text), scope);
const template = (text: string) => evaluate(parseTemplate(text), scope);

describe('HCL expressions', () => {
  it.each([
    ['1 + 2 * 3', 7],
    ['(1 + 2) * 3', 9],
    ['10 % 4', 2],
    ['-var.n', -3],
    ['!var.flag', false],
    ['var.n > 2 && var.n <= 3', true],
    ['var.n == 3 ? "three" : "other"', 'three'],
    ['var.name != "web" || false', false],
    ['"${var.name}-${var.n}"', 'web-3'],
    ['var.list[1]', 'b'],
    ['var.list.0', 'a'],
    ['var.m["a"]', 1],
    ['var.people[*].name', ['x', 'y']],
    ['var.people.*.name', ['x', 'y']],
    ['[for s in var.list : "${s}!" if s != "a"]', ['b!']],
    ['{ for k, v in var.m : k => v * 10 }', { a: 10, b: 20 }],
    ['{ for p in var.people : "all" => p.name... }', { all: ['x', 'y'] }],
    ['[for i, s in var.list : i]', [0, 1]],
    ['{ a = 1, "b.c" = [true, null], (var.name) = 2 }', { a: 1, 'b.c': [true, null], web: 2 }],
    ['local.region', 'eu'],
    ['"tab\\tquote\\" \\u00e9"', 'tab\tquote" é'],
    ['<<EOT\nline ${var.n}\nEOT', 'line 3\n'],
    ['<<-EOT\n    a\n      b\n    EOT', 'a\n  b\n'],
    ['1.5e3', 1500],
  ])('%s', (text, expected) => {
    expect(expr(text)).toEqual(expected);
  });

  it('keeps runtime interpolations Nomad resolves on the client as text', () => {
    expect(expr('attr.kernel.name')).toBe('${attr.kernel.name}');
    expect(template('${NOMAD_ALLOC_ID}')).toBe('${NOMAD_ALLOC_ID}');
    expect(template('id-${NOMAD_ALLOC_INDEX}-${var.n}')).toBe('id-${NOMAD_ALLOC_INDEX}-3');
    expect(template('${meta.rack}')).toBe('${meta.rack}');
    expect(template('${node.unique.name}')).toBe('${node.unique.name}');
  });

  it('reads templates with escapes and directives as hcl2json writes them', () => {
    expect(template('$${literal} %%{literal}')).toBe('${literal} %{literal}');
    expect(template('%{if var.flag}on%{else}off%{endif}')).toBe('on');
    expect(template('%{for s in var.list}${s},%{endfor}')).toBe('a,b,');
    expect(template('${var.n}')).toBe(3);
    expect(template('n=${var.n}')).toBe('n=3');
  });

  it('reports errors that say what was wrong', () => {
    expect(() => expr('var.nope')).toThrow(/no attribute "nope"; it has: n, name, list, flag, m, people/);
    expect(() => expr('var.list[5]')).toThrow(/index 5 is out of range for a list of 2/);
    expect(() => expr('"items: ${var.list}"')).toThrow(/cannot include a list in a string/);
    // A template that is one interpolation is that value, as in HCL.
    expect(expr('"${var.list}"')).toEqual(['a', 'b']);
    expect(() => expr('1 +')).toThrow(HclSyntaxError);
    expect(() => expr('nosuch(1)')).toThrow(/no function named "nosuch"/);
    expect(() => expr('{ for s in var.list : "k" => s }')).toThrow(/duplicate key "k"/);
  });

  it('evaluates try() and can() lazily', () => {
    expect(expr('try(var.nope, "fallback")')).toBe('fallback');
    expect(expr('can(var.nope)')).toBe(false);
    expect(expr('can(var.n)')).toBe(true);
  });
});
