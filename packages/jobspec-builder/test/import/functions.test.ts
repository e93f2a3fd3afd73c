import { constants, generateKeyPairSync, publicEncrypt } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type FunctionContext,
  HCL_FUNCTIONS,
  type HclData,
  HclFunctionError,
  HclLimitError,
} from '../../src/import/functions';

// Known answers come from the Go tests of the implementations Nomad uses
// (zclconf/go-cty cty/function/stdlib/*_test.go, hashicorp/go-cty-funcs,
// zclconf/go-cty-yaml) and from the function docs Nomad and Terraform share
// (https://developer.hashicorp.com/nomad/docs/reference/hcl2/functions/<group>/<name>
// and https://developer.hashicorp.com/terraform/language/functions/<name>).

let ctx: FunctionContext = { baseDir: '/', allowFs: true };

function call(name: string, ...args: HclData[]): HclData {
  const fn = HCL_FUNCTIONS[name];
  if (!fn) throw new Error(`no function ${name}`);
  return fn(args, ctx);
}

function failure(name: string, ...args: HclData[]): string {
  try {
    call(name, ...args);
  } catch (e) {
    if (e instanceof HclFunctionError) return e.message;
    throw e;
  }
  throw new Error(`${name} did not fail`);
}

type Case = readonly [name: string, args: readonly HclData[], want: HclData];
type ErrorCase = readonly [name: string, args: readonly HclData[], message: string];

function knownAnswers(cases: readonly Case[]): void {
  it.each(cases.map((c) => [c[0], JSON.stringify(c[1]), c] as const))('%s(%s)', (_name, _args, [name, args, want]) => {
    expect(call(name, ...args)).toEqual(want);
  });
}

function errors(cases: readonly ErrorCase[]): void {
  it.each(cases.map((c) => [c[0], JSON.stringify(c[1]), c] as const))(
    '%s(%s) fails',
    (_name, _args, [name, args, message]) => {
      expect(failure(name, ...args)).toBe(message);
    },
  );
}

describe('HCL_FUNCTIONS', () => {
  it("offers Nomad's jobspec2/functions.go list, except try, can and convert (the evaluator's)", () => {
    const nomad = [
      'abs',
      'base64decode',
      'base64encode',
      'bcrypt',
      'can',
      'ceil',
      'chomp',
      'chunklist',
      'cidrhost',
      'cidrnetmask',
      'cidrsubnet',
      'cidrsubnets',
      'coalesce',
      'coalescelist',
      'compact',
      'concat',
      'contains',
      'convert',
      'csvdecode',
      'distinct',
      'element',
      'flatten',
      'floor',
      'format',
      'formatdate',
      'formatlist',
      'indent',
      'index',
      'join',
      'jsondecode',
      'jsonencode',
      'keys',
      'length',
      'log',
      'lookup',
      'lower',
      'max',
      'md5',
      'merge',
      'min',
      'parseint',
      'pow',
      'range',
      'reverse',
      'replace',
      'regex_replace',
      'rsadecrypt',
      'setintersection',
      'setproduct',
      'setunion',
      'sha1',
      'sha256',
      'sha512',
      'signum',
      'slice',
      'sort',
      'split',
      'strlen',
      'strrev',
      'substr',
      'timeadd',
      'title',
      'trim',
      'trimprefix',
      'trimspace',
      'trimsuffix',
      'try',
      'upper',
      'urlencode',
      'uuidv4',
      'uuidv5',
      'values',
      'yamldecode',
      'yamlencode',
      'zipmap',
      'abspath',
      'basename',
      'dirname',
      'file',
      'filebase64',
      'fileexists',
      'fileset',
      'pathexpand',
    ];
    const excluded = ['try', 'can', 'convert'];
    expect(Object.keys(HCL_FUNCTIONS).sort()).toEqual(nomad.filter((n) => !excluded.includes(n)).sort());
  });

  it('reports the expected arity with the parameter names', () => {
    expect(failure('join', ',')).toBe('join: expected at least 2 arguments (separator, lists...), received 1');
    expect(failure('upper')).toBe('upper: expected 1 argument (str), received 0');
    expect(failure('substr', 'a', 1)).toBe('substr: expected 3 arguments (str, offset, length), received 2');
    expect(failure('range')).toBe('range: expected 1 to 3 arguments (params...), received 0');
    expect(failure('uuidv4', 1)).toBe('uuidv4: expected 0 arguments, received 1');
  });

  it('rejects null where cty does not allow it, saying which parameter', () => {
    expect(failure('upper', null)).toBe('upper: invalid value for "str" parameter: argument must not be null');
    expect(failure('join', ',', null)).toBe('join: invalid value for "lists" parameter: argument must not be null');
  });

  it('converts arguments as cty does and says what it received when it cannot', () => {
    expect(call('upper', 5)).toBe('5');
    expect(call('abs', '-3')).toBe(3);
    expect(failure('upper', ['a'])).toBe('upper: invalid value for "str" parameter: string required, received list');
    expect(failure('abs', 'x')).toBe(
      'abs: invalid value for "num" parameter: a number is required, received string "x"',
    );
    expect(failure('abs', true)).toBe('abs: invalid value for "num" parameter: number required, received bool');
  });

  it('refuses a result past its limit before building it, naming the function and the limit', () => {
    expect(() => call('indent', 1e12, 'a\nb')).toThrow(HclLimitError);
    expect(() => call('indent', 1e12, 'a\nb')).toThrow(
      'indent: the result would be 1,000,000,000,003 characters long, more than the limit of 16 Mi',
    );
  });

  it('returns strings in NFC, as cty.StringVal normalizes them', () => {
    expect(call('lower', 'NOE\u0308L')).toBe('noël'.normalize('NFC'));
  });
});

describe('numeric functions', () => {
  knownAnswers([
    // Nomad docs: numeric/abs, ceil, floor, log, pow, signum, parseint, max, min
    ['abs', [23], 23],
    ['abs', [0], 0],
    ['abs', [-12.4], 12.4],
    ['ceil', [5], 5],
    ['ceil', [5.1], 6],
    ['ceil', [-0.5], 0],
    ['floor', [5], 5],
    ['floor', [4.9], 4],
    ['floor', [-5.1], -6],
    ['log', [50, 10], 1.6989700043360185],
    ['log', [16, 2], 4],
    ['log', [1, 10], 0],
    ['pow', [3, 2], 9],
    ['pow', [4, 0], 1],
    ['signum', [-13], -1],
    ['signum', [0], 0],
    ['signum', [344], 1],
    ['parseint', ['100', 10], 100],
    ['parseint', ['FF', 16], 255],
    ['parseint', ['-10', 16], -16],
    ['parseint', ['1011111011101111', 2], 48879],
    ['parseint', ['aA', 62], 656],
    ['max', [12, 54, 3], 54],
    ['min', [12, 54, 3], 3],
    ['max', ['5', 3], 5],
  ]);
  errors([
    ['parseint', ['12', 2], 'parseint: invalid value for "number" parameter: cannot parse "12" as a base 2 integer'],
    [
      'parseint',
      ['0x1F', 16],
      'parseint: invalid value for "number" parameter: cannot parse "0x1F" as a base 16 integer',
    ],
    [
      'parseint',
      [12, 10],
      'parseint: invalid value for "number" parameter: first argument must be a string, not number',
    ],
    [
      'parseint',
      ['1', 1],
      'parseint: invalid value for "base" parameter: base must be a whole number between 2 and 62 inclusive',
    ],
    [
      'signum',
      [0.5],
      'signum: invalid value for "num" parameter: value must be a whole number, between -9223372036854775808 and 9223372036854775807, received 0.5',
    ],
    ['log', [-1, 10], 'log: result is not a number'],
    ['max', [], 'max: expected at least 1 argument (numbers...), received 0'],
  ]);
});

