import { assertLabels, type HclBlock, type HclBody, type HclValue } from './hcl-body';
import { HclError } from './hcl-error';
import { HclExpression } from './hcl-expression';
import { heredocString, keyColumns, quoteString } from './hcl-string';
import { assertIdentifier, describeType, isBareKey, isIdentifier } from './identifier';

/** Longest one-line list, from `[` to `]`; longer lists get one element per line. */
const MAX_INLINE_LIST_LENGTH = 80;

/** A rendered value and what hclwrite's layout rules need to know about it. */
interface Rendered {
  /** The literal; lines after the first carry their own indentation. */
  readonly text: string;
  /**
   * Whether the first line closes every bracket it opens (counting up to a heredoc opener):
   * only then does hclwrite treat `= value` as an assignment to align.
   */
  readonly aligns: boolean;
  /** Whether hclwrite sees more than one line (heredoc content does not count), which ends an alignment run. */
  readonly multiline: boolean;
  /** Whether the text ends with a heredoc delimiter, which must be alone on its line. */
  readonly endsWithHeredoc: boolean;
  /** Whether it is a one-line scalar, allowed in a one-line list. */
  readonly scalar: boolean;
}

/** `lead = value` inside a body or an object. */
interface Entry {
  readonly lead: string;
  readonly columns: number;
  readonly value: Rendered;
}

interface Context {
  readonly path: string;
  /** Lists and objects being rendered, to report a cycle instead of overflowing the stack. */
  readonly ancestors: Set<object>;
}

const INDENTS: string[] = [];

function indentOf(level: number): string {
  let indent = INDENTS[level];
  if (indent === undefined) {
    indent = '  '.repeat(level);
    INDENTS[level] = indent;
  }
  return indent;
}

function scalar(text: string): Rendered {
  return { text, aligns: true, multiline: false, endsWithHeredoc: false, scalar: true };
}

function keyPath(path: string, key: string): string {
  if (!isIdentifier(key)) {
    return `${path}[${JSON.stringify(key)}]`;
  }
  return path === '' ? key : `${path}.${key}`;
}

function renderNumber(value: number, path: string): string {
  if (!Number.isFinite(value)) {
    throw new HclError(
      'invalid-number',
      'Invalid number',
      `expected a finite number, received ${value}. HCL has no NaN or Infinity; use null or a string instead.`,
      path,
    );
  }
  // String() switches to exponent notation from 1e21 on; HCL would read that fine, but integers should look like integers.
  return Number.isInteger(value) && Math.abs(value) >= 1e21 ? BigInt(value).toString() : String(value);
}

function renderExpression(expression: HclExpression, level: number): Rendered {
  const { layout } = expression;
  const indent = indentOf(level);
  const text = expression.text
    .split('\n')
    .map((line, index) => (index === 0 || line === '' || layout.verbatim[index] === true ? line : indent + line))
    .join('\n');
  return {
    text,
    aligns: layout.firstLineOpens === 0,
    multiline: layout.multiline,
    endsWithHeredoc: layout.endsWithHeredoc,
    scalar: !text.includes('\n'),
  };
}

function enter(value: object, context: Context): void {
  if (context.ancestors.has(value)) {
    throw new HclError(
      'CIRCULAR_VALUE',
      'Circular value',
      'expected a tree of values, received a list or object that contains itself. Copy the shared part instead of nesting it in itself.',
      context.path,
    );
  }
  context.ancestors.add(value);
}

function renderList(list: readonly HclValue[], level: number, context: Context): Rendered {
  if (list.length === 0) {
    return { ...scalar('[]'), scalar: false };
  }
  enter(list, context);
  const elements = list.map((element, index) =>
    renderAt(element, level + 1, { path: `${context.path}[${index}]`, ancestors: context.ancestors }, false),
  );
  context.ancestors.delete(list);

  const oneLine = `[${elements.map((element) => element.text).join(', ')}]`;
  if (elements.every((element) => element.scalar) && oneLine.length <= MAX_INLINE_LIST_LENGTH) {
    return { ...scalar(oneLine), scalar: false };
  }
  const indent = indentOf(level + 1);
  const lines = elements.map((element) => `${indent}${element.text}${element.endsWithHeredoc ? `\n${indent}` : ''},`);
  return {
    text: `[\n${lines.join('\n')}\n${indentOf(level)}]`,
    aligns: false,
    multiline: true,
    endsWithHeredoc: false,
    scalar: false,
  };
}

