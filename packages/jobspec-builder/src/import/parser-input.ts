import { MAX_HCL_NESTING, MAX_STRIP_TEMPLATE_PARTS } from '../limits';
import type { SourcePosition } from './block-order';

/**
 * What HashiCorp's HCL parser is given, and how its answer is read back.
 *
 * Two properties of that parser (a Go WASM build) must not be reachable from a jobspec:
 *
 * - Deep nesting overflows the JavaScript stack inside the WASM code (at a few hundred levels), which can leave the
 *   Go runtime broken. The nesting is measured here first, in one linear pass, and a file nested deeper than
 *   {@link MAX_HCL_NESTING} is refused before the parser sees it.
 * - Its time is quadratic in the number of literal tokens of one template: hclsyntax
 *   `meldConsecutiveStringLiterals` joins neighbouring tokens one by one, each join copying the joined text and
 *   moving every token after it. Every `$` or `%` that does not open a `${`/`%{` sequence starts a token of its own,
 *   and so does every line of a heredoc: 80 KB of `$${x}` took 8 s. So the parser gets a text of the same meaning in
 *   which literal `$` and `%` are private-use characters, and so are the line breaks inside a long heredoc: a literal
 *   run is one token. The placeholders are turned back in the parser's output (values, keys and expression text
 *   alike).
 *
 * A template with a `~` strip marker is given as it is written, since where its tokens end decides what the marker
 * strips; it may have at most {@link MAX_STRIP_TEMPLATE_PARTS} literal `$`, `%` and lines.
 *
 * Every substitution has the length of what it replaces, so offsets stay the same; a position the parser reports is
 * mapped back to the source's lines (see {@link ParserInput.sourcePosition}).
 */
export interface ParserInput {
  /** The text given to the parser. */
  readonly text: string;
  /** hcl2json's output with the substitutions undone: what it would have returned for the source itself. */
  restore<T>(value: T): T;
  /** A position the parser reported, in the source. */
  sourcePosition(line: number, column: number): SourcePosition;
}

/** Where a file goes past a limit of {@link prepareParserInput}, and which. */
export interface InputLimit extends SourcePosition {
  readonly limit: number;
  readonly message: string;
}

/** A heredoc of more lines than this is given to the parser with its line breaks as placeholders. */
export const HEREDOC_RUN = 64;

/**
 * Measures the nesting of `source` and, if it is within the limits, the text the parser is given.
 * One pass over the source that follows HashiCorp's scanner (hclsyntax/scan_tokens.rl): code, quoted templates,
 * heredocs, `${`/`%{` sequences, comments.
 */
export function prepareParserInput(source: string): ParserInput | InputLimit {
  const lexer = new Lexer(source);
  const stop = lexer.run();
  if (stop !== undefined) {
    const { line, column } = positionOf(source, stop.at);
    return stop.kind === 'nesting'
      ? {
          line,
          column,
          limit: MAX_HCL_NESTING,
          message:
            `nested more than ${MAX_HCL_NESTING} levels deep here (blocks and their labels, brackets, strings, \${}/%{} ` +
            'sequences, and conditional or unary operators in a row each count one level); jobspecs nest about ten. ' +
            "This limit keeps HashiCorp's parser from overflowing the stack: flatten this part of the file",
        }
      : {
          line,
          column,
          limit: MAX_STRIP_TEMPLATE_PARTS,
          message:
            `this template has a ~ strip marker and more than ${MAX_STRIP_TEMPLATE_PARTS} lines and literal $ or % ` +
            "signs, which HashiCorp's parser reads in quadratic time: remove the ~ markers, or split the template",
        };
  }
  return lexer.input();
}

export function isInputLimit(value: ParserInput | InputLimit): value is InputLimit {
  return 'limit' in value;
}

/** What limit an expression read on its own (a `-var` value) goes past, if any. */
export function expressionLimit(text: string): string | undefined {
  const result = prepareParserInput(`v = ${text}\n`);
  return isInputLimit(result) ? result.message : undefined;
}

