/**
 * A seeded mutator over the conformance corpus: mutant `i` of seed `s` is always the same input, so a failure found
 * by a long run is reproduced by its index alone. Mutations are of two kinds: text edits of the HCL jobspecs (tokens
 * inserted, ranges deleted or repeated, nesting, hostile expressions, huge strings and heredocs) and edits of their API
 * JSON (values of the wrong type, deep nesting, repeated items), sometimes followed by text edits of the JSON itself.
 */

/** A mutant: the file name it is written under (its extension decides how it is read) and its text. */
export interface Mutant {
  readonly index: number;
  readonly name: string;
  readonly text: string;
  /** The mutations applied, for a report. */
  readonly mutations: readonly string[];
}

/** A corpus file: its name, its HCL and its API JSON (undefined where it cannot be converted as it is). */
export interface CorpusEntry {
  readonly name: string;
  readonly hcl: string;
  readonly apiJson?: unknown;
}

/** splitmix32: small, fast and good enough to pick mutations. */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x9e3779b9) >>> 0;
    let z = this.state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return ((z ^ (z >>> 16)) >>> 0) / 0x100000000;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }
}

const TOKENS = [
  '{',
  '}',
  '[',
  ']',
  '(',
  ')',
  '"',
  '${',
  '%{',
  '$${',
  '%%{',
  '~}',
  '${~',
  '<<EOF\n',
  '<<-EOF\n',
  '\nEOF\n',
  '\n',
  '=',
  '#',
  '//',
  '/*',
  '*/',
  '\\',
  '\\u00e9',
  '\u00e9',
  '\u0301',
  '\u{1F600}',
  '\u0000',
  '\uFEFF',
  ',',
  '...',
  '?',
  ':',
  '!',
  '-',
  'null',
  'true',
  '1e308',
  '-0',
  '0x10',
  'var.x',
  'local.y',
  '${var.missing}',
  '${local.a}',
  'dynamic "x" {',
  'for_each = ',
  'group "g" {',
  'task "t" {',
  'config {',
  ' "label" ',
];

/** Expressions that ask for much: each must end in a clear error or a value, never a hang or a crash. */
const HOSTILE = [
  'indent(99999999, "a\\nb")',
  'format("%999999999d", 1)',
  'format("%.999999999f", 1)',
  'formatlist("%999999s", range(1000))',
  'length(setproduct(range(1000), range(1000), range(100)))',
  'regex_replace("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab", "(a+)+$", "x")',
  'regex_replace("x", "(", "y")',
  'file("/dev/zero")',
  'file("/etc/hostname")',
  'fileset("/proc", "**")',
  'fileset(".", "**/**/**/*")',
  'filebase64("../../../etc/passwd")',
  `jsondecode("${'['.repeat(2000)}${']'.repeat(2000)}")`,
  `yamldecode("${'['.repeat(2000)}${']'.repeat(2000)}")`,
  'yamldecode("a: &a [1,1,1,1,1,1,1,1,1,1]\\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\\ng: [*f,*f,*f,*f,*f,*f,*f,*f,*f,*f]")',
  'join(",", [for i in range(1000) : join(",", [for j in range(1000) : "x"])])',
  'distinct(concat(range(1000), range(1000)))',
  'replace("aaaa", "", "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb")',
  'bcrypt("x", 31)',
  'parseint("1111111111111111111111111111111111111111111111111111111111111111111111111111111", 2)',
  'max([for i in range(1000) : i]...)',
  'try(indent(99999999, "a\\nb"), "fallback")',
  'can(file("/dev/zero"))',
  'substr("abc", -99999999, 99999999)',
  'cidrsubnets("10.0.0.0/8", 24, 24, 24)',
  'timeadd("2020-01-01T00:00:00Z", "9999999999999h")',
  'local.a',
  'var.v',
  `${'!'.repeat(80)}true`,
  `${'['.repeat(70)}${']'.repeat(70)}`,
  `${'true ? 1 : '.repeat(70)}2`,
  `1${' + 1'.repeat(5000)}`,
  `x${'.y'.repeat(5000)}`,
  'jsonencode({for k, v in {a = 1} : k => v})',
  '{for s in ["a", "a"] : s => s}',
  'element([], 0)',
  'lookup({}, "a")',
  'tostring(1)',
  '1 / 0',
  '"${}"',
];