function isPlainObject(value: object): value is { readonly [key: string]: HclValue } {
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function renderObject(object: { readonly [key: string]: HclValue }, level: number, context: Context): Rendered {
  const keys = Object.keys(object);
  if (keys.length === 0) {
    return { ...scalar('{}'), scalar: false };
  }
  enter(object, context);
  const entries = keys.map((key): Entry => {
    const path = keyPath(context.path, key);
    const lead = isBareKey(key) ? key : quoteString(key, path);
    return {
      lead,
      columns: keyColumns(lead),
      value: renderAt(object[key] as HclValue, level + 1, { path, ancestors: context.ancestors }, true),
    };
  });
  context.ancestors.delete(object);
  return {
    text: `{\n${renderEntriesText(entries, level + 1)}\n${indentOf(level)}}`,
    aligns: false,
    multiline: true,
    endsWithHeredoc: false,
    scalar: false,
  };
}

function renderAt(value: HclValue, level: number, context: Context, heredocAllowed: boolean): Rendered {
  switch (typeof value) {
    case 'string': {
      const heredoc = heredocAllowed ? heredocString(value, context.path) : undefined;
      if (heredoc === undefined) {
        return scalar(quoteString(value, context.path));
      }
      return { text: heredoc, aligns: true, multiline: false, endsWithHeredoc: true, scalar: false };
    }
    case 'number':
      return scalar(renderNumber(value, context.path));
    case 'boolean':
      return scalar(String(value));
    case 'object':
      if (value === null) {
        return scalar('null');
      }
      if (HclExpression.isExpression(value)) {
        return renderExpression(value, level);
      }
      if (Array.isArray(value)) {
        return renderList(value, level, context);
      }
      if (isPlainObject(value)) {
        return renderObject(value, level, context);
      }
  }
  throw new HclError(
    'UNSUPPORTED_VALUE',
    'Unsupported value',
    `expected a string, number, boolean, null, HclExpression, array or plain object, received ${describeType(value)}. Convert it first (a Date with toISOString(), a Map with Object.fromEntries()).`,
    context.path,
  );
}

/**
 * Lays out `lead = value` lines the way hclwrite does: within a run of consecutive lines whose
 * value aligns, every `=` is padded to one column past the widest lead; a value that hclwrite
 * sees as several lines ends the run, and one whose first line leaves a bracket open is not part
 * of any run. Appends the lines to `out`.
 */
function renderEntries(entries: readonly Entry[], level: number, out: Output): void {
  const indent = indentOf(level);
  let runStart = 0;
  const flush = (runEnd: number): void => {
    let width = 0;
    for (let i = runStart; i < runEnd; i++) width = Math.max(width, (entries[i] as Entry).columns);
    for (let i = runStart; i < runEnd; i++) {
      const entry = entries[i] as Entry;
      out.push(`${indent}${entry.lead}${' '.repeat(width - entry.columns + 1)}= ${entry.value.text}`);
    }
  };
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i] as Entry;
    if (!entry.value.aligns) {
      flush(i);
      out.push(`${indent}${entry.lead} = ${entry.value.text}`);
      runStart = i + 1;
    } else if (entry.value.multiline) {
      flush(i + 1);
      runStart = i + 1;
    }
  }
  flush(entries.length);
}

function renderEntriesText(entries: readonly Entry[], level: number): string {
  const out = new Output();
  renderEntries(entries, level, out);
  return out.text.slice(0, -1);
}

/** Lines appended to one string: cheaper than collecting an array and joining it. */
class Output {
  text = '';

  push(line: string): void {
    this.text += `${line}\n`;
  }
}

function blockPath(path: string, item: HclBlock): string {
  let labels = '';
  for (const label of item.labels) labels += `[${JSON.stringify(label)}]`;
  return `${path === '' ? '' : `${path}.`}${item.type}${labels}`;
}

function renderBlock(item: HclBlock, level: number, context: Context, out: Output): void {
  assertIdentifier(item.type, 'block type', context.path);
  assertLabels(item.type, item.labels, context.path);
  const path = blockPath(context.path, item);
  let header = item.type;
  for (const label of item.labels) header += ` ${quoteString(label, path)}`;
  const indent = indentOf(level);
  // A body with any item renders at least one line, so an empty one is exactly an empty array.
  if (Array.isArray(item.body) && item.body.length === 0) {
    out.push(`${indent}${header} {}`);
    return;
  }
  out.push(`${indent}${header} {`);
  renderBody(item.body, level + 1, { path, ancestors: context.ancestors }, out);
  out.push(`${indent}}`);
}