describe('format', () => {
  knownAnswers([
    // Nomad docs: string/format
    ['format', ['Hello, %s!', 'Ander'], 'Hello, Ander!'],
    ['format', ['There are %d lights', 4], 'There are 4 lights'],
    ['format', ['%.2f', 1.23456], '1.23'],
    ['format', ['%q', 'quoted'], '"quoted"'],
    // go-cty stdlib/format_test.go
    ['format', ['100%% successful'], '100% successful'],
    ['format', ['string %[2]v', true, 'hello'], 'string hello'],
    ['format', ['string %#v', 'hello'], 'string "hello"'],
    ['format', ['bool %v', true], 'bool true'],
    ['format', ['object %v', {}], 'object {}'],
    ['format', ['%%%v', false], '%false'],
    ['format', ['%v', null], 'null'],
    ['format', ['This statement is %q', false], 'This statement is "false"'],
    ['format', ['%10s', 'hello'], '     hello'],
    ['format', ['%-10s', 'hello'], 'hello     '],
    ['format', ['%4s', '💃🏿'], '   💃🏿'],
    ['format', ['%-6q', '💃🏿'], '"💃🏿"   '],
    ['format', ['%.2s', 'hello'], 'he'],
    ['format', ['%.5s', '日本語日本語'], '日本語日本'],
    ['format', ['%.1q', '日本語日本語'], '"日"'],
    ['format', ['%6.2q', 'hello'], '  "he"'],
    ['format', ['%q', 'Hello\nWorld'], '"Hello\\nWorld"'],
    ['format', ['This statement is %t', 'false'], 'This statement is false'],
    ['format', ['%+d green bottles', 10], '+10 green bottles'],
    ['format', ['% d green bottles', 10], ' 10 green bottles'],
    ['format', ['%5d|%-5d|', 10, 10], '   10|10   |'],
    ['format', ['%b %o %x %X', 5, 9, 254, 254], '101 11 fe FE'],
    ['format', ['%f things', 10], '10.000000 things'],
    ['format', ['%+f % f', 10, -10], '+10.000000 -10.000000'],
    ['format', ['%f things', '1.00000000000000000000000000000000000001'], '1.000000 things'],
    ['format', ['%.1f things', '1.06'], '1.1 things'],
    ['format', ['%e %E', 1000, 1000], '1.000000e+03 1.000000E+03'],
    ['format', ['%g %G', 1000, '0.00000000000000000000001'], '1000 1E-23'],
    // cty prints a number for %v with big.Float's %g, and never with an exponent for %s
    ['format', ['%v %s', 1000000, 1000000], '1e+06 1000000'],
    ['format', ['%05d %#x %08.3f', -42, 255, 1.23456], '-0042 0xff 0001.235'],
    ['format', ['%.0f %.0f', 0.5, 2.5], '0 2'],
    // Go prints nothing for a zero integer with zero precision, whatever the width
    ['format', ['[%5.0d]', 0], '[]'],
    ['format', ['%v', { b: [1, 'x'], a: null }], '{"a":null,"b":[1,"x"]}'],
  ]);
  errors([
    // go-cty stdlib/format_test.go
    ['format', ['%s', null], 'format: unsupported value for "%s" at 0: null value cannot be formatted'],
    ['format', ['%d green bottles', true], 'format: unsupported value for "%d" at 0: number required'],
    ['format', ['%d', 1.5], 'format: unsupported value for "%d" at 0: an integer is required'],
    ['format', ['%s', [1]], 'format: unsupported value for "%s" at 0: string required'],
    [
      'format',
      ['%s is not in the args list'],
      'format: not enough arguments for "%s" at 0: need index 1 but have 0 total',
    ],
    ['format', ['%[3]s', true, true], 'format: not enough arguments for "%[3]s" at 0: need index 3 but have 2 total'],
    ['format', ['%[0]s', true], "format: unrecognized format character '0' at offset 2"],
    ['format', ['%v %v %v', true, true], 'format: not enough arguments for "%v" at 6: need index 3 but have 2 total'],
    ['format', ['%z', 10], `format: unsupported format verb 'z' in "%z" at offset 0`],
    ['format', ['%012z', 10], `format: unsupported format verb 'z' in "%012z" at offset 0`],
    ['format', ['%☠ is not valid', 10], "format: unrecognized format character '☠' at offset 1"],
    ['format', ['no format verbs at all', 10], 'format: too many arguments; no verbs in format string'],
    ['format', ['only one verb %d', 10, 11], 'format: too many arguments; only 1 used by format string'],
    ['format', ['ends in %'], 'format: invalid format string starting at offset 9'],
    ['format', [null], 'format: invalid value for "format" parameter: argument must not be null'],
  ]);
});

describe('formatlist', () => {
  knownAnswers([
    // Nomad docs: string/formatlist
    [
      'formatlist',
      ['Hello, %s!', ['Valentina', 'Ander', 'Olivia', 'Sam']],
      ['Hello, Valentina!', 'Hello, Ander!', 'Hello, Olivia!', 'Hello, Sam!'],
    ],
    [
      'formatlist',
      ['%s, %s!', 'Salutations', ['Valentina', 'Ander']],
      ['Salutations, Valentina!', 'Salutations, Ander!'],
    ],
    // go-cty stdlib/format_test.go
    ['formatlist', ['100%%'], ['100%']],
    ['formatlist', ['%s %s', ['hello', 'goodbye'], ['world', 'universe']], ['hello world', 'goodbye universe']],
    ['formatlist', ['%v', []], []],
  ]);
  errors([
    [
      'formatlist',
      ['%s %s', ['hello', 'goodbye'], ['world']],
      'formatlist: invalid value for "args" parameter: argument 2 has length 1, which is inconsistent with argument 1 of length 2',
    ],
    [
      'formatlist',
      ['%s', {}],
      'formatlist: error on format iteration 0: unsupported value for "%s" at 0: string required',
    ],
  ]);
});