const SNIPPETS = [
  'locals {\n  a = local.b\n  b = local.a\n}\n',
  `locals {\n${Array.from({ length: 200 }, (_, i) => `  l${i} = [local.l${i + 1}]`).join('\n')}\n  l200 = 1\n}\n`,
  'locals {\n  a = "${local.a}${local.a}"\n}\n',
  'variable "v" {\n  type = list(string)\n  default = [1, [2]]\n  validation {\n    condition = length(var.v) > 0\n    error_message = "x"\n  }\n}\n',
  'variable "w" {}\n',
  'dynamic "port" {\n  for_each = range(1000)\n  content {\n    to = port.value\n  }\n}\n',
  `meta {\n  big = "${'$${x}'.repeat(4000)}"\n}\n`,
  `meta {\n  pct = "${'%'.repeat(20000)}"\n}\n`,
  `meta {\n  doc = <<EOF\n${'line\n'.repeat(5000)}EOF\n}\n`,
  `meta {\n  doc = <<-EOF\n${'    x\n\n'.repeat(2000)}    EOF\n}\n`,
  `meta {\n  strip = "${'$ '.repeat(100)}\${~ "x"}"\n}\n`,
];

/** Mutant `index` of `seed`, from `corpus`. */
export function mutant(corpus: readonly CorpusEntry[], seed: number, index: number): Mutant {
  const random = new Random(Math.imul(seed, 0x27d4eb2d) ^ Math.imul(index + 1, 0x165667b1));
  const entry = random.pick(corpus);
  const mutations: string[] = [];
  const asJson = entry.apiJson !== undefined && random.next() < 0.3;
  let text: string;
  if (asJson) {
    text = stringify(mutateJson(entry.apiJson, random, mutations));
    // Sometimes the JSON text itself is damaged too.
    if (random.next() < 0.2) text = mutateText(text, random, mutations, 1);
  } else {
    text = mutateText(entry.hcl, random, mutations, 1 + random.int(3));
  }
  const base = entry.name.replace(/\.(nomad\.hcl|nomad|hcl)$/, '');
  return { index, name: `${index}-${base}${asJson ? '.json' : '.nomad.hcl'}`, text, mutations };
}

function mutateText(source: string, random: Random, mutations: string[], count: number): string {
  let text = source;
  for (let k = 0; k < count; k++) {
    const at = random.int(text.length + 1);
    const span = Math.min(text.length - at, 1 + random.int(200));
    const operation = random.int(10);
    switch (operation) {
      case 0:
        mutations.push(`delete ${span} characters at ${at}`);
        text = text.slice(0, at) + text.slice(at + span);
        break;
      case 1: {
        const times = 1 + random.int(random.next() < 0.1 ? 200 : 5);
        mutations.push(`repeat ${span} characters at ${at} ${times} times`);
        text = text.slice(0, at) + text.slice(at, at + span).repeat(times) + text.slice(at + span);
        break;
      }
      case 2:
      case 3: {
        const token = random.pick(TOKENS);
        mutations.push(`insert ${JSON.stringify(token)} at ${at}`);
        text = text.slice(0, at) + token + text.slice(at);
        break;
      }
      case 4: {
        const expression = random.pick(HOSTILE);
        const replaced = replaceValue(text, random, expression);
        mutations.push(`value ${expression.slice(0, 60)}`);
        text = replaced;
        break;
      }
      case 5: {
        const depth = random.pick([10, 40, 63, 64, 65, 200, 1000]);
        const open = random.pick(['[', '(', '{ a = ', '"${', 'b {\n']);
        const close = { '[': ']', '(': ')', '{ a = ': ' }', '"${': '}"', 'b {\n': '}\n' }[open] as string;
        mutations.push(`nest ${JSON.stringify(open)} ${depth} deep`);
        text = replaceValue(text, random, `${open.repeat(depth)}1${close.repeat(depth)}`);
        break;
      }
      case 6: {
        const snippet = random.pick(SNIPPETS);
        mutations.push(`snippet ${JSON.stringify(snippet.slice(0, 40))}`);
        text = insertInBlock(text, random, snippet);
        break;
      }
      case 7:
        mutations.push(`truncate at ${at}`);
        text = text.slice(0, at);
        break;
      case 8: {
        const lines = text.split('\n');
        const a = random.int(lines.length);
        const b = random.int(lines.length);
        mutations.push(`swap lines ${a} and ${b}`);
        [lines[a], lines[b]] = [lines[b] as string, lines[a] as string];
        text = lines.join('\n');
        break;
      }
      default: {
        const chars = Array.from({ length: 1 + random.int(8) }, () => String.fromCharCode(random.int(0x250)));
        mutations.push(`insert ${JSON.stringify(chars.join(''))} at ${at}`);
        text = text.slice(0, at) + chars.join('') + text.slice(at);
      }
    }
  }
  return text;
}

