import { HclError } from './hcl-error';

const SHORT_ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\\\',
  '"': '\\"',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

/**
 * Characters written as `\uNNNN` in quoted strings, and which therefore rule out a heredoc.
 *
 * Control characters (Unicode Cc: C0, DEL, C1) are invisible or break terminals. U+2028/U+2029
 * end lines in some editors, and the bidirectional formatting characters can make reviewed text
 * read differently from what Nomad gets ("Trojan Source", CVE-2021-42574).
 */
function needsUnicodeEscape(code: number): boolean {
  return (
    code <= 0x1f ||
    (code >= 0x7f && code <= 0x9f) ||
    code === 0x061c ||
    code === 0x200e ||
    code === 0x200f ||
    (code >= 0x2028 && code <= 0x202e) ||
    (code >= 0x2066 && code <= 0x2069)
  );
}

/** `${` starts an interpolation and `%{` a directive in every HCL template; doubling the sigil keeps them literal. */
function escapeTemplate(text: string): string {
  return text.replace(/([$%])\{/g, (_match, sigil: string) => `${sigil}${sigil}{`);
}

/** Throws on an unpaired UTF-16 surrogate: it has no UTF-8 encoding, so no HCL file can hold it. */
function assertWellFormed(value: string, path: string): void {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
    }
    if (code >= 0xd800 && code <= 0xdfff) {
      throw new HclError(
        'invalid-string',
        'Invalid string',
        `expected well-formed Unicode, received an unpaired surrogate \\u${hex4(code)} at index ${i} of ${JSON.stringify(value)}. Use String.prototype.toWellFormed() to replace it with U+FFFD.`,
        path,
      );
    }
  }
}

function hex4(code: number): string {
  return code.toString(16).toUpperCase().padStart(4, '0');
}

/** Printable ASCII but `"` and `\`: most strings, which need no escape but for template sigils. */
const PLAIN_ASCII = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/**
 * The quoted HCL string literal for `value`: `\`, `"`, newline, CR and tab get their short escapes,
 * the characters of {@link needsUnicodeEscape} become `\uNNNN`, and `${`/`%{` become `$${`/`%%{`.
 *
 * @param path - where the string is, for errors
 */
export function quoteString(value: string, path: string): string {
  if (PLAIN_ASCII.test(value)) {
    return `"${value.includes('{') ? escapeTemplate(value) : value}"`;
  }
  assertWellFormed(value, path);
  let out = '';
  for (const char of value) {
    const short = SHORT_ESCAPES[char];
    if (short !== undefined) {
      out += short;
    } else if (needsUnicodeEscape(char.charCodeAt(0))) {
      out += `\\u${hex4(char.charCodeAt(0))}`;
    } else {
      out += char;
    }
  }
  return `"${escapeTemplate(out)}"`;
}

/**
 * The heredoc for `value`, or `undefined` when it must be quoted.
 *
 * A string is a heredoc when it ends with a newline, has at least two lines, is not only newlines,
 * and holds nothing a heredoc cannot represent: no CR and none of the characters quoted strings
 * write as `\uNNNN` (tab, `"` and `\` are fine: heredocs have no backslash escapes). The closing
 * delimiter sits in column 0, like the content, and is the first of `EOT`, `EOT1`, `EOT2`, ... that
 * no content line equals once surrounding whitespace is trimmed (HCL trims before comparing).
 *
 * @param path - where the string is, for errors
 */
export function heredocString(value: string, path: string): string | undefined {
  assertWellFormed(value, path);
  const lastNewline = value.length - 1;
  if (!value.endsWith('\n') || value.indexOf('\n') === lastNewline || /^\n*$/.test(value)) {
    return undefined;
  }
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code !== 0x0a && code !== 0x09 && needsUnicodeEscape(code)) {
      return undefined;
    }
  }
  const content = escapeTemplate(value);
  // JS trim() removes every character Go's bytes.TrimSpace removes except U+0085, which never
  // reaches a heredoc (it is a control character), so it finds every line HCL would take as the end.
  const lines = new Set(content.split('\n').map((line) => line.trim()));
  let delimiter = 'EOT';
  for (let n = 1; lines.has(delimiter); n++) {
    delimiter = `EOT${n}`;
  }
  return `<<${delimiter}\n${content}${delimiter}`;
}

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

// Unicode 15.1 (rule GB9c) joins Indic conjuncts such as "क्ष" into one grapheme; hclwrite uses
// Unicode 15.0 and counts a consonant after a virama as its own column.
const CONJUNCT_CONSONANT = /(?<=[\u094D\u09CD\u0ACD\u0B4D\u0C4D\u0D4D][\p{M}\u200D]*)\p{L}/gu;

function columnsOfToken(token: string): number {
  let columns = 0;
  for (const { segment } of graphemes.segment(token)) {
    columns += 1 + (segment.match(CONJUNCT_CONSONANT)?.length ?? 0);
  }
  return columns;
}

/**
 * How many columns hclwrite counts for a rendered object key, the measure it aligns `=` by.
 *
 * hclwrite counts grapheme clusters per token, and HCL's scanner cuts a quoted string's content
 * into separate tokens at each `$`, `%`, `$${`, `$${~`, `%%{` and `%%{~`; a combining mark right
 * after such a cut therefore counts as a column of its own.
 *
 * @param key - a bare identifier or a literal produced by {@link quoteString}
 */
export function keyColumns(key: string): number {
  // In printable ASCII every character is one grapheme, so token cuts change nothing.
  if (!key.startsWith('"') || PRINTABLE_ASCII.test(key)) {
    return key.length;
  }
  let columns = 2;
  for (const token of key.slice(1, -1).split(/(\$\$\{~?|%%\{~?|\$|%)/)) {
    columns += columnsOfToken(token);
  }
  return columns;
}