describe('string functions', () => {
  knownAnswers([
    // Nomad docs: string/chomp, indent, join, lower, upper, replace, regex_replace, split
    ['chomp', ['hello\n'], 'hello'],
    ['chomp', ['hello\r\n'], 'hello'],
    ['chomp', ['hello\n\n'], 'hello'],
    ['indent', [2, '[\n  foo,\n  bar,\n]\n'], '[\n    foo,\n    bar,\n  ]\n  '],
    ['join', [', ', ['foo', 'bar', 'baz']], 'foo, bar, baz'],
    ['join', [', ', ['foo']], 'foo'],
    ['join', ['-', ['a', 1, true], ['b']], 'a-1-true-b'],
    ['lower', ['HELLO'], 'hello'],
    ['lower', ['АЛЛО!'], 'алло!'],
    ['upper', ['hello'], 'HELLO'],
    ['upper', ['алло!'], 'АЛЛО!'],
    // Go's unicode.ToUpper maps rune to rune: no "SS" for ß; and Σ lowers to σ even at the end of a word
    ['upper', ['straße ǆ'], 'STRAßE Ǆ'],
    ['lower', ['ΟΔΥΣΣΕΥΣ İ'], 'οδυσσευσ i'],
    ['replace', ['1 + 2 + 3', '+', '-'], '1 - 2 - 3'],
    ['replace', ['hello world', 'world', 'everybody'], 'hello everybody'],
    // Nomad uses cty's plain ReplaceFunc: slashes do not make a regular expression (that is regex_replace)
    ['replace', ['hello world', '/w.*d/', 'everybody'], 'hello world'],
    ['replace', ['abc', '', '-'], '-a-b-c-'],
    ['regex_replace', ['hello world', 'world', 'everybody'], 'hello everybody'],
    ['regex_replace', ['hello world', 'w.*d', 'everybody'], 'hello everybody'],
    ['regex_replace', ['-ab-axxb-', 'a(x*)b', '$1W'], '---'],
    ['regex_replace', ['-ab-axxb-', 'a(x*)b', '${1}W'], '-W-xxW-'],
    // Go's ReplaceAll skips an empty match right after a match, where JavaScript's replace does not
    ['regex_replace', ['baaac', 'a*', '-'], '-b-c-'],
    ['regex_replace', ['Hello', '(?i)h(?P<rest>.*)', 'J${rest}'], 'Jello'],
    ['regex_replace', ['a.b.c', '\\.', '$$'], 'a$b$c'],
    ['regex_replace', ['x{y', 'x{', 'z'], 'zy'],
    ['regex_replace', ['a1b22', '[[:digit:]]+', '#'], 'a#b#'],
    ['regex_replace', ['line1\nline2', '^line', 'L'], 'L1\nline2'],
    ['regex_replace', ['line1\nline2', '(?m)^line', 'L'], 'L1\nL2'],
    ['split', [',', 'foo'], ['foo']],
    ['split', [',', 'foo,bar,baz'], ['foo', 'bar', 'baz']],
    ['split', [',', ''], ['']],
    ['split', ['', 'abc'], ['a', 'b', 'c']],
    // Nomad docs: string/strlen, strrev, substr, title, trim*
    ['strlen', ['hello'], 5],
    // go-cty stdlib/string_test.go
    ['strlen', [''], 0],
    ['strlen', ['Живой Журнал'], 12],
    ['strlen', ['noe\u0308l'], 4],
    ['strlen', ['wé́́é́́é́́!'], 5],
    ['strlen', ['baﬄe'], 4],
    ['strlen', ['😸😾'], 2],
    ['strrev', ['hello'], 'olleh'],
    ['strrev', ['a ☃'], '☃ a'],
    ['strrev', ['wé́́é́́é́́!'], '!é́́é́́é́́w'],
    ['strrev', ['😸😾'], '😾😸'],
    // Nomad binds "reverse" to the same string function as strrev
    ['reverse', ['hello'], 'olleh'],
    ['substr', ['hello world', 1, 4], 'ello'],
    ['substr', ['🤔🤷', 0, 1], '🤔'],
    ['substr', ['hello world', -5, -1], 'world'],
    ['substr', ['hello', 0, 2], 'he'],
    ['substr', ['hello', 1, -10], 'ello'],
    ['substr', ['hello', 1, 10], 'ello'],
    ['substr', ['hello', -3, -1], 'llo'],
    ['substr', ['hello', -3, 2], 'll'],
    ['substr', ['hello', 10, 10], ''],
    ['substr', ['noe\u0308l', 0, 3], 'noë'],
    ['substr', ['wé́́é́́é́́!', 3, 2], 'é́́!'],
    ['substr', ['😸😾', 1, 1], '😾'],
    // cty quirks: a too-negative offset starts at 0; length 0 after a negative offset takes the rest
    ['substr', ['hello', -10, 2], 'he'],
    ['substr', ['hello', -3, 0], 'llo'],
    ['substr', ['hello', 2, 0], ''],
    ['title', ['hello world'], 'Hello World'],
    // strings.Title: letters after any non-letter start a word
    ['title', ["don't stop-me_now"], "Don'T Stop-Me_now"],
    ['title', ['ǆemal'], 'ǅemal'],
    ['trim', ['?!hello?!', '!?'], 'hello'],
    ['trim', ['foobar', 'far'], 'oob'],
    ['trim', ['   hello! world.!  ', '! '], 'hello! world.'],
    ['trimprefix', ['helloworld', 'hello'], 'world'],
    ['trimprefix', ['helloworld', 'cat'], 'helloworld'],
    ['trimspace', ['  hello\n\n'], 'hello'],
    ['trimspace', ['\u00a0\u3000x\u0085'], 'x'],
    ['trimspace', ['\ufeffx'], '\ufeffx'],
    ['trimsuffix', ['helloworld', 'world'], 'hello'],
    ['trimsuffix', ['helloworld', ''], 'helloworld'],
  ]);
  errors([
    ['join', [',', ['a', null]], 'join: element 1 is null; cannot concatenate null values'],
    ['join', [',', ['a'], ['b', null]], 'join: element 1 of list 2 is null; cannot concatenate null values'],
    ['join', [',', [['a']]], 'join: invalid value for "lists" parameter: element 0: string required, received list'],
    [
      'join',
      [',', 'a'],
      'join: invalid value for "lists" parameter: a list, tuple or set is required, received string',
    ],
    ['reverse', [[1, 2]], 'reverse: invalid value for "str" parameter: string required, received list'],
    [
      'regex_replace',
      ['abc', '\\1', 'x'],
      'regex_replace: invalid value for "pattern" parameter: error parsing regexp: invalid escape sequence: `\\1`',
    ],
    [
      'regex_replace',
      ['abc', '(?=a)', 'x'],
      'regex_replace: invalid value for "pattern" parameter: error parsing regexp: invalid or unsupported Perl syntax: `(?=`',
    ],
    [
      'regex_replace',
      ['abc', '[a', 'x'],
      'regex_replace: invalid value for "pattern" parameter: error parsing regexp: missing closing ]: `[a`',
    ],
    [
      'indent',
      [-1, 'a'],
      'indent: invalid value for "spaces" parameter: a negative number of spaces is not allowed, received -1',
    ],
    [
      'substr',
      ['hello', 1.5, 1],
      'substr: invalid value for "offset" parameter: value must be a whole number, between -9223372036854775808 and 9223372036854775807, received 1.5',
    ],
  ]);
});