/** `text` with the value of one `name = value` line replaced by `expression` (or the line added, if there is none). */
function replaceValue(text: string, random: Random, expression: string): string {
  const lines = text.split('\n');
  const candidates = lines.flatMap((line, i) => (/^\s*[a-z_]+\s*=\s*\S/.test(line) ? [i] : []));
  if (candidates.length === 0) return `${text}\nx = ${expression}\n`;
  const i = random.pick(candidates);
  lines[i] = (lines[i] as string).replace(/=.*$/, `= ${expression}`);
  return lines.join('\n');
}

/** `text` with `snippet` inserted after a line that opens a block (or at the top). */
function insertInBlock(text: string, random: Random, snippet: string): string {
  const lines = text.split('\n');
  const openers = lines.flatMap((line, i) => (/\{\s*$/.test(line) ? [i] : []));
  if (openers.length === 0 || random.next() < 0.2) return snippet + text;
  const i = random.pick(openers);
  lines.splice(i + 1, 0, snippet);
  return lines.join('\n');
}

const JSON_REPLACEMENTS: readonly (() => unknown)[] = [
  () => 'str',
  () => '',
  () => 0,
  () => -1,
  () => 1.5,
  () => 1e300,
  () => true,
  () => null,
  () => [],
  () => {},
  () => ['a', 1, null],
  () => JSON.parse('{"__proto__": {"polluted": true}, "constructor": "x", "toString": 1}'),
  () => 'x'.repeat(100_000),
  () => NESTED_300,
  () => NESTED_10K,
  () => ({ Name: 'n', Tasks: 'str' }),
];

/** Stand-ins for deeply nested lists, written out in the JSON text (JSON.stringify recurses). */
const NESTED_300 = '\u0000nested:300';
const NESTED_10K = '\u0000nested:10000';

/** `JSON.stringify`, with the stand-ins written as lists nested that deep. */
function stringify(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(/"\\u0000nested:(\d+)"/g, (_, depth: string) => {
    const n = Number(depth);
    return `${'['.repeat(n)}1${']'.repeat(n)}`;
  });
}

/** A copy of `json` with one to three places changed: a value replaced, a key deleted, a list's items repeated. */
function mutateJson(json: unknown, random: Random, mutations: string[]): unknown {
  const copy = structuredClone(json);
  for (let k = 1 + random.int(3); k > 0; k--) {
    const places = collectPlaces(copy);
    if (places.length === 0) break;
    const place = random.pick(places);
    const { parent, key, path } = place;
    const operation = random.int(4);
    if (operation === 0 && !Array.isArray(parent)) {
      mutations.push(`delete ${path}`);
      delete (parent as Record<string, unknown>)[key];
    } else if (operation === 1 && Array.isArray((parent as Record<string, unknown>)[key])) {
      const list = (parent as Record<string, unknown[]>)[key] as unknown[];
      const times = random.pick([2, 10, 1000]);
      mutations.push(`repeat the items of ${path} ${times} times`);
      (parent as Record<string, unknown>)[key] = Array.from({ length: times }, () => list).flat();
    } else {
      const value = random.pick(JSON_REPLACEMENTS)();
      mutations.push(`set ${path} to ${JSON.stringify(value)?.slice(0, 40)}`);
      (parent as Record<string, unknown>)[key] = value;
    }
  }
  return copy;
}

interface Place {
  readonly parent: object;
  readonly key: string;
  readonly path: string;
}

function collectPlaces(json: unknown): Place[] {
  const places: Place[] = [];
  const stack: [unknown, string][] = [[json, '']];
  while (stack.length > 0) {
    const [value, path] = stack.pop() as [unknown, string];
    if (value === null || typeof value !== 'object') continue;
    for (const [key, item] of Object.entries(value)) {
      const itemPath = Array.isArray(value) ? `${path}[${key}]` : `${path}.${key}`;
      places.push({ parent: value, key, path: itemPath });
      stack.push([item, itemPath]);
    }
  }
  return places;
}