/** Go's unicode.IsSpace, which HCL uses to find indentation and heredoc markers. */
function isGoSpace(code: number): boolean {
  return (
    (code >= 0x09 && code <= 0x0d) ||
    code === 0x20 ||
    code === 0x85 ||
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000
  );
}

/** Runs of characters the lexer passes over in code, in a quoted string and in a heredoc's text. */
const PLAIN_CODE = /[^\n#/"<{}[\]()~,=?!-]*/y;
const PLAIN_QUOTED = /[^"\\$%]+/y;
const PLAIN_HEREDOC = /[^\n$%]+/y;

const DOLLAR = 0x24;
const PERCENT = 0x25;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const NEWLINE = 0x0a;
const TILDE = 0x7e;

type FrameKind = 'body' | 'brace' | 'bracket' | 'paren' | 'interp' | 'quoted' | 'heredoc';

interface Frame {
  readonly kind: FrameKind;
  /** Levels this frame adds to the nesting: one, plus the labels of a block. */
  readonly weight: number;
  /** `?` operators in the current expression of a code frame (each nests a conditional). */
  questions: number;
  /** In a block body: the statement so far (identifiers and strings before `=` or `{`), -1 once it is an attribute. */
  words: number;
  /** The template of a quoted or heredoc frame; for a `${`/`%{` sequence, the template it is in. */
  readonly template?: Template;
}

/** A quoted string or a heredoc. */
interface Template {
  /** Offset of its opening `"` or `<<`. */
  readonly start: number;
  readonly heredoc?: Heredoc;
  /** Offsets of its literal `$` and `%`. */
  readonly sigils: number[];
  /** Whether one of its sequences has a `~` strip marker. */
  strip: boolean;
}

interface HeredocLine {
  /** Offset of the line's first character. */
  readonly start: number;
  /** Whether the line begins as template text (not inside a `${...}` continued from the line before). */
  readonly literalStart: boolean;
  /** Leading whitespace characters (Go's unicode.IsSpace) of a line that begins as template text. */
  readonly indent: number;
  /** Whitespace only, up to its newline. */
  readonly blank: boolean;
}

interface Heredoc {
  /** Offset of `<<`. */
  readonly opener: number;
  readonly flush: boolean;
  readonly marker: string;
  readonly lines: HeredocLine[];
  /** Offsets of the line breaks of its text (`\n`, not those inside `${...}`), the last one before the marker's line. */
  readonly breaks: number[];
}

type Stop = { readonly kind: 'nesting' | 'strip-template'; readonly at: number };

class Lexer {
  private readonly stack: Frame[] = [{ kind: 'body', weight: 0, questions: 0, words: 0 }];
  private depth = 0;
  private stop: Stop | undefined;
  /** Offsets of literal `$` and `%` characters to write as placeholders (of templates without strip markers). */
  private readonly sigils: number[] = [];
  /** Long heredocs without strip markers, whose lines are separated. */
  private readonly heredocs: Heredoc[] = [];

  constructor(private readonly src: string) {}

  /** Lexes the whole source; returns where it went past a limit, if it did. */
  run(): Stop | undefined {
    const src = this.src;
    let i = 0;
    while (i < src.length && this.stop === undefined) {
      const frame = this.stack[this.stack.length - 1] as Frame;
      if (frame.kind === 'quoted') i = this.quoted(i, frame);
      else if (frame.kind === 'heredoc') i = this.heredoc(i, frame);
      else i = this.code(i, frame);
    }
    // A template the file never closes (a syntax error the parser reports) is read to the end of the file by the
    // parser too: it gets the same placeholders, so that the parser reports the error in linear time.
    for (const frame of this.stack) {
      const template = frame.template;
      if ((frame.kind !== 'quoted' && frame.kind !== 'heredoc') || !template) continue;
      // A sigil that ends the file is an invalid character to the scanner (it needs the character after it).
      if (template.sigils.at(-1) === this.src.length - 1) template.sigils.pop();
      this.finishTemplate(template);
    }
    return this.stop;
  }

  private push(kind: FrameKind, weight: number, at: number, template?: Template): void {
    this.stack.push({ kind, weight, questions: 0, words: 0, ...(template ? { template } : {}) });
    this.depth += weight;
    if (this.depth > MAX_HCL_NESTING) this.stop ??= { kind: 'nesting', at };
  }

  private pop(): void {
    const frame = this.stack.pop() as Frame;
    this.depth -= frame.weight;
  }

  /** Ends a template: its placeholders and separators apply unless a strip marker makes its token ends matter. */
  private endTemplate(template: Template): void {
    this.pop();
    this.finishTemplate(template);
  }

  private finishTemplate(template: Template): void {
    const parts = template.sigils.length + (template.heredoc?.lines.length ?? 0);
    if (template.strip) {
      if (parts > MAX_STRIP_TEMPLATE_PARTS) this.stop ??= { kind: 'strip-template', at: template.start };
      return;
    }
    for (const at of template.sigils) this.sigils.push(at);
    if (template.heredoc && template.heredoc.lines.length > HEREDOC_RUN) this.heredocs.push(template.heredoc);
  }

  /** One token of code at `i`; returns where the next starts. */
  private code(i: number, frame: Frame): number {
    const src = this.src;
    const c = src.charCodeAt(i);
    switch (c) {
      case NEWLINE: // ends a statement of a body and an item of an object
        if (frame.kind === 'body' || frame.kind === 'brace') {
          frame.questions = 0;
          frame.words = 0;
        }
        return i + 1;
      case 0x23: // #
        return this.lineEnd(i);
      case 0x2f: // /
        if (src.charCodeAt(i + 1) === 0x2f) return this.lineEnd(i);
        if (src.charCodeAt(i + 1) === 0x2a) {
          const end = src.indexOf('*/', i + 2);
          return end < 0 ? src.length : end + 2;
        }
        return i + 1;
      case 0x22: // "
        if (frame.kind === 'body' && frame.words >= 0) frame.words++;
        this.push('quoted', 1, i, { start: i, sigils: [], strip: false });
        return i + 1;
      case 0x3c: {
        // <<ID or <<-ID then a newline opens a heredoc
        const opener = /<<(-?)([\p{ID_Start}_][\p{ID_Continue}-]*)\r?\n/uy;
        opener.lastIndex = i;
        const match = opener.exec(src);
        if (!match) return i + 1;
        const heredoc: Heredoc = {
          opener: i,
          flush: match[1] === '-',
          marker: match[2] as string,
          lines: [],
          breaks: [],
        };
        const template: Template = { start: i, heredoc, sigils: [], strip: false };
        this.push('heredoc', 1, i, template);
        return this.startHeredocLine(template, i + match[0].length);
      }
      case OPEN_BRACE: {
        // In a body, `{` after a block type and its labels opens the block; anywhere else, an object.
        const isBlock = frame.kind === 'body' && frame.words > 0;
        const labels = isBlock ? frame.words - 1 : 0;
        frame.words = 0;
        this.push(isBlock ? 'body' : 'brace', 1 + labels, i);
        return i + 1;
      }
      case 0x5b: // [
        this.push('bracket', 1, i);
        return i + 1;
      case 0x28: // (
        this.push('paren', 1, i);
        return i + 1;
      case TILDE: // ~} closes a template sequence like }, and strips the text after it
        if (src.charCodeAt(i + 1) === CLOSE_BRACE) return this.closeBrace(i + 1, true);
        return i + 1;
      case CLOSE_BRACE:
        return this.closeBrace(i, false);
      case 0x5d: // ]
        if (frame.kind === 'bracket') this.pop();
        return i + 1;
      case 0x29: // )
        if (frame.kind === 'paren') this.pop();
        return i + 1;
      case 0x2c: // ,
        frame.questions = 0;
        return i + 1;
      case 0x3d: // =
        if (frame.kind === 'body' && src.charCodeAt(i + 1) !== 0x3d) frame.words = -1;
        return i + 1;
      case 0x3f: // ? nests a conditional until the end of the expression
        frame.questions++;
        if (this.depth + frame.questions > MAX_HCL_NESTING) this.stop ??= { kind: 'nesting', at: i };
        return i + 1;
      case 0x21: // !
      case 0x2d: {
        // - and ! in a row nest unary operators
        if (c === 0x21 && src.charCodeAt(i + 1) === 0x3d) return i + 2;
        let j = i;
        let run = 0;
        for (;;) {
          const d = src.charCodeAt(j);
          if (d === 0x2d || (d === 0x21 && src.charCodeAt(j + 1) !== 0x3d)) run++;
          else if (d !== 0x20 && d !== 0x09) break;
          j++;
        }
        if (this.depth + frame.questions + run > MAX_HCL_NESTING) this.stop ??= { kind: 'nesting', at: i };
        return j;
      }
      default: {
        if (frame.kind === 'body' && frame.words >= 0 && isWordStart(c)) {
          // A block type, an identifier label or an attribute name.
          frame.words++;
          let j = i + 1;
          while (j < src.length && isWordPart(src.charCodeAt(j))) j++;
          return j;
        }
        // In a block header every word counts (labels); elsewhere names, numbers, spaces and operators that nest
        // nothing are passed at once.
        if (frame.kind === 'body' && frame.words >= 0) return i + 1;
        PLAIN_CODE.lastIndex = i + 1;
        return PLAIN_CODE.test(src) ? PLAIN_CODE.lastIndex : i + 1;
      }
    }
  }

  /** `}`: closes the innermost brace, block or template sequence, as HashiCorp's scanner counts braces only. */
  private closeBrace(i: number, strip: boolean): number {
    for (let k = this.stack.length - 1; k > 0; k--) {
      const frame = this.stack[k] as Frame;
      if (frame.kind === 'quoted' || frame.kind === 'heredoc') break;
      if (frame.kind === 'brace' || frame.kind === 'body' || frame.kind === 'interp') {
        while (this.stack.length > k) this.pop();
        if (strip && frame.template) frame.template.strip = true;
        break;
      }
    }
    return i + 1;
  }

  private lineEnd(i: number): number {
    const end = this.src.indexOf('\n', i);
    return end < 0 ? this.src.length : end;
  }

  /** One step in a quoted template. */
  private quoted(i: number, frame: Frame): number {
    const c = this.src.charCodeAt(i);
    if (c !== 0x22 && c !== 0x5c && c !== DOLLAR && c !== PERCENT) {
      PLAIN_QUOTED.lastIndex = i;
      PLAIN_QUOTED.test(this.src);
      return PLAIN_QUOTED.lastIndex;
    }
    if (c === 0x22) {
      this.endTemplate(frame.template as Template);
      return i + 1;
    }
    if (c === 0x5c) return i + 2; // a backslash escape
    if (c === DOLLAR || c === PERCENT) return this.sigil(i, c, frame.template as Template);
    return i + 1;
  }

  /**
   * `$` or `%` in template text: `${`/`%{` opens a sequence; `$${`/`%%{` is the escape, both sigils literal; any
   * other sigil is literal (hclsyntax TemplateNotInterp/TemplateNotControl).
   */
  private sigil(i: number, c: number, template: Template): number {
    const src = this.src;
    const next = src.charCodeAt(i + 1);
    if (next === OPEN_BRACE) {
      this.push('interp', 1, i, template);
      if (src.charCodeAt(i + 2) !== TILDE) return i + 2;
      template.strip = true;
      return i + 3;
    }
    template.sigils.push(i);
    if (next === c && src.charCodeAt(i + 2) === OPEN_BRACE) {
      template.sigils.push(i + 1);
      return i + 3;
    }
    return i + 1;
  }

  /** One step in a heredoc's text. */
  private heredoc(i: number, frame: Frame): number {
    const c = this.src.charCodeAt(i);
    const template = frame.template as Template;
    if (c === DOLLAR || c === PERCENT) return this.sigil(i, c, template);
    if (c !== NEWLINE) {
      PLAIN_HEREDOC.lastIndex = i;
      PLAIN_HEREDOC.test(this.src);
      return PLAIN_HEREDOC.lastIndex;
    }
    template.heredoc?.breaks.push(i);
    return this.startHeredocLine(template, i + 1);
  }

  /**
   * At the start of a heredoc line in template text: the closing marker ends the heredoc (a line of the marker and
   * spaces, ended by a newline); any other line is recorded with its indentation.
   */
  private startHeredocLine(template: Template, start: number): number {
    const src = this.src;
    const heredoc = template.heredoc as Heredoc;
    if (start >= src.length) return start;
    let end = src.indexOf('\n', start);
    if (end < 0) end = src.length;
    let from = start;
    let to = end;
    while (from < to && isGoSpace(src.charCodeAt(from))) from++;
    while (to > from && isGoSpace(src.charCodeAt(to - 1))) to--;
    if (end < src.length && to - from === heredoc.marker.length && src.startsWith(heredoc.marker, from)) {
      this.endTemplate(template);
      return to; // the newline after the marker ends the attribute, in the code frame
    }
    let indent = 0;
    while (start + indent < end && isGoSpace(src.charCodeAt(start + indent))) indent++;
    heredoc.lines.push({ start, literalStart: true, indent, blank: start + indent === end });
    return start;
  }

  /** The text for the parser and the mapping back, from what run() found. */
  input(): ParserInput {
    const src = this.src;
    const edits = this.heredocs.flatMap((heredoc) => heredocEdits(src, heredoc));
    const same: ParserInput = {
      text: src,
      restore: (value) => value,
      sourcePosition: (line, column) => ({ line, column }),
    };
    if (this.sigils.length === 0 && edits.length === 0) return same;
    const placeholders = freeCharacters(src, 5);
    // A file with almost every character of the basic plane in it is read as it is.
    if (placeholders === undefined) return same;
    const [dollar, percent, removed, newline, carriageReturn] = placeholders as [
      string,
      string,
      string,
      string,
      string,
    ];
    const stands: Readonly<Record<string, string>> = {
      [REMOVED]: removed,
      [BREAK]: newline,
      [CARRIAGE_RETURN]: carriageReturn,
    };
    for (const at of this.sigils) edits.push({ at, text: SIGIL });
    edits.sort((a, b) => a.at - b.at);
    let text = '';
    let at = 0;
    const merged: number[] = [];
    for (const edit of edits) {
      text += src.slice(at, edit.at);
      if (edit.text === SIGIL) text += src.charCodeAt(edit.at) === DOLLAR ? dollar : percent;
      else text += stands[edit.text] ?? edit.text;
      if (edit.text === BREAK) merged.push(edit.at);
      at = edit.at + 1;
    }
    text += src.slice(at);
    const back: Readonly<Record<string, string>> = {
      [dollar]: '$',
      [percent]: '%',
      [removed]: '',
      [newline]: '\n',
      [carriageReturn]: '\r',
    };
    const pattern = new RegExp(`[${dollar}${percent}${removed}${newline}${carriageReturn}]`, 'g');
    const undo = (s: string) => s.replace(pattern, (m) => back[m] as string);
    const restore = (value: unknown): unknown => {
      if (typeof value === 'string') return undo(value);
      if (Array.isArray(value)) return value.map(restore);
      if (value !== null && typeof value === 'object') {
        const out: Record<string, unknown> = {};
        for (const [key, item] of Object.entries(value)) out[undo(key)] = restore(item);
        return out;
      }
      return value;
    };
    return {
      text,
      restore: <T>(value: T) => restore(value) as T,
      sourcePosition: (line, column) => positionBack(src, text, merged, line, column),
    };
  }
}

/**
 * A position in the parser's text, in the source: the same offset, since every substitution keeps the length. On a
 * line without merged line breaks only the line number changes (the column stays the parser's, in its own units); on
 * a line where breaks were merged, the position is found from its offset.
 */
function positionBack(
  src: string,
  text: string,
  merged: readonly number[],
  line: number,
  column: number,
): SourcePosition {
  if (merged.length === 0) return { line, column };
  let start = 0;
  for (let k = 1; k < line; k++) {
    const next = text.indexOf('\n', start);
    if (next < 0) return { line, column };
    start = next + 1;
  }
  let end = text.indexOf('\n', start);
  if (end < 0) end = text.length;
  const before = countBelow(merged, start);
  if (countBelow(merged, end) === before) return { line: line + before, column };
  return positionOf(src, Math.min(start + column - 1, src.length));
}

/** How many of the sorted `offsets` are below `limit`. */
function countBelow(offsets: readonly number[], limit: number): number {
  let low = 0;
  let high = offsets.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if ((offsets[mid] as number) < limit) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** What an edit writes, one character for one: a character, or a placeholder chosen once the edits are known. */
const SIGIL = 'sigil';
const REMOVED = 'removed';
const BREAK = 'break';
const CARRIAGE_RETURN = 'carriage-return';

interface Edit {
  readonly at: number;
  readonly text: string;
}

let graphemes: Intl.Segmenter | undefined;

/**
 * A long heredoc is given with the line breaks of its text as placeholders, so that its text is one literal token
 * (interpolations aside), not one a line. A `<<-` heredoc strips its common indentation from the lines that start
 * with text (hclsyntax `flushHeredocTemplateParts`), which merged lines would no longer be; so a long `<<-` heredoc
 * becomes ` <<` with the indentation it strips replaced by a placeholder the restore removes: the same value.
 */
function heredocEdits(src: string, heredoc: Heredoc): Edit[] {
  const lines = heredoc.lines;
  const edits: Edit[] = [];
  if (heredoc.flush) {
    // `<<-` as ` <<`: the same length, the same marker.
    edits.push({ at: heredoc.opener, text: ' ' }, { at: heredoc.opener + 2, text: '<' });
    // What flushHeredocTemplateParts strips: as many grapheme clusters as the least indentation of the lines that
    // start as text and are not blank.
    let strip = Number.POSITIVE_INFINITY;
    for (const line of lines) if (line.literalStart && !line.blank) strip = Math.min(strip, line.indent);
    if (Number.isFinite(strip) && strip > 0) {
      for (const line of lines) {
        if (!line.literalStart || line.blank) continue;
        let length = strip;
        // A combining mark after the indentation belongs to the last stripped cluster.
        if (src.charCodeAt(line.start + strip) > 0x7f) {
          graphemes ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
          const end = src.indexOf('\n', line.start);
          const segments = graphemes.segment(src.slice(line.start, end < 0 ? src.length : end))[Symbol.iterator]();
          length = 0;
          for (let k = 0; k < strip; k++) length += (segments.next().value?.segment.length as number | undefined) ?? 0;
        }
        for (let k = 0; k < length; k++) edits.push({ at: line.start + k, text: REMOVED });
      }
    }
  }
  // The break before the marker's line stays: the marker must start a line.
  for (const at of heredoc.breaks.slice(0, -1)) {
    if (src.charCodeAt(at - 1) === 0x0d) edits.push({ at: at - 1, text: CARRIAGE_RETURN });
    edits.push({ at, text: BREAK });
  }
  return edits;
}

/** `count` characters that do not occur in `src`, from the private use area first. */
function freeCharacters(src: string, count: number): string[] | undefined {
  const seen = new Uint8Array(0x10000);
  for (let i = 0; i < src.length; i++) seen[src.charCodeAt(i)] = 1;
  const free: string[] = [];
  const candidates = [
    [0xe000, 0xf8ff],
    [0x3400, 0x4dbf],
  ] as const;
  for (const [from, to] of candidates) {
    for (let code = from; code <= to && free.length < count; code++) {
      if (!seen[code]) free.push(String.fromCharCode(code));
    }
  }
  return free.length === count ? free : undefined;
}

function isWordStart(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f || c > 0x7f;
}

function isWordPart(c: number): boolean {
  return isWordStart(c) || (c >= 0x30 && c <= 0x39) || c === 0x2d;
}

/** 1-based line and column of an offset. */
export function positionOf(src: string, offset: number): SourcePosition {
  let line = 1;
  let lineStart = 0;
  for (let i = src.indexOf('\n'); i >= 0 && i < offset; i = src.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}