describe('collection functions', () => {
  knownAnswers([
    // Nomad docs: collection/*
    ['chunklist', [['a', 'b', 'c', 'd', 'e'], 2], [['a', 'b'], ['c', 'd'], ['e']]],
    ['chunklist', [['a', 'b', 'c', 'd', 'e'], 1], [['a'], ['b'], ['c'], ['d'], ['e']]],
    ['chunklist', [['a', 'b'], 0], [['a', 'b']]],
    ['chunklist', [[], 3], []],
    ['coalesce', ['a', 'b'], 'a'],
    ['coalesce', [1, 2], 1],
    // cty's CoalesceFunc skips only nulls (Terraform's own coalesce also skips ""), and converts to the common type
    ['coalesce', ['', 'b'], ''],
    ['coalesce', [null, 'b'], 'b'],
    ['coalesce', [1, 'a'], '1'],
    [
      'coalescelist',
      [
        ['a', 'b'],
        ['c', 'd'],
      ],
      ['a', 'b'],
    ],
    ['coalescelist', [[], ['c', 'd']], ['c', 'd']],
    ['compact', [['a', '', 'b', null, 'c']], ['a', 'b', 'c']],
    [
      'concat',
      [
        ['a', ''],
        ['b', 'c'],
      ],
      ['a', '', 'b', 'c'],
    ],
    ['contains', [['a', 'b', 'c'], 'a'], true],
    ['contains', [['a', 'b', 'c'], 'd'], false],
    ['contains', [['1'], 1], false],
    ['contains', [[{ a: [1] }], { a: [1] }], true],
    ['distinct', [['a', 'b', 'a', 'c', 'd', 'b']], ['a', 'b', 'c', 'd']],
    ['distinct', [['1', 1]], ['1']],
    ['element', [['a', 'b', 'c'], 1], 'b'],
    ['element', [['a', 'b', 'c'], 3], 'a'],
    ['flatten', [[['a', 'b'], [], ['c']]], ['a', 'b', 'c']],
    ['flatten', [[[['a', 'b'], []], ['c']]], ['a', 'b', 'c']],
    // Nomad's "index" is cty's IndexFunc: the element at a key (Terraform's index finds a value's position)
    ['index', [['a', 'b', 'c'], 1], 'b'],
    ['index', [{ a: 1 }, 'a'], 1],
    ['keys', [{ a: 1, c: 2, d: 3 }], ['a', 'c', 'd']],
    ['keys', [{ b: 1, a: 2, 10: 3, 9: 4 }], ['10', '9', 'a', 'b']],
    ['length', [[]], 0],
    ['length', [['a', 'b']], 2],
    ['length', [{ a: 'b' }], 1],
    ['lookup', [{ a: 'ay', b: 'bee' }, 'a', 'what?'], 'ay'],
    ['lookup', [{ a: 'ay', b: 'bee' }, 'c', 'what?'], 'what?'],
    [
      'merge',
      [
        { a: 'b', c: 'd' },
        { e: 'f', c: 'z' },
      ],
      { a: 'b', c: 'z', e: 'f' },
    ],
    ['merge', [{ a: 'b' }, { e: [1, 2] }], { a: 'b', e: [1, 2] }],
    ['merge', [], {}],
    ['merge', [null, { a: 1 }], { a: 1 }],
    ['range', [3], [0, 1, 2]],
    ['range', [1, 4], [1, 2, 3]],
    ['range', [1, 8, 2], [1, 3, 5, 7]],
    ['range', [1, 4, 0.5], [1, 1.5, 2, 2.5, 3, 3.5]],
    ['range', [4, 1], [4, 3, 2]],
    ['range', [10, 5, -2], [10, 8, 6]],
    ['range', [-3], [0, -1, -2]],
    ['range', [0], []],
    [
      'setintersection',
      [
        ['a', 'b'],
        ['b', 'c'],
        ['b', 'd'],
      ],
      ['b'],
    ],
    [
      'setproduct',
      [
        ['development', 'staging', 'production'],
        ['app1', 'app2'],
      ],
      [
        ['development', 'app1'],
        ['development', 'app2'],
        ['staging', 'app1'],
        ['staging', 'app2'],
        ['production', 'app1'],
        ['production', 'app2'],
      ],
    ],
    ['setproduct', [['foo', 'bar'], []], []],
    ['setunion', [['a', 'b'], ['b', 'c'], ['d']], ['a', 'b', 'c', 'd']],
    // set element types unify: a number among strings becomes a string; cty orders string sets lexically
    ['setunion', [['b', 'a'], [1]], ['1', 'a', 'b']],
    [
      'setunion',
      [
        [3, 1],
        [2, 1],
      ],
      [1, 2, 3],
    ],
    ['setunion', [['a'], [true]], ['a', 'true']],
    ['slice', [['a', 'b', 'c', 'd'], 1, 3], ['b', 'c']],
    ['slice', [['a'], 1, 1], []],
    ['sort', [['e', 'd', 'a', 'x']], ['a', 'd', 'e', 'x']],
    // sort is lexical over strings: numbers become strings first
    ['sort', [[3, 10, 1]], ['1', '10', '3']],
    ['values', [{ a: 3, c: 2, d: 1 }], [3, 2, 1]],
    [
      'zipmap',
      [
        ['a', 'b'],
        [1, 2],
      ],
      { a: 1, b: 2 },
    ],
    [
      'zipmap',
      [
        ['a', 'b'],
        [1, 2],
      ],
      { a: 1, b: 2 },
    ],
    [
      'zipmap',
      [
        ['a', 'a'],
        [1, 2],
      ],
      { a: 2 },
    ],
  ]);
  errors([
    [
      'chunklist',
      [['a'], -1],
      'chunklist: invalid value for "size" parameter: the size argument must be positive, received -1',
    ],
    [
      'chunklist',
      [[1, true], 1],
      'chunklist: invalid value for "list" parameter: all elements must have the same type',
    ],
    ['coalesce', [1, true], 'coalesce: all arguments must have the same type, received number, bool'],
    ['coalesce', [null], 'coalesce: no non-null arguments'],
    ['coalescelist', [[], []], 'coalescelist: no non-null arguments'],
    [
      'coalescelist',
      ['x'],
      'coalescelist: invalid value for "vals" parameter: coalescelist arguments must be lists or tuples, received string',
    ],
    [
      'concat',
      [['a'], 'b'],
      'concat: invalid value for "seqs" parameter: all arguments must be lists or tuples; got string',
    ],
    [
      'contains',
      ['abc', 'a'],
      'contains: invalid value for "list" parameter: argument must be list, tuple, or set, received string',
    ],
    [
      'element',
      [['a'], -1],
      'element: invalid value for "index" parameter: cannot use element function with a negative index',
    ],
    ['element', [[], 0], 'element: invalid value for "list" parameter: cannot use element function with an empty list'],
    ['element', [{ a: 1 }, 0], 'element: invalid value for "list" parameter: cannot read elements from object'],
    [
      'flatten',
      ['a'],
      'flatten: invalid value for "list" parameter: can only flatten lists, sets and tuples, received string',
    ],
    [
      'index',
      [['a', 'b'], 'b'],
      'index: invalid value for "key" parameter: key for tuple must be number, received string',
    ],
    ['index', [['a'], 5], 'index: invalid value for "key" parameter: key must be between 0 and 1 inclusive'],
    ['index', [{ a: 1 }, 'b'], 'index: invalid index "b"'],
    ['keys', [['a']], 'keys: invalid value for "inputMap" parameter: must have map or object type, received list'],
    // cty's LengthFunc takes collections only; strlen counts characters
    [
      'length',
      ['abc'],
      'length: invalid value for "collection" parameter: collection must be a list, a map or a tuple, received string (use strlen for a string)',
    ],
    ['lookup', [{ a: 1 }, 'a'], 'lookup: expected 3 arguments (inputMap, key, default), received 2'],
    ['lookup', [['a'], 'a', 'x'], 'lookup: lookup() requires a map as the first argument, received list'],
    [
      'merge',
      [{ a: 1 }, ['b']],
      'merge: invalid value for "maps" parameter: arguments must be maps or objects, got "list"',
    ],
    [
      'range',
      [0, 2000],
      'range: more than 1024 values were generated; either decrease the difference between start and end or use a smaller step',
    ],
    ['range', [1, 4, 0], 'range: invalid value for "params" parameter: step must not be zero'],
    [
      'range',
      [4, 1, 1],
      'range: invalid value for "params" parameter: end must be greater than start when step is positive',
    ],
    [
      'range',
      [1, 4, -1],
      'range: invalid value for "params" parameter: end must be less than start when step is negative',
    ],
    ['setproduct', [['a']], 'setproduct: expected at least 2 arguments (sets...), received 1'],
    ['setunion', [[1], [true]], 'setunion: given sets must all have compatible element types'],
    [
      'slice',
      [['a'], 2, 2],
      'slice: invalid value for "start_index" parameter: start index must not be greater than the length of the list',
    ],
    [
      'slice',
      [['a', 'b'], 1, 0],
      'slice: invalid value for "start_index" parameter: start index must not be greater than end index',
    ],
    [
      'slice',
      [['a', 'b'], -1, 1],
      'slice: invalid value for "start_index" parameter: start index must not be less than zero',
    ],
    ['sort', [['a', null]], 'sort: given list element 1 is null; a null string cannot be sorted'],
    ['values', ['a'], 'values: values() requires a map as the first argument, received string'],
    ['zipmap', [['a', 'b'], [1]], 'zipmap: number of keys (2) does not match number of values (1)'],
  ]);
});

