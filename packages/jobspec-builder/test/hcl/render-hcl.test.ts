import { format } from '@cdktn/hcl-tools';
import { describe, expect, it } from 'vitest';
import {
  attribute,
  block,
  type HclBody,
  HclError,
  HclExpression,
  type HclValue,
  renderHcl,
  renderValue,
} from '../../src/hcl';

/** Renders `body` and checks that `nomad fmt` (hclwrite) would leave it unchanged. */
async function rendered(body: HclBody): Promise<string> {
  const hcl = renderHcl(body);
  expect(await format(hcl)).toBe(hcl);
  return hcl;
}

/** Renders `value` as the attribute `x`, checked like {@link rendered}. */
function renderedValue(value: HclValue): Promise<string> {
  return rendered([attribute('x', value)]);
}

const expr = HclExpression.of;

function thrown(fn: () => unknown): HclError {
  try {
    fn();
  } catch (error) {
    if (error instanceof HclError) {
      return error;
    }
    throw error;
  }
  throw new Error('expected an HclError, nothing was thrown');
}

describe('renderValue', () => {
  describe('strings', () => {
    it('escapes runtime interpolations so Nomad keeps them as text', async () => {
      expect(await renderedValue('${NOMAD_ALLOC_ID}-${attr.unique.hostname}')).toMatchInlineSnapshot(`
        "x = "$\${NOMAD_ALLOC_ID}-$\${attr.unique.hostname}"
        "
      `);
    });

    it('escapes template directives', async () => {
      expect(await renderedValue('%{ if true }yes%{ endif }')).toMatchInlineSnapshot(`
        "x = "%%{ if true }yes%%{ endif }"
        "
      `);
    });

    it('escapes sequences that already look escaped, so they survive as written', async () => {
      expect(await renderedValue('$${x} %%{y} $$${z}')).toMatchInlineSnapshot(`
        "x = "$$\${x} %%%{y} $$$\${z}"
        "
      `);
    });

    it('leaves lone $, % and braces alone', async () => {
      expect(await renderedValue('$ 100% {a} $a %b {$} $')).toMatchInlineSnapshot(`
        "x = "$ 100% {a} $a %b {$} $"
        "
      `);
    });

    it('escapes quotes and backslashes', async () => {
      expect(await renderedValue('say "hi" C:\\dir\\ \\n')).toMatchInlineSnapshot(`
        "x = "say \\"hi\\" C:\\\\dir\\\\ \\\\n"
        "
      `);
    });

    it('escapes newlines, carriage returns and tabs in quoted strings', async () => {
      expect(await renderedValue('a\r\nb\tc')).toMatchInlineSnapshot(`
        "x = "a\\r\\nb\\tc"
        "
      `);
    });

    it('writes other control characters, U+2028/U+2029 and bidirectional controls as \\uNNNN', async () => {
      expect(await renderedValue('\u0000\u0007\u001b[0m\u007f\u0085\u2028\u2029\u202e\u2066')).toMatchInlineSnapshot(`
        "x = "\\u0000\\u0007\\u001B[0m\\u007F\\u0085\\u2028\\u2029\\u202E\\u2066"
        "
      `);
    });

    it('keeps printable Unicode as is', async () => {
      expect(await renderedValue('café 日本 😀 e\u0301 \u00a0')).toMatchInlineSnapshot(`
        "x = "café 日本 😀 é  "
        "
      `);
    });

    it('writes a multi-line string ending in a newline as a heredoc, with templates escaped and nothing else', async () => {
      const data =
        '{{ with secret "kv/db" }}\n\tPASSWORD="{{ .Data.password }}" # C:\\x\nALLOC=${NOMAD_ALLOC_ID} %{x}\n{{ end }}\n';
      expect(await renderedValue(data)).toMatchInlineSnapshot(`
        "x = <<EOT
        {{ with secret "kv/db" }}
        	PASSWORD="{{ .Data.password }}" # C:\\x
        ALLOC=$\${NOMAD_ALLOC_ID} %%{x}
        {{ end }}
        EOT
        "
      `);
    });

    it('quotes a multi-line string without a trailing newline', async () => {
      expect(await renderedValue('line 1\nline 2')).toMatchInlineSnapshot(`
        "x = "line 1\\nline 2"
        "
      `);
    });

    it('quotes a one-line string ending in a newline', async () => {
      expect(await renderedValue('line\n')).toMatchInlineSnapshot(`
        "x = "line\\n"
        "
      `);
    });

    it('quotes a multi-line string holding a character a heredoc cannot represent', async () => {
      expect(await renderedValue('a\r\nb\r\n')).toMatchInlineSnapshot(`
        "x = "a\\r\\nb\\r\\n"
        "
      `);
      expect(await renderedValue('a\nbell\u0007\n')).toMatchInlineSnapshot(`
        "x = "a\\nbell\\u0007\\n"
        "
      `);
    });

    it('picks a heredoc delimiter that no line equals, once trimmed', async () => {
      expect(await renderedValue('EOT\n  EOT1 \nEOT2x\n')).toMatchInlineSnapshot(`
        "x = <<EOT2
        EOT
          EOT1 
        EOT2x
        EOT2
        "
      `);
    });

    it('uses heredocs in object values but quotes list elements', async () => {
      expect(await renderedValue({ data: 'a\nb\n', list: ['a\nb\n'] })).toMatchInlineSnapshot(`
        "x = {
          data = <<EOT
        a
        b
        EOT
          list = ["a\\nb\\n"]
        }
        "
      `);
    });
  });

  describe('numbers, booleans and null', () => {
    it('writes integers as integers, also beyond 1e21', async () => {
      expect(await renderedValue([0, -0, 42, -7, 2 ** 53, 1e21, -1.5e22])).toMatchInlineSnapshot(`
        "x = [
          0,
          0,
          42,
          -7,
          9007199254740992,
          1000000000000000000000,
          -15000000000000000000000,
        ]
        "
      `);
    });

    it('writes fractions as JavaScript prints them', async () => {
      expect(await renderedValue([0.5, -0.25, 1.5e-7, 5e-324, 123.456])).toMatchInlineSnapshot(`
        "x = [0.5, -0.25, 1.5e-7, 5e-324, 123.456]
        "
      `);
    });

    it('writes booleans and null as keywords', async () => {
      expect(await renderedValue([true, false, null])).toMatchInlineSnapshot(`
        "x = [true, false, null]
        "
      `);
    });

    it('throws on NaN and infinities', () => {
      expect(() => renderValue(Number.NaN)).toThrowErrorMatchingInlineSnapshot(
        `[HclError: Invalid number: expected a finite number, received NaN. HCL has no NaN or Infinity; use null or a string instead.]`,
      );
      expect(thrown(() => renderHcl([attribute('cpu', Number.POSITIVE_INFINITY)]))).toMatchObject({
        code: 'invalid-number',
        path: 'cpu',
      });
    });
  });

  describe('lists', () => {
    it('writes a short list of scalars on one line', async () => {
      expect(await renderedValue(['a', 1, true, null, expr('var.x')])).toMatchInlineSnapshot(`
        "x = ["a", 1, true, null, var.x]
        "
      `);
    });

    it('writes an empty list as []', async () => {
      expect(await renderedValue([])).toMatchInlineSnapshot(`
        "x = []
        "
      `);
    });

    it('writes one element per line with trailing commas when the one-line form would pass 80 characters', async () => {
      const args = ['-listen', ':${NOMAD_PORT_http}', '-text', 'hello from the other side of the world'];
      expect(await renderedValue(args)).toMatchInlineSnapshot(`
        "x = [
          "-listen",
          ":$\${NOMAD_PORT_http}",
          "-text",
          "hello from the other side of the world",
        ]
        "
      `);
    });

    it('writes one element per line when an element is a list or an object', async () => {
      expect(await renderedValue([[1, 2], { a: 1 }, [], {}])).toMatchInlineSnapshot(`
        "x = [
          [1, 2],
          {
            a = 1
          },
          [],
          {},
        ]
        "
      `);
    });
  });

  describe('objects', () => {
    it('writes identifier keys bare and quotes the others', async () => {
      const meta = { version: '1', 'a.b': 'x', 'with space': 1, '': 2, 'my-key': 3, '1st': 4, clé: 5 };
      expect(await renderedValue(meta)).toMatchInlineSnapshot(`
        "x = {
          version      = "1"
          "a.b"        = "x"
          "with space" = 1
          ""           = 2
          my-key       = 3
          "1st"        = 4
          "clé"        = 5
        }
        "
      `);
    });

    it('quotes keys that HCL would read as keywords', async () => {
      expect(await renderedValue({ for: 1, true: 2, false: 3, null: 4, in: 5 })).toMatchInlineSnapshot(`
        "x = {
          "for"   = 1
          "true"  = 2
          "false" = 3
          "null"  = 4
          in      = 5
        }
        "
      `);
    });

    it('escapes quoted keys like strings', async () => {
      expect(await renderedValue({ '${k}': 1, 'a"b': 2, 'new\nline': 3 })).toMatchInlineSnapshot(`
        "x = {
          "$\${k}"     = 1
          "a\\"b"      = 2
          "new\\nline" = 3
        }
        "
      `);
    });

    it('aligns = by grapheme clusters as hclwrite counts them', async () => {
      // A combining mark after `$` starts a new scanner token, which hclwrite counts as a column;
      // Unicode 15.0 (hclwrite's) splits Indic conjuncts that newer Unicode joins.
      const keys = { 'e\u0301': 1, '$\u0301': 2, '\u0915\u094d\u0937': 3, '😀': 4, abcdefgh: 5 };
      expect(await renderedValue(keys)).toMatchInlineSnapshot(`
        "x = {
          "é"      = 1
          "$́"     = 2
          "क्ष"     = 3
          "😀"      = 4
          abcdefgh = 5
        }
        "
      `);
    });

    it('writes an empty object as {}', async () => {
      expect(await renderedValue({})).toMatchInlineSnapshot(`
        "x = {}
        "
      `);
    });

    it('writes nested objects and lists one level deeper', async () => {
      expect(await renderedValue({ a: { b: { c: [1, 'two'] } }, d: [{ e: 'f' }] })).toMatchInlineSnapshot(`
        "x = {
          a = {
            b = {
              c = [1, "two"]
            }
          }
          d = [
            {
              e = "f"
            },
          ]
        }
        "
      `);
    });

    it('indents continuation lines to the given level', () => {
      expect(renderValue({ a: [{ b: 1 }] }, 2)).toMatchInlineSnapshot(`
        "{
              a = [
                {
                  b = 1
                },
              ]
            }"
      `);
    });
  });

  describe('expressions', () => {
    it('writes expressions verbatim, never quoted or escaped', async () => {
      expect(
        await rendered([
          attribute('image', expr('var.image')),
          attribute('name', expr('upper("${var.prefix}-web")')),
          attribute('ports', expr('[for p in var.ports : tonumber(p)]')),
          attribute('env', expr('merge(local.env, { A = "b" })')),
          attribute('count', expr('var.enabled ? 1 : 0')),
        ]),
      ).toMatchInlineSnapshot(`
        "image = var.image
        name  = upper("\${var.prefix}-web")
        ports = [for p in var.ports : tonumber(p)]
        env   = merge(local.env, { A = "b" })
        count = var.enabled ? 1 : 0
        "
      `);
    });

    it('indents the lines of a multi-line expression to where it lands, but not heredoc content', async () => {
      const config = expr('merge(\n  var.config,\n  {\n    data = <<EOT\nkeep\n  as is\nEOT\n  },\n)');
      expect(
        await rendered([block('task', ['t'], [attribute('config', config), attribute('after', 1)])]),
      ).toMatchInlineSnapshot(`
        "task "t" {
          config = merge(
            var.config,
            {
              data = <<EOT
        keep
          as is
        EOT
            },
          )
          after = 1
        }
        "
      `);
    });

    it('aligns a multi-line expression whose first line closes its brackets, then ends the run', async () => {
      expect(
        await rendered([
          attribute('a', 1),
          attribute('mode', expr('var.enabled ? "on" :\n"off"')),
          attribute('long_name', 2),
          attribute('b', 3),
        ]),
      ).toMatchInlineSnapshot(`
        "a    = 1
        mode = var.enabled ? "on" :
        "off"
        long_name = 2
        b         = 3
        "
      `);
    });

    it('leaves a multi-line expression whose first line opens a bracket out of the run', async () => {
      expect(
        await rendered([
          attribute('a', 1),
          attribute('cond', expr('var.a ? "x" : [\n  "y",\n]')),
          attribute('long_name', 2),
        ]),
      ).toMatchInlineSnapshot(`
        "a = 1
        cond = var.a ? "x" : [
          "y",
        ]
        long_name = 2
        "
      `);
    });

    it('puts the comma after a heredoc in a list on its own line', async () => {
      expect(await renderedValue(['a', expr('<<EOT\nfoo\nEOT'), 'b'])).toMatchInlineSnapshot(`
        "x = [
          "a",
          <<EOT
        foo
        EOT
          ,
          "b",
        ]
        "
      `);
    });
  });

  it('throws on values that are not HCL values, naming where they are', () => {
    const bad = [undefined, new Date(0), () => 1, 1n, Symbol('s'), new Map()] as unknown as HclValue[];
    for (const value of bad) {
      expect(thrown(() => renderHcl([block('job', ['j'], [attribute('meta', { k: [value] })])]))).toMatchObject({
        code: 'UNSUPPORTED_VALUE',
        path: 'job["j"].meta.k[0]',
      });
    }
    expect(() => renderValue(new Date(0) as unknown as HclValue)).toThrowErrorMatchingInlineSnapshot(
      `[HclError: Unsupported value: expected a string, number, boolean, null, HclExpression, array or plain object, received an instance of Date. Convert it first (a Date with toISOString(), a Map with Object.fromEntries()).]`,
    );
  });

  it('throws on a circular value', () => {
    const list: HclValue[] = [];
    list.push({ again: list });
    expect(() => renderHcl([attribute('x', list)])).toThrowErrorMatchingInlineSnapshot(
      `[HclError: Circular value at x[0].again: expected a tree of values, received a list or object that contains itself. Copy the shared part instead of nesting it in itself.]`,
    );
  });

  it('throws on a string with an unpaired surrogate', () => {
    expect(() => renderHcl([attribute('x', { 'k\ud800': 1 })])).toThrowErrorMatchingInlineSnapshot(
      `[HclError: Invalid string at x["k\\ud800"]: expected well-formed Unicode, received an unpaired surrogate \\uD800 at index 1 of "k\\ud800". Use String.prototype.toWellFormed() to replace it with U+FFFD.]`,
    );
    expect(thrown(() => renderValue('a\n\udc00\n'))).toMatchObject({ code: 'invalid-string' });
  });

  it('throws on a negative or fractional indent', () => {
    expect(() => renderValue(1, -1)).toThrow(RangeError);
    expect(() => renderValue(1, 0.5)).toThrow(RangeError);
  });
});

