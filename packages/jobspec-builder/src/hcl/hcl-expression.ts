import { HclError } from './hcl-error';

/**
 * How an expression's text sits among the lines `nomad fmt` sees.
 *
 * @internal
 */
export interface ExpressionLayout {
  /** Brackets the first line opens minus those it closes, counted up to a heredoc opener, as hclwrite counts them. */
  readonly firstLineOpens: number;
  /** Whether the text has a line break outside heredoc content, so hclwrite sees more than one line. */
  readonly multiline: boolean;
  /** Whether the text ends with a heredoc's closing delimiter, after which only a line break may follow. */
  readonly endsWithHeredoc: boolean;
  /** Per line of the text, whether it is heredoc content or a closing delimiter, which indentation would change. */
  readonly verbatim: readonly boolean[];
}

// Symbol.for, so that two copies of this package (a CDK app and a library each bundling one) still recognise each other's expressions.
const EXPRESSION_BRAND = Symbol.for('@org/jobspec-builder/hcl.HclExpression');

const HEREDOC_OPENER = /<<-?([A-Za-z_][A-Za-z0-9_-]*)\n/y;
const CLOSER: Readonly<Record<string, string>> = { ')': '(', ']': '[', '}': '{' };

function invalid(text: string, detail: string): HclError {
  return new HclError(
    'INVALID_EXPRESSION',
    'Invalid expression',
    `expected a single HCL expression, received ${JSON.stringify(text)}, which ${detail}.`,
  );
}

/**
 * Scans just enough of HCL's syntax (brackets, quoted templates, heredocs) to lay the text out
 * as hclwrite would and to reject text that would swallow the rest of the file.
 */
function scanExpression(text: string): ExpressionLayout {
  // '(' '[' '{' for brackets, '$' for a template interpolation or directive, '"' for a quoted template.
  const stack: string[] = [];
  const verbatim: boolean[] = [false];
  let firstLineOpens = 0;
  let onFirstLine = true;
  let multiline = false;
  let endsWithHeredoc = false;
  const count = (delta: number): void => {
    if (onFirstLine) {
      firstLineOpens += delta;
    }
  };

  let i = 0;
  while (i < text.length) {
    const char = text.charAt(i);
    const next = text.charAt(i + 1);
    endsWithHeredoc = false;
    if (char === '\r') {
      throw invalid(text, 'contains a carriage return; use "\\n" line breaks');
    }
    if (stack.at(-1) === '"') {
      if (char === '\n') {
        throw invalid(text, 'has a quoted string that is not closed on its line');
      }
      if (char === '\\') {
        if (next === '\n' || next === '') {
          throw invalid(text, 'has a quoted string that is not closed on its line');
        }
        i += 2;
        continue;
      }
      if ((char === '$' || char === '%') && next === char && text.charAt(i + 2) === '{') {
        i += 3;
        continue;
      }
      if ((char === '$' || char === '%') && next === '{') {
        stack.push('$');
        count(1);
        i += 2;
        continue;
      }
      if (char === '"') {
        stack.pop();
      }
      i++;
      continue;
    }

    if (char === '"' || char === '(' || char === '[' || char === '{') {
      stack.push(char);
      if (char !== '"') {
        count(1);
      }
    } else if (char === ')' || char === ']' || char === '}') {
      const top = stack.pop();
      if (top !== CLOSER[char] && !(char === '}' && top === '$')) {
        throw invalid(text, `has an unmatched "${char}"`);
      }
      count(-1);
    } else if (char === '#' || (char === '/' && (next === '/' || next === '*'))) {
      // A comment would also comment out whatever the writer puts after the expression (`,` or `]`).
      throw invalid(text, 'contains a comment; comments are not supported');
    } else if (char === '\n') {
      multiline = true;
      onFirstLine = false;
      verbatim.push(false);
    } else if (char === '<' && next === '<') {
      HEREDOC_OPENER.lastIndex = i;
      const marker = HEREDOC_OPENER.exec(text)?.[1];
      if (marker === undefined) {
        throw invalid(text, 'has "<<" that does not open a heredoc (<<ID or <<-ID, then a line break)');
      }
      // hclwrite stops counting brackets at a heredoc opener; what follows the heredoc is a new line for it.
      onFirstLine = false;
      i = HEREDOC_OPENER.lastIndex;
      for (;;) {
        const end = text.indexOf('\n', i);
        const line = text.slice(i, end === -1 ? undefined : end);
        verbatim.push(true);
        if (line.trim() === marker) {
          i = end === -1 ? text.length : end;
          endsWithHeredoc = end === -1;
          break;
        }
        if (end === -1) {
          throw invalid(text, `has a heredoc without its closing "${marker}" line`);
        }
        i = end + 1;
      }
      continue;
    }
    i++;
  }

  const open = stack.at(-1);
  if (open !== undefined) {
    throw invalid(
      text,
      open === '"' ? 'has an unclosed quoted string' : `has an unclosed "${open === '$' ? '${' : open}"`,
    );
  }
  return { firstLineOpens, multiline, endsWithHeredoc, verbatim };
}

/**
 * An HCL expression written verbatim: never quoted, never escaped. Use it for references and
 * function calls that Nomad evaluates when it parses the job, such as `var.image`, `local.tags`,
 * `upper("a")` or `[for s in var.ports : tonumber(s)]`.
 *
 * Strings are the right choice for runtime interpolation (`"${NOMAD_ALLOC_ID}"`): the writer
 * escapes them so Nomad keeps `${...}` as text for the client to expand.
 *
 * Write the text as `nomad fmt` would format it at the top level of a file; the writer indents
 * the lines of a multi-line expression (except heredoc content) to where the value lands, and
 * otherwise emits it as is. Comments are not supported.
 *
 * @example
 * attribute('image', HclExpression.of('var.image'));
 * // image = var.image
 */
export class HclExpression {
  /**
   * Wraps expression text.
   *
   * @param text - the expression; surrounding whitespace is removed
   * @throws HclError `INVALID_EXPRESSION` when the text is empty, has unbalanced brackets or quotes,
   *   an unterminated heredoc, a carriage return or a comment.
   */
  public static of(text: string): HclExpression {
    if (typeof text !== 'string') {
      throw new HclError(
        'INVALID_EXPRESSION',
        'Invalid expression',
        `expected the expression's text as a string, received ${typeof text}.`,
      );
    }
    const trimmed = text.trim();
    if (trimmed === '') {
      throw invalid(text, 'is empty; use null for an absent value or "" for an empty string');
    }
    return new HclExpression(trimmed, scanExpression(trimmed));
  }

  /**
   * Whether `value` is an {@link HclExpression}, also one made by another copy of this package
   * (where `instanceof` fails).
   */
  public static isExpression(value: unknown): value is HclExpression {
    return typeof value === 'object' && value !== null && EXPRESSION_BRAND in value;
  }

  /** The expression's text, without surrounding whitespace. */
  public readonly text: string;

  /** @internal */
  public readonly layout: ExpressionLayout;

  private constructor(text: string, layout: ExpressionLayout) {
    this.text = text;
    this.layout = layout;
    Object.defineProperty(this, EXPRESSION_BRAND, { value: true });
  }

  /** The expression's text. */
  public toString(): string {
    return this.text;
  }
}