describe('encoding functions', () => {
  knownAnswers([
    // Nomad docs: encoding/*
    ['base64encode', ['Hello World'], 'SGVsbG8gV29ybGQ='],
    ['base64decode', ['SGVsbG8gV29ybGQ='], 'Hello World'],
    ['base64decode', ['SGVs\nbG8='], 'Hello'],
    ['urlencode', ['Hello World!'], 'Hello+World%21'],
    ['urlencode', ['☃'], '%E2%98%83'],
    ['urlencode', ['foo:bar@localhost?foo=bar&bar=baz'], 'foo%3Abar%40localhost%3Ffoo%3Dbar%26bar%3Dbaz'],
    [
      'csvdecode',
      ['a,b,c\n1,2,3\n4,5,6'],
      [
        { a: '1', b: '2', c: '3' },
        { a: '4', b: '5', c: '6' },
      ],
    ],
    ['csvdecode', ['a,b\n"x, ""y""",2\n'], [{ a: 'x, "y"', b: '2' }]],
    ['csvdecode', ['a,b\r\n\r\n1,2\r\n'], [{ a: '1', b: '2' }]],
    ['csvdecode', ['a,b\n'], []],
    ['jsondecode', ['{"hello": "world"}'], { hello: 'world' }],
    ['jsondecode', ['true'], true],
    ['jsondecode', ['[1, 2.5, null, "\\u00e9"]'], [1, 2.5, null, 'é']],
    ['jsonencode', [{ hello: 'world' }], '{"hello":"world"}'],
    ['jsonencode', [null], 'null'],
    // cty writes numbers without exponent, sorts keys, and escapes HTML characters as Go's json.Marshal does
    [
      'jsonencode',
      [{ b: 1e21, a: 0.1, c: 1e-7, d: '<&>' }],
      '{"a":0.1,"b":1000000000000000000000,"c":0.0000001,"d":"\\u003c\\u0026\\u003e"}',
    ],
    ['jsonencode', [['\u2028', '\u0001', '\t']], '["\\u2028","\\u0001","\\t"]'],
  ]);
  errors([
    ['base64decode', ['SGVsbG8gV29ybGQ'], "base64decode: failed to decode base64 data 'SGVsbG8gV29ybGQ'"],
    ['base64decode', ['/w=='], 'base64decode: the result of decoding the the provided string is not valid UTF-8'],
    // go-cty stdlib/csv_test.go
    ['csvdecode', ['a,b\n1'], 'csvdecode: CSV parse error on line 2: wrong number of fields'],
    ['csvdecode', [''], 'csvdecode: missing header line'],
    ['csvdecode', ['a,a\n1,2'], 'csvdecode: duplicate column name "a"'],
    ['csvdecode', ['a\n"b'], 'csvdecode: CSV parse error on line 2: extraneous or missing " in quoted-field'],
    ['csvdecode', ['a\nb"c'], 'csvdecode: CSV parse error on line 2: bare " in non-quoted-field'],
    // go-cty json/type_implied_test.go messages
    [
      'jsondecode',
      ['{"a": "hello", "a": true}'],
      'jsondecode: invalid value for "str" parameter: duplicate "a" property in JSON object',
    ],
    ['jsondecode', ['{}boop'], 'jsondecode: invalid value for "str" parameter: extraneous data after JSON object'],
    [
      'jsondecode',
      ['[!]'],
      `jsondecode: invalid value for "str" parameter: invalid character '!' looking for beginning of value`,
    ],
    ['jsondecode', ['[1,'], 'jsondecode: invalid value for "str" parameter: unexpected EOF'],
    [
      'jsondecode',
      ['[1, tru]'],
      `jsondecode: invalid value for "str" parameter: invalid character ']' in literal true (expecting 'e')`,
    ],
  ]);
});