describe('renderHcl', () => {
  it('writes nested blocks with quoted labels, two-space indentation and a blank line around each block', async () => {
    const body: HclBody = [
      attribute('region', 'global'),
      block(
        'job',
        ['web'],
        [
          attribute('datacenters', ['dc1', 'dc2']),
          attribute('type', 'service'),
          block(
            'group',
            ['api'],
            [
              attribute('count', 3),
              block('network', [], [block('port', ['http'], [attribute('to', 8080)])]),
              block(
                'task',
                ['server'],
                [
                  attribute('driver', 'docker'),
                  block(
                    'config',
                    [],
                    [attribute('image', 'hashicorp/http-echo:1.0'), attribute('args', ['-text', 'hi'])],
                  ),
                  block(
                    'template',
                    [],
                    [
                      attribute('data', 'PORT={{ env "NOMAD_PORT_http" }}\nID=${NOMAD_ALLOC_ID}\n'),
                      attribute('destination', 'local/app.env'),
                      attribute('env', true),
                    ],
                  ),
                ],
              ),
            ],
          ),
          attribute('priority', 50),
        ],
      ),
      block('job', ['other'], []),
    ];
    expect(await rendered(body)).toMatchInlineSnapshot(`
      "region = "global"

      job "web" {
        datacenters = ["dc1", "dc2"]
        type        = "service"

        group "api" {
          count = 3

          network {
            port "http" {
              to = 8080
            }
          }

          task "server" {
            driver = "docker"

            config {
              image = "hashicorp/http-echo:1.0"
              args  = ["-text", "hi"]
            }

            template {
              data        = <<EOT
      PORT={{ env "NOMAD_PORT_http" }}
      ID=$\${NOMAD_ALLOC_ID}
      EOT
              destination = "local/app.env"
              env         = true
            }
          }
        }

        priority = 50
      }

      job "other" {}
      "
    `);
  });

  it('aligns = within a run of consecutive single-line attributes, as hclwrite does', async () => {
    expect(
      await rendered([
        attribute('a', 1),
        attribute('bbb', 'two'),
        attribute('data', 'heredoc\nkeeps the run\n'),
        attribute('cc', [1, 2]),
        attribute('list', ['a', { b: 1 }]),
        attribute('after_list', 1),
        attribute('d', 2),
        attribute('object', { x: 1, yyy: 2 }),
        attribute('e', 3),
        block('b', [], []),
        attribute('f', 4),
        attribute('ff', 5),
      ]),
    ).toMatchInlineSnapshot(`
      "a    = 1
      bbb  = "two"
      data = <<EOT
      heredoc
      keeps the run
      EOT
      cc   = [1, 2]
      list = [
        "a",
        {
          b = 1
        },
      ]
      after_list = 1
      d          = 2
      object = {
        x   = 1
        yyy = 2
      }
      e = 3

      b {}

      f  = 4
      ff = 5
      "
    `);
  });

  it('escapes block labels like strings', async () => {
    expect(await rendered([block('service', ['a"b\\c', '${x} %{y}', 'é\n', ''], [])])).toMatchInlineSnapshot(`
      "service "a\\"b\\\\c" "$\${x} %%{y}" "é\\n" "" {}
      "
    `);
  });

  it('writes an empty block on one line', async () => {
    expect(await rendered([block('ephemeral_disk', [], []), block('port', ['http'], [])])).toMatchInlineSnapshot(`
      "ephemeral_disk {}

      port "http" {}
      "
    `);
  });

  it('renders the same bytes for the same input', () => {
    const body = (): HclBody => [
      block('job', ['x'], [attribute('meta', { b: '1', a: '2' }), attribute('l', [1, 'x\ny'])]),
    ];
    expect(renderHcl(body())).toBe(renderHcl(body()));
  });

  describe('edge cases', () => {
    it('renders an empty body as an empty file', async () => {
      expect(await rendered([])).toBe('');
    });

    it('renders an empty string as ""', async () => {
      expect(await renderedValue('')).toMatchInlineSnapshot(`
        "x = ""
        "
      `);
    });

    it('quotes a string that is exactly a newline', async () => {
      expect(await renderedValue('\n')).toMatchInlineSnapshot(`
        "x = "\\n"
        "
      `);
    });

    it('quotes a string of newlines only', async () => {
      expect(await renderedValue('\n\n')).toMatchInlineSnapshot(`
        "x = "\\n\\n"
        "
      `);
    });

    it('switches to EOT1 when a line equals EOT', async () => {
      expect(await renderedValue('first\nEOT\nlast\n')).toMatchInlineSnapshot(`
        "x = <<EOT1
        first
        EOT
        last
        EOT1
        "
      `);
    });

    it('switches delimiter when a line equals EOT apart from surrounding whitespace', async () => {
      expect(await renderedValue('  EOT\t\nEOT1\nEOTX\n')).toMatchInlineSnapshot(`
        "x = <<EOT2
          EOT	
        EOT1
        EOTX
        EOT2
        "
      `);
    });

    it('keeps an escaped ${ line from ever matching the delimiter', async () => {
      expect(await renderedValue('${EOT}\nEOT${x}\n')).toMatchInlineSnapshot(`
        "x = <<EOT
        $\${EOT}
        EOT$\${x}
        EOT
        "
      `);
    });
  });

  describe('errors', () => {
    it('throws on an attribute name that is not an identifier, naming it and what is allowed', () => {
      const body = [block('job', ['web'], [{ kind: 'attribute', name: 'a.b', value: 1 }])] as HclBody;
      expect(() => renderHcl(body)).toThrowErrorMatchingInlineSnapshot(
        `[HclError: Invalid attribute name at job["web"]: expected an identifier (ASCII letters, digits, "_" and "-", starting with a letter or "_"), received "a.b". To use another key, put it in an object value, where any string is allowed: meta = { "a.b" = "x" }.]`,
      );
    });

    it('throws on a block type that is not an identifier', () => {
      const body = [{ kind: 'block', type: '1st', labels: [], body: [] }] as HclBody;
      expect(() => renderHcl(body)).toThrowErrorMatchingInlineSnapshot(
        `[HclError: Invalid block type: expected an identifier (ASCII letters, digits, "_" and "-", starting with a letter or "_"), received "1st".]`,
      );
    });

    it('throws on a label that is not a string', () => {
      const body = [{ kind: 'block', type: 'job', labels: [1], body: [] }] as unknown as HclBody;
      expect(() => renderHcl(body)).toThrowErrorMatchingInlineSnapshot(
        `[HclError: Invalid label of block "job": expected a string at labels[0], received number.]`,
      );
    });

    it('throws on an attribute set twice in one body', () => {
      const body = [block('job', ['web'], [attribute('type', 'service'), attribute('type', 'batch')])];
      expect(() => renderHcl(body)).toThrowErrorMatchingInlineSnapshot(
        `[HclError: Duplicate attribute at job["web"]: expected each attribute name once per body, received "type" twice. HCL rejects the file; set it once, or use repeated blocks for repeated things.]`,
      );
    });

    it('throws on a body item that is neither an attribute nor a block', () => {
      expect(() =>
        renderHcl([{ kind: 'comment', text: 'x' }] as unknown as HclBody),
      ).toThrowErrorMatchingInlineSnapshot(
        `[HclError: Invalid body item: expected an attribute or a block (build them with attribute() and block()), received an object of kind "comment".]`,
      );
      expect(thrown(() => renderHcl([null] as unknown as HclBody))).toMatchObject({ code: 'INVALID_BODY' });
    });
  });
});