function renderBody(body: HclBody, level: number, context: Context, out: Output): void {
  if (!Array.isArray(body)) {
    throw new HclError(
      'INVALID_BODY',
      'Invalid body',
      `expected an array of attributes and blocks, received ${describeType(body)}.`,
      context.path,
    );
  }
  const names: string[] = []; // a body has a few attributes: a scan beats a Set here
  let entries: Entry[] = [];
  let previous: 'attribute' | 'block' | undefined;
  for (const item of body as readonly unknown[]) {
    const kind = typeof item === 'object' && item !== null ? (item as { kind?: unknown }).kind : undefined;
    if (kind === 'attribute') {
      const { name, value } = item as { name: unknown; value: HclValue };
      assertIdentifier(name, 'attribute name', context.path);
      if (names.includes(name)) {
        throw new HclError(
          'duplicate-attribute',
          'Duplicate attribute',
          `expected each attribute name once per body, received "${name}" twice. HCL rejects the file; set it once, or use repeated blocks for repeated things.`,
          context.path,
        );
      }
      names.push(name);
      if (previous === 'block') {
        out.push('');
      }
      // An identifier needs no quoting in a path.
      const path = context.path === '' ? name : `${context.path}.${name}`;
      entries.push({
        lead: name,
        columns: name.length,
        value: renderAt(value, level, { path, ancestors: context.ancestors }, true),
      });
    } else if (kind === 'block') {
      renderEntries(entries, level, out);
      entries = [];
      if (previous !== undefined) {
        out.push('');
      }
      renderBlock(item as HclBlock, level, context, out);
    } else {
      throw new HclError(
        'INVALID_BODY',
        'Invalid body item',
        `expected an attribute or a block (build them with attribute() and block()), received ${describeType(item)}${kind === undefined ? '' : ` of kind ${JSON.stringify(kind)}`}.`,
        context.path,
      );
    }
    previous = kind;
  }
  renderEntries(entries, level, out);
}

/**
 * Renders a body as the content of an HCL2 file, formatted exactly as `nomad fmt` (hclwrite)
 * would leave it, so formatting the output changes nothing.
 *
 * Layout:
 * - two spaces of indentation per level; blocks are `type "label" {`, `}` (or `type "label" {}` when empty);
 * - a blank line separates a block from whatever follows it and attributes from a following block;
 *   consecutive attributes have no blank line between them;
 * - `=` is aligned as hclwrite aligns it: within a run of consecutive attribute (or object entry)
 *   lines, each `=` is one column past the longest name. A heredoc counts as one line and keeps the
 *   run going; a multi-line list or object stands alone and ends the run; a multi-line expression
 *   joins the run if its first line closes the brackets it opens, and ends it.
 *
 * Values: see {@link renderValue}. The output ends with one newline; an empty body renders as ''.
 * The same input always gives the same bytes (object entries keep the object's key order).
 *
 * @throws HclError on a name that is not an identifier, a duplicate attribute, a non-finite number,
 *   a string with an unpaired surrogate, a circular value or a value of an unsupported type; the
 *   error's `path` says where (`job["web"].group["api"].meta["a.b"]`).
 *
 * @example
 * renderHcl([block('job', ['web'], [attribute('datacenters', ['dc1']), attribute('type', 'service')])]);
 * // job "web" {
 * //   datacenters = ["dc1"]
 * //   type        = "service"
 * // }
 */
export function renderHcl(body: HclBody): string {
  const out = new Output();
  renderBody(body, 0, { path: '', ancestors: new Set() }, out);
  return out.text;
}

/**
 * The HCL literal for one value, as it would follow `name = ` on a line indented `indent` levels.
 * Lines after the first carry their indentation; the first does not.
 *
 * - Strings are quoted, escaping `\` `"` newline CR tab as `\\` `\"` `\n` `\r` `\t`, control
 *   characters, U+2028, U+2029 and bidirectional formatting characters as `\uNNNN`, and writing
 *   literal `${` and `%{` as `$${` and `%%{` so Nomad keeps them as text.
 * - A string is a heredoc (`<<EOT`) instead when it ends with a newline, has at least two lines,
 *   is not only newlines, and holds no character that needs a `\uNNNN` escape or CR. The content
 *   is written as is (heredocs have no backslash escapes) but for `$${` and `%%{`; the delimiter is
 *   the first of `EOT`, `EOT1`, `EOT2`, ... that no content line equals once trimmed, and is in
 *   column 0. List elements and block labels are always quoted.
 * - Strings are written as given, not normalized: HCL normalizes string literals and object keys
 *   (not block labels) to Unicode NFC when it parses them, so a string that is not in NFC reaches
 *   Nomad normalized (the API JSON form would keep it as is).
 * - Numbers: integers as integers (`1000000000000000000000`, never `1e+21`), other numbers as
 *   JavaScript prints them (`0.5`, `1.5e-7`); `-0` is `0`.
 * - Lists are on one line (`["a", "b"]`) when every element is a one-line scalar (string, number,
 *   boolean, null or one-line expression) and the line from `[` to `]` is at most 80 UTF-16 code
 *   units; otherwise one element per line, each followed by a comma. `[]` when empty.
 * - Objects have one entry per line, `key = value`, `=` aligned as in bodies. Keys that are
 *   identifiers are bare, except `for`, `true`, `false` and `null`; other keys are quoted strings.
 *   `{}` when empty.
 * - Expressions are written verbatim; lines after the first are indented to `indent`, except heredoc content.
 *
 * @param value - the value
 * @param indent - the indentation level (two spaces each) of the line the value starts on
 * @throws HclError as {@link renderHcl} does
 */
export function renderValue(value: HclValue, indent = 0): string {
  if (!Number.isInteger(indent) || indent < 0) {
    throw new RangeError(`Invalid indent: expected a non-negative integer, received ${indent}.`);
  }
  return renderAt(value, indent, { path: '', ancestors: new Set() }, true).text;
}