describe('yamldecode and yamlencode', () => {
  knownAnswers([
    // zclconf/go-cty-yaml decode_test.go
    ['yamldecode', ['"hello"'], 'hello'],
    ['yamldecode', ['|\n  hello\n  world'], 'hello\nworld\n'],
    ['yamldecode', ['>\n  hello\n  world'], 'hello world\n'],
    ['yamldecode', ['!!str true'], 'true'],
    ['yamldecode', ['yes'], true],
    ['yamldecode', ['.5'], 0.5],
    ['yamldecode', ['-12'], -12],
    ['yamldecode', ['+Inf'], Number.POSITIVE_INFINITY],
    ['yamldecode', ['2006-1-2'], '2006-01-02T00:00:00Z'],
    ['yamldecode', ['!!binary aGVsbG8='], 'aGVsbG8='],
    ['yamldecode', ['null'], null],
    ['yamldecode', ['{a: 1, b: true}'], { a: 1, b: true }],
    ['yamldecode', ['\na: 1\nb:\n  - foo\n  - <<\n  - baz\n'], { a: 1, b: ['foo', '<<', 'baz'] }],
    ['yamldecode', ['\nfoo: &bar\n  a: b\nbar:\n  <<: *bar\n  c: d\n'], { foo: { a: 'b' }, bar: { a: 'b', c: 'd' } }],
    ['yamldecode', ['\n- &foo a\n- b\n- *foo\n'], ['a', 'b', 'a']],
    // quoted scalars stay strings; hex needs an explicit !!int; keys become strings
    ['yamldecode', ["'123'"], '123'],
    ['yamldecode', ['0x1F'], '0x1F'],
    ['yamldecode', ['!!int 0x1F'], 31],
    ['yamldecode', ['1: one\ntrue: yes'], { 1: 'one', true: true }],
    ['yamldecode', ['2001-12-14t21:59:43.10-05:00'], '2001-12-14T21:59:43-05:00'],
    ['yamldecode', ['0b101'], 5],
    // zclconf/go-cty-yaml encode_test.go and the Nomad docs (encoding/yamlencode)
    ['yamlencode', [true], 'true\n...\n'],
    ['yamlencode', [''], '""\n'],
    ['yamlencode', ['hello'], '"hello"\n'],
    ['yamlencode', ['hello\nworld'], '|-\n  hello\n  world\n'],
    ['yamlencode', [0], '0\n...\n'],
    ['yamlencode', [null], 'null\n...\n'],
    ['yamlencode', [{}], '{}\n'],
    ['yamlencode', [[]], '[]\n'],
    ['yamlencode', [['b']], '- "b"\n'],
    ['yamlencode', [{ a: 'b', c: 'd' }], '"a": "b"\n"c": "d"\n'],
    ['yamlencode', [{ foo: [1, 2, 3], bar: 'baz' }], '"bar": "baz"\n"foo":\n- 1\n- 2\n- 3\n'],
    [
      'yamlencode',
      [{ foo: [1, { a: 'b', c: 'd' }, 3], bar: 'baz' }],
      '"bar": "baz"\n"foo":\n- 1\n- "a": "b"\n  "c": "d"\n- 3\n',
    ],
    ['yamlencode', [{ a: {}, c: { d: [[1, 2], 'x'] } }], '"a": {}\n"c":\n  "d":\n  - - 1\n    - 2\n  - "x"\n'],
    ['yamlencode', [{ text: 'line1\nline2\n' }], '"text": |\n  line1\n  line2\n'],
    // libyaml escapes tabs and characters outside the BMP in double quotes, and folds at column 80
    ['yamlencode', [{ s: 'tab\there 😀' }], '"s": "tab\\there \\U0001F600"\n'],
    [
      'yamlencode',
      [
        {
          long: 'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore.',
        },
      ],
      '"long": "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor\n  incididunt ut labore."\n',
    ],
  ]);
  errors([
    [
      'yamldecode',
      ['!!bool bananas'],
      'yamldecode: on line 0, column 1: cannot parse "bananas" as tag:yaml.org,2002:bool',
    ],
    ['yamldecode', ['.NaN'], 'yamldecode: on line 0, column 1: floating point NaN is not supported'],
    ['yamldecode', ['!!nope foo'], 'yamldecode: on line 0, column 1: unsupported tag "tag:yaml.org,2002:nope"'],
    [
      'yamldecode',
      ['\nfoo: &bar\n  - x\n  - *bar\n'],
      'yamldecode: on line 3, column 5: cannot refer to anchor "bar" from inside its own definition',
    ],
    ['yamldecode', ['a: 1\n---\nb: 2\n'], 'yamldecode: on line 1, column 1: only a single document is allowed'],
    ['yamldecode', [''], 'yamldecode: on line 1, column 1: missing start of document'],
    ['yamldecode', [': v\n'], 'yamldecode: on line 0, column 1: mapping key cannot be null'],
    ['yamldecode', ['[a]: b'], 'yamldecode: on line 0, column 1: only strings are allowed as mapping keys'],
  ]);
});

describe('hash and crypto functions', () => {
  knownAnswers([
    // Nomad docs: crypto/md5, sha1, sha256, sha512
    ['md5', ['hello world'], '5eb63bbbe01eeed093cb22bb8f5acdc3'],
    ['sha1', ['hello world'], '2aae6c35c94fcfb415dbe95f408b9ce91ee846ed'],
    ['sha256', ['hello world'], 'b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9'],
    [
      'sha512',
      ['hello world'],
      '309ecc489c12d6eb4cc40f50c902f2b4d0ed77ee511a7c7a9bcd3ca86d4cd86f989dd35bc5ff499670da34255b45b0cfd830e81f605dcf7dc5542e93ae9cd76f',
    ],
    // Terraform docs: uuidv5
    ['uuidv5', ['dns', 'www.terraform.io'], 'a5008fae-b28c-5ba5-96cd-82b4c53552d6'],
    ['uuidv5', ['url', 'https://www.terraform.io/'], '9db6f67c-dd95-5ea0-aa5b-e70e5c5f7cf5'],
    ['uuidv5', ['oid', '1.3.6.1.4'], 'af9d40a5-7a36-5c07-b23a-851cd99fbfa5'],
    ['uuidv5', ['x500', 'CN=Terraform,O=HashiCorp,C=US'], '59dd9d5c-92a7-55eb-affd-74f3dbac9e23'],
    ['uuidv5', ['6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'www.terraform.io'], 'a5008fae-b28c-5ba5-96cd-82b4c53552d6'],
  ]);
  errors([
    [
      'uuidv5',
      ['tada', 'x'],
      `uuidv5: invalid value for "namespace" parameter: uuidv5() doesn't support namespace tada (invalid UUID length: 4)`,
    ],
  ]);

  it('uuidv4 returns a random version 4 UUID', () => {
    expect(call('uuidv4')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(call('uuidv4')).not.toBe(call('uuidv4'));
  });

  it('rsadecrypt decrypts PKCS #1 v1.5 ciphertext with a PEM PKCS #1 key', () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    const encrypt = (text: string): string =>
      publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_PADDING }, Buffer.from(text)).toString('base64');
    expect(call('rsadecrypt', encrypt('Hello, World!'), pem)).toBe('Hello, World!');
    expect(failure('rsadecrypt', 'abc', pem)).toBe(
      'rsadecrypt: failed to decode input "abc": cipher text must be base64-encoded',
    );
    expect(failure('rsadecrypt', encrypt('x'), 'no key')).toBe('rsadecrypt: failed to parse key: no key found');
    const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(failure('rsadecrypt', encrypt('x'), pkcs8)).toBe(
      'rsadecrypt: x509: failed to parse private key (use ParsePKCS8PrivateKey instead for this key format)',
    );
    expect(failure('rsadecrypt', Buffer.alloc(256, 1).toString('base64'), pem)).toBe(
      'rsadecrypt: crypto/rsa: decryption error',
    );
  });
});

