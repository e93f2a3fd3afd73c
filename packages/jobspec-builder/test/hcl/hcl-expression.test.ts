import { describe, expect, it } from 'vitest';
import { HclExpression } from '../../src/hcl';

describe('HclExpression', () => {
  it('keeps the text as given, without surrounding whitespace', () => {
    expect(HclExpression.of('  var.x\n').text).toBe('var.x');
    expect(String(HclExpression.of('local.y'))).toBe('local.y');
  });

  it('accepts quoted templates, nested brackets and heredocs', () => {
    const texts = [
      'upper("${var.a}-}{)(")',
      '"%{ if var.b }yes%{ endif }"',
      '"escaped $${ and %%{ and \\" quote"',
      '{ for k, v in var.m : k => [v] }',
      'trimspace(<<EOT\n  ) unbalanced is fine here\nEOT\n)',
      '<<-EOT\n  text\n  EOT',
    ];
    for (const text of texts) {
      expect(HclExpression.of(text).text).toBe(text);
    }
  });

  it('recognises expressions by brand, also from another copy of the package', () => {
    expect(HclExpression.isExpression(HclExpression.of('var.x'))).toBe(true);
    const foreign = Object.defineProperty({ text: 'var.x' }, Symbol.for('@org/jobspec-builder/hcl.HclExpression'), {
      value: true,
    });
    expect(HclExpression.isExpression(foreign)).toBe(true);
    expect(HclExpression.isExpression({ text: 'var.x' })).toBe(false);
    expect(HclExpression.isExpression('var.x')).toBe(false);
    expect(HclExpression.isExpression(null)).toBe(false);
  });

  it('throws on empty text', () => {
    expect(() => HclExpression.of(' \n ')).toThrowErrorMatchingInlineSnapshot(
      `[HclError: Invalid expression: expected a single HCL expression, received " \\n ", which is empty; use null for an absent value or "" for an empty string.]`,
    );
  });

  it('throws on unbalanced brackets', () => {
    expect(() => HclExpression.of('merge(var.a')).toThrowErrorMatchingInlineSnapshot(
      `[HclError: Invalid expression: expected a single HCL expression, received "merge(var.a", which has an unclosed "(".]`,
    );
    expect(() => HclExpression.of('var.a]')).toThrowErrorMatchingInlineSnapshot(
      `[HclError: Invalid expression: expected a single HCL expression, received "var.a]", which has an unmatched "]".]`,
    );
    expect(() => HclExpression.of('[var.a)')).toThrow(/unmatched "\)"/);
  });

  it('throws on an unclosed quoted string or interpolation', () => {
    expect(() => HclExpression.of('upper("a)')).toThrowErrorMatchingInlineSnapshot(
      `[HclError: Invalid expression: expected a single HCL expression, received "upper(\\"a)", which has an unclosed quoted string.]`,
    );
    expect(() => HclExpression.of('"${var.a"')).toThrowErrorMatchingInlineSnapshot(
      `[HclError: Invalid expression: expected a single HCL expression, received "\\"\${var.a\\"", which has an unclosed quoted string.]`,
    );
    expect(() => HclExpression.of('"a\nb"')).toThrow(/not closed on its line/);
  });

  it('throws on a heredoc without its closing line', () => {
    expect(() => HclExpression.of('<<EOT\nabc\nEOTX')).toThrowErrorMatchingInlineSnapshot(
      `[HclError: Invalid expression: expected a single HCL expression, received "<<EOT\\nabc\\nEOTX", which has a heredoc without its closing "EOT" line.]`,
    );
    expect(() => HclExpression.of('1 << 2')).toThrow(/does not open a heredoc/);
  });

  it('throws on comments, which would swallow what follows the expression', () => {
    expect(() => HclExpression.of('var.a # note')).toThrowErrorMatchingInlineSnapshot(
      `[HclError: Invalid expression: expected a single HCL expression, received "var.a # note", which contains a comment; comments are not supported.]`,
    );
    expect(() => HclExpression.of('var.a // note')).toThrow(/comment/);
    expect(() => HclExpression.of('/* note */ var.a')).toThrow(/comment/);
  });

  it('throws on carriage returns', () => {
    expect(() => HclExpression.of('merge(\r\n  var.a,\r\n)')).toThrow(/carriage return/);
  });

  it('throws on text that is not a string', () => {
    expect(() => HclExpression.of(42 as unknown as string)).toThrowErrorMatchingInlineSnapshot(
      `[HclError: Invalid expression: expected the expression's text as a string, received number.]`,
    );
  });
});