describe('IP network functions', () => {
  knownAnswers([
    // Nomad docs: ipnet/cidrhost, cidrnetmask, cidrsubnet, cidrsubnets
    ['cidrhost', ['10.12.112.0/20', 16], '10.12.112.16'],
    ['cidrhost', ['10.12.112.0/20', 268], '10.12.113.12'],
    ['cidrhost', ['fd00:fd12:3456:7890:00a2::/72', 34], 'fd00:fd12:3456:7890::22'],
    // go-cty-funcs cidr/host_test.go: negative numbers count back from the end
    ['cidrhost', ['192.168.1.0/24', -5], '192.168.1.251'],
    ['cidrhost', ['192.168.1.0/24', -256], '192.168.1.0'],
    ['cidrnetmask', ['172.16.0.0/12'], '255.240.0.0'],
    ['cidrnetmask', ['fd00::/64'], 'ffff:ffff:ffff:ffff::'],
    ['cidrsubnet', ['172.16.0.0/12', 4, 2], '172.18.0.0/16'],
    ['cidrsubnet', ['10.1.2.0/24', 4, 15], '10.1.2.240/28'],
    ['cidrsubnet', ['fd00:fd12:3456:7890::/56', 16, 162], 'fd00:fd12:3456:7800:a200::/72'],
    ['cidrsubnets', ['10.1.0.0/16', 4, 4, 8, 4], ['10.1.0.0/20', '10.1.16.0/20', '10.1.32.0/24', '10.1.48.0/20']],
    [
      'cidrsubnets',
      ['fd00:fd12:3456:7890::/56', 16, 16, 16, 32],
      [
        'fd00:fd12:3456:7800::/72',
        'fd00:fd12:3456:7800:100::/72',
        'fd00:fd12:3456:7800:200::/72',
        'fd00:fd12:3456:7800:300::/88',
      ],
    ],
    ['cidrsubnets', ['10.0.0.0/8'], []],
  ]);
  errors([
    ['cidrhost', ['192.168.1.0/24', 256], 'cidrhost: prefix of 24 does not accommodate a host numbered 256'],
    ['cidrhost', ['1.2.3.4/33', 1], 'cidrhost: invalid CIDR expression: invalid CIDR address: 1.2.3.4/33'],
    ['cidrhost', ['010.0.0.0/8', 1], 'cidrhost: invalid CIDR expression: invalid CIDR address: 010.0.0.0/8'],
    ['cidrnetmask', ['not-a-cidr'], 'cidrnetmask: invalid CIDR expression: invalid CIDR address: not-a-cidr'],
    [
      'cidrsubnet',
      ['10.0.0.0/24', 4, 16],
      'cidrsubnet: prefix extension of 4 does not accommodate a subnet numbered 16',
    ],
    ['cidrsubnet', ['10.0.0.0/30', 3, 0], 'cidrsubnet: insufficient address space to extend prefix of 30 by 3'],
    [
      'cidrsubnet',
      ['fd00::/56', 33, 0],
      'cidrsubnet: invalid value for "newbits" parameter: may not extend prefix by more than 32 bits',
    ],
    [
      'cidrsubnets',
      ['10.0.0.0/30', 1, 1, 1],
      'cidrsubnets: invalid value for "newbits" parameter: not enough remaining address space for a subnet with a prefix of 31 bits after 10.0.0.2/31',
    ],
    [
      'cidrsubnets',
      ['10.0.0.0/24', 0],
      'cidrsubnets: invalid value for "newbits" parameter: must extend prefix by at least one bit',
    ],
    [
      'cidrsubnets',
      ['10.0.0.0/24', 9],
      'cidrsubnets: invalid value for "newbits" parameter: would extend prefix to 33 bits, which is too long for an IPv4 address',
    ],
  ]);
});

describe('date and time functions', () => {
  knownAnswers([
    // Nomad docs: datetime/formatdate
    ['formatdate', ['DD MMM YYYY hh:mm ZZZ', '2018-01-02T23:12:01Z'], '02 Jan 2018 23:12 UTC'],
    ['formatdate', ['EEEE, DD-MMM-YY hh:mm:ss ZZZ', '2018-01-02T23:12:01Z'], 'Tuesday, 02-Jan-18 23:12:01 UTC'],
    ['formatdate', ['EEE, DD MMM YYYY hh:mm:ss ZZZ', '2018-01-02T23:12:01-08:00'], 'Tue, 02 Jan 2018 23:12:01 -0800'],
    ['formatdate', ['MMM DD, YYYY', '2018-01-02T23:12:01Z'], 'Jan 02, 2018'],
    ['formatdate', ['HH:mmaa', '2018-01-02T23:12:01Z'], '11:12pm'],
    // go-cty stdlib/datetime_test.go
    ['formatdate', ['YYYY-MM-DD', '2006-01-02T15:04:05Z'], '2006-01-02'],
    ['formatdate', ["EEE, MMM D ''YY", '2006-01-02T15:04:05Z'], "Mon, Jan 2 '06"],
    ['formatdate', ["H 'o''clock' AA", '2006-01-02T15:04:05Z'], "3 o'clock PM"],
    ['formatdate', ['hh:mm:ssZZZZ', '2006-01-02T15:04:05Z'], '15:04:05+0000'],
    ['formatdate', ['hh:mm:ssZZZZZ', '2006-01-02T15:04:05Z'], '15:04:05+00:00'],
    ['formatdate', ["YYYY-MM-DD'T'hh:mm:ssZ", '2006-01-02T15:04:05Z'], '2006-01-02T15:04:05Z'],
    ['formatdate', ['MMMM EEEE aa', '2006-01-02T15:04:05Z'], 'January Monday pm'],
    ['formatdate', ['', '2006-01-02T15:04:05Z'], ''],
    // Nomad docs: datetime/timeadd
    ['timeadd', ['2017-11-22T00:00:00Z', '10m'], '2017-11-22T00:10:00Z'],
    ['timeadd', ['2017-11-22T00:00:00Z', '-1h30m'], '2017-11-21T22:30:00Z'],
    ['timeadd', ['2017-11-22T00:00:00+05:30', '1.5h'], '2017-11-22T01:30:00+05:30'],
    ['timeadd', ['2020-02-28T23:00:00+00:00', '2h'], '2020-02-29T01:00:00Z'],
    ['timeadd', ['2017-11-22T00:00:00.999Z', '1ms'], '2017-11-22T00:00:01Z'],
  ]);
  errors([
    [
      'formatdate',
      ['Y', '2006-01-02T15:04:05Z'],
      'formatdate: invalid value for "format" parameter: invalid date format verb "Y": year must either be "YY" or "YYYY"',
    ],
    [
      'formatdate',
      ['A', '2006-01-02T15:04:05Z'],
      'formatdate: invalid value for "format" parameter: invalid date format verb "A": must be "AA"',
    ],
    [
      'formatdate',
      ["'blah blah", '2006-01-02T15:04:05Z'],
      'formatdate: invalid value for "format" parameter: unterminated literal \'',
    ],
    [
      'formatdate',
      ['', ''],
      'formatdate: invalid value for "time" parameter: not a valid RFC3339 timestamp: end of string before year',
    ],
    [
      'formatdate',
      ['', '2017-01-02'],
      'formatdate: invalid value for "time" parameter: not a valid RFC3339 timestamp: missing required time introducer \'T\'',
    ],
    [
      'formatdate',
      ['', '2017:01:02'],
      'formatdate: invalid value for "time" parameter: not a valid RFC3339 timestamp: found ":01:02" where "-" is expected',
    ],
    [
      'formatdate',
      ['', '2017-01-02T00'],
      'formatdate: invalid value for "time" parameter: not a valid RFC3339 timestamp: end of string where ":" is expected',
    ],
    [
      'formatdate',
      ['', '2017-01-02T00:00:00'],
      'formatdate: invalid value for "time" parameter: not a valid RFC3339 timestamp: end of string before UTC offset',
    ],
    [
      'formatdate',
      ['', '2017-01-02T26:00:00Z'],
      'formatdate: invalid value for "time" parameter: not a valid RFC3339 timestamp: cannot use ":00:00Z" as hour',
    ],
    [
      'formatdate',
      ['', '2017-13-02T00:00:00Z'],
      'formatdate: invalid value for "time" parameter: not a valid RFC3339 timestamp: cannot use "-02T00:00:00Z" as month',
    ],
    [
      'formatdate',
      ['', '2017-02-31T00:00:00Z'],
      'formatdate: invalid value for "time" parameter: not a valid RFC3339 timestamp: day out of range',
    ],
    [
      'formatdate',
      ['', '2-12-02T00:00:00Z'],
      'formatdate: invalid value for "time" parameter: not a valid RFC3339 timestamp: cannot use "-02T00:00:00Z" as year',
    ],
    ['timeadd', ['2017-11-22T00:00:00Z', '1d'], 'timeadd: time: unknown unit "d" in duration "1d"'],
    ['timeadd', ['2017-11-22T00:00:00Z', '1'], 'timeadd: time: missing unit in duration "1"'],
    ['timeadd', ['2017-11-22T00:00:00Z', '.h'], 'timeadd: time: invalid duration ".h"'],
  ]);
});

describe('filesystem functions', () => {
  let dir = '';
  const home = process.env.HOME;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hcl-functions-'));
    const write = (rel: string, content: string | Buffer): void => {
      fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      fs.writeFileSync(path.join(dir, rel), content);
    };
    write('files/hello.txt', 'Hello World');
    write('files/world.txt', 'world\n');
    write('files/bin.dat', Buffer.from([0xff, 0xfe]));
    write('files/sub/a.txt', 'a');
    write('files/sub/deep/b.txt', 'b');
    write('files/.hidden/c.txt', 'c');
    write('files/we{ird}.txt', 'q');
    fs.symlinkSync('sub', path.join(dir, 'files/linkdir'));
    process.env.HOME = '/home/nomad';
    ctx = { baseDir: dir, allowFs: true };
  });

  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
    if (home === undefined) delete process.env.HOME;
    else process.env.HOME = home;
    ctx = { baseDir: '/', allowFs: true };
  });

  it('reads files relative to the base directory (file, filebase64)', () => {
    expect(call('file', 'files/hello.txt')).toBe('Hello World');
    expect(call('file', `${dir}/files/world.txt`)).toBe('world\n');
    expect(call('filebase64', 'files/hello.txt')).toBe('SGVsbG8gV29ybGQ=');
    expect(call('filebase64', 'files/bin.dat')).toBe('//4=');
    expect(failure('file', 'files/nope.txt')).toBe(`file: no file exists at ${dir}/files/nope.txt`);
    expect(failure('file', 'files')).toBe(`file: failed to read ${dir}/files`);
    expect(failure('file', 'files/bin.dat')).toMatch(
      /^file: contents of files\/bin.dat are not valid UTF-8; use the filebase64 function/,
    );
  });

  it('fileexists is true for a regular file, false for a missing one, and fails for anything else', () => {
    expect(call('fileexists', 'files/hello.txt')).toBe(true);
    expect(call('fileexists', 'files/nope')).toBe(false);
    expect(failure('fileexists', 'files/sub')).toMatch(/^fileexists: .*\/files\/sub is not a regular file, but "drwx/);
  });

  it('fileset matches doublestar patterns and returns sorted paths relative to the path argument', () => {
    // Nomad docs: file/fileset
    expect(call('fileset', 'files', '*.txt')).toEqual(['hello.txt', 'we{ird}.txt', 'world.txt']);
    expect(call('fileset', 'files', '{sub,linkdir}/*.txt')).toEqual(['linkdir/a.txt', 'sub/a.txt']);
    expect(call('fileset', 'files', '**')).toEqual([
      '.hidden/c.txt',
      'bin.dat',
      'hello.txt',
      'linkdir/a.txt',
      'linkdir/deep/b.txt',
      'sub/a.txt',
      'sub/deep/b.txt',
      'we{ird}.txt',
      'world.txt',
    ]);
    expect(call('fileset', 'files', 'sub/**/*.txt')).toEqual(['sub/a.txt', 'sub/deep/b.txt']);
    expect(call('fileset', 'files', '[wh]*.txt')).toEqual(['hello.txt', 'we{ird}.txt', 'world.txt']);
    expect(call('fileset', 'files', '[^w]?llo.txt')).toEqual(['hello.txt']);
    expect(call('fileset', 'files', 'we\\{ird\\}.txt')).toEqual(['we{ird}.txt']);
    expect(call('fileset', 'files', './sub/../*.dat')).toEqual(['bin.dat']);
    expect(call('fileset', `${dir}/files/sub`, '*')).toEqual(['a.txt']);
    expect(call('fileset', 'missing', '*')).toEqual([]);
    expect(failure('fileset', 'files', '[')).toBe(
      `fileset: failed to glob pattern (${dir}/files/[): syntax error in pattern`,
    );
  });

  it('basename, dirname, abspath and pathexpand work on the path text', () => {
    // Nomad docs: file/basename, dirname, abspath, pathexpand
    expect(call('basename', 'foo/bar/baz.txt')).toBe('baz.txt');
    expect(call('basename', '/')).toBe('/');
    expect(call('basename', '')).toBe('.');
    expect(call('dirname', 'foo/bar/baz.txt')).toBe('foo/bar');
    expect(call('dirname', 'foo')).toBe('.');
    expect(call('dirname', '/foo')).toBe('/');
    expect(call('abspath', '/a/b/../c')).toBe('/a/c');
    expect(call('abspath', 'x/./y')).toBe(path.join(process.cwd(), 'x/y'));
    expect(call('pathexpand', '~/.ssh/id_rsa')).toBe('/home/nomad/.ssh/id_rsa');
    expect(call('pathexpand', '/etc/resolv.conf')).toBe('/etc/resolv.conf');
    expect(failure('pathexpand', '~other/x')).toBe('pathexpand: cannot expand user-specific home dir');
  });

  it('refuses every filesystem function when the context does not allow the filesystem', () => {
    const fn = HCL_FUNCTIONS.basename;
    expect(() => fn?.(['a/b'], { baseDir: dir, allowFs: false })).toThrow(
      new HclFunctionError(
        "basename: filesystem function disabled; this job is parsed without filesystem access (Nomad's AllowFS is false)",
      ),
    );
    for (const name of ['abspath', 'dirname', 'file', 'filebase64', 'fileexists', 'fileset', 'pathexpand']) {
      const args = name === 'fileset' ? ['.', '*'] : ['x'];
      expect(() => HCL_FUNCTIONS[name]?.(args, { baseDir: dir, allowFs: false })).toThrow(
        /filesystem function disabled/,
      );
    }
  });
});

describe('bcrypt', () => {
  // go-cty-funcs crypto/bcrypt_test.go checks the hash against the password; the salt is random.
  it('hashes with cost 10 by default, in the $2a$ form Go writes, and the hash verifies', async () => {
    const { default: bcryptjs } = await import('bcryptjs');
    const hash = call('bcrypt', 'test') as string;
    expect(hash).toMatch(/^\$2a\$10\$[./A-Za-z0-9]{53}$/);
    expect(bcryptjs.compareSync('test', hash)).toBe(true);
    expect(call('bcrypt', 'test', 5) as string).toMatch(/^\$2a\$05\$/);
    expect(call('bcrypt', 'test', 1) as string).toMatch(/^\$2a\$10\$/);
  });

  it('fails on a cost above 31 and a password over 72 bytes, as Go does', () => {
    expect(failure('bcrypt', 'test', 32)).toBe(
      'bcrypt: error occurred generating password crypto/bcrypt: cost 32 is outside allowed range (4,31)',
    );
    expect(failure('bcrypt', 'x'.repeat(73))).toBe(
      'bcrypt: error occurred generating password bcrypt: password length exceeds 72 bytes',
    );
    expect(failure('bcrypt', 'a', 10, 1)).toBe('bcrypt: expected 1 to 2 arguments (str, cost...), received 3');
  });
});
