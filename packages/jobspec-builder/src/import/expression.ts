/**
 * A parser for HCL native-syntax expressions and templates, as hcl2json hands
 * them back: a string value that holds `${...}` or `%{...}` is a template whose
 * literal parts are already decoded and whose interpolations are expression
 * source text. Grammar: hashicorp/hcl hclsyntax/spec.md.
 */

export type Expr =
  | { readonly kind: 'literal'; readonly value: string | number | boolean | null }
  | { readonly kind: 'template'; readonly parts: readonly TemplatePart[] }
  | { readonly kind: 'tuple'; readonly items: readonly Expr[] }
  | { readonly kind: 'object'; readonly items: readonly { readonly key: Expr; readonly value: Expr }[] }
  | {
      readonly kind: 'traversal';
      readonly root: string;
      readonly steps: readonly Step[];
      /** The source text, which Nomad keeps as `${text}` when the root is unknown (`attr.kernel.name`). */
      readonly text: string;
    }
  | { readonly kind: 'getAttr'; readonly target: Expr; readonly name: string }
  | { readonly kind: 'index'; readonly target: Expr; readonly key: Expr }
  | { readonly kind: 'splat'; readonly target: Expr; readonly each: readonly Step[] }
  | { readonly kind: 'call'; readonly name: string; readonly args: readonly Expr[]; readonly expand: boolean }
  | {
      readonly kind: 'for';
      readonly keyVar: string | undefined;
      readonly valueVar: string;
      readonly collection: Expr;
      readonly keyExpr: Expr | undefined;
      readonly valueExpr: Expr;
      readonly condition: Expr | undefined;
      readonly group: boolean;
    }
  | { readonly kind: 'unary'; readonly op: '-' | '!'; readonly operand: Expr }
  | { readonly kind: 'binary'; readonly op: BinaryOp; readonly left: Expr; readonly right: Expr }
  | { readonly kind: 'conditional'; readonly condition: Expr; readonly then: Expr; readonly otherwise: Expr };

export type Step = { readonly kind: 'attr'; readonly name: string } | { readonly kind: 'index'; readonly key: Expr };

export type BinaryOp = '||' | '&&' | '==' | '!=' | '<' | '>' | '<=' | '>=' | '+' | '-' | '*' | '/' | '%';

export type TemplatePart =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'interpolation'; readonly expr: Expr }
  | {
      readonly kind: 'if';
      readonly condition: Expr;
      readonly then: readonly TemplatePart[];
      readonly otherwise: readonly TemplatePart[];
    }
  | {
      readonly kind: 'for';
      readonly keyVar: string | undefined;
      readonly valueVar: string;
      readonly collection: Expr;
      readonly body: readonly TemplatePart[];
    };

/** A syntax error, with the offset in the text it was found at. */
export class HclSyntaxError extends Error {
  override readonly name = 'HclSyntaxError';
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

// Lowest to highest (hclsyntax/spec.md, "Operations"); within a level, longest first so `<=` is not read as `<`.
const BINARY_LEVELS: readonly (readonly BinaryOp[])[] = [
  ['||'],
  ['&&'],
  ['==', '!='],
  ['<=', '>=', '<', '>'],
  ['+', '-'],
  ['*', '/', '%'],
];
const OPERATOR_CHARS = new Set(['|', '&', '=', '!', '<', '>', '+', '-', '*', '/', '%']);

/** Parses a string from hcl2json as a template (literal text with `${}`/`%{}` sequences). */
export function parseTemplate(text: string): Expr {
  const parser = new Parser(text);
  const parts = parser.templateParts('end');
  return { kind: 'template', parts };
}

/** Parses expression source text, such as a `type` constraint or a `-var` value. */
export function parseExpression(text: string): Expr {
  const parser = new Parser(text);
  const expr = parser.expression();
  parser.skipSpace();
  if (!parser.atEnd()) parser.fail(`unexpected "${parser.rest(12)}" after the expression`);
  return expr;
}

type TemplateEnd = 'end' | 'else' | 'endif' | 'endfor';

class Parser {
  private pos = 0;

  constructor(private readonly src: string) {}

  atEnd(): boolean {
    return this.pos >= this.src.length;
  }

  rest(length: number): string {
    return this.src.slice(this.pos, this.pos + length);
  }

  fail(message: string): never {
    throw new HclSyntaxError(message, this.pos);
  }

  // ---- templates ----

  /** Template parts up to the end of input or a closing directive, which is consumed. */
  templateParts(until: TemplateEnd | 'else-or-endif'): TemplatePart[] {
    const parts: TemplatePart[] = [];
    let text = '';
    const flush = () => {
      if (text) parts.push({ kind: 'text', text });
      text = '';
    };
    while (!this.atEnd()) {
      const char = this.src[this.pos] as string;
      const next = this.src[this.pos + 1];
      if ((char === '$' || char === '%') && next === char && this.src[this.pos + 2] === '{') {
        text += `${char}{`;
        this.pos += 3;
        continue;
      }
      if (char === '$' && next === '{') {
        flush();
        this.pos += 2;
        this.stripMarker();
        const expr = this.expression();
        this.skipSpace();
        this.stripMarker();
        this.expect('}');
        parts.push({ kind: 'interpolation', expr });
        continue;
      }
      if (char === '%' && next === '{') {
        flush();
        const start = this.pos;
        this.pos += 2;
        this.stripMarker();
        this.skipSpace();
        const keyword = this.identifier();
        if (keyword === 'if') {
          const condition = this.expression();
          this.closeDirective();
          const then = this.templateParts('else-or-endif');
          let otherwise: TemplatePart[] = [];
          if (this.lastDirective === 'else') otherwise = this.templateParts('endif');
          parts.push({ kind: 'if', condition, then, otherwise });
        } else if (keyword === 'for') {
          const [keyVar, valueVar] = this.forVariables();
          const collection = this.expression();
          this.closeDirective();
          const body = this.templateParts('endfor');
          parts.push({ kind: 'for', keyVar, valueVar, collection, body });
        } else if (keyword === 'else' || keyword === 'endif' || keyword === 'endfor') {
          this.closeDirective();
          const allowed =
            (until === 'else-or-endif' && (keyword === 'else' || keyword === 'endif')) || until === keyword;
          if (!allowed) {
            this.pos = start;
            this.fail(`unexpected %{ ${keyword} }`);
          }
          this.lastDirective = keyword;
          return parts;
        } else {
          this.pos = start;
          this.fail(`unknown template directive "${keyword}": use if, else, endif, for or endfor`);
        }
        continue;
      }
      text += char;
      this.pos++;
    }
    if (until !== 'end') this.fail(`missing %{ ${until === 'else-or-endif' ? 'endif' : until} }`);
    flush();
    return parts;
  }

  private lastDirective: TemplateEnd | undefined;

  private stripMarker(): void {
    // hcl2json has applied strip markers already; a `~` left here only needs skipping.
    if (this.src[this.pos] === '~') this.pos++;
  }

  private closeDirective(): void {
    this.skipSpace();
    this.stripMarker();
    this.expect('}');
  }

  // ---- expressions ----

  expression(): Expr {
    const condition = this.binary(0);
    this.skipSpace();
    if (this.src[this.pos] === '?') {
      this.pos++;
      const then = this.expression();
      this.skipSpace();
      this.expect(':');
      const otherwise = this.expression();
      return { kind: 'conditional', condition, then, otherwise };
    }
    return condition;
  }

  private binary(level: number): Expr {
    if (level === BINARY_LEVELS.length) return this.unary();
    let left = this.binary(level + 1);
    for (;;) {
      this.skipSpace();
      const op = this.operatorAt(BINARY_LEVELS[level] as readonly BinaryOp[]);
      if (!op) return left;
      this.pos += op.length;
      const right = this.binary(level + 1);
      left = { kind: 'binary', op, left, right };
    }
  }

  private operatorAt(ops: readonly BinaryOp[]): BinaryOp | undefined {
    const char = this.src[this.pos];
    if (char === undefined || !OPERATOR_CHARS.has(char)) return undefined;
    for (const op of ops) {
      if (!this.src.startsWith(op, this.pos)) continue;
      if ((op === '<' || op === '>') && this.src[this.pos + 1] === '=') continue;
      if (op === '-' && this.src[this.pos + 1] === '>') continue;
      return op;
    }
    return undefined;
  }

  private unary(): Expr {
    this.skipSpace();
    const char = this.src[this.pos];
    if (char === '-' || char === '!') {
      this.pos++;
      return { kind: 'unary', op: char, operand: this.unary() };
    }
    return this.postfix(this.term());
  }

  private postfix(initial: Expr): Expr {
    let expr = initial;
    for (;;) {
      const save = this.pos;
      this.skipSpace(false);
      const char = this.src[this.pos];
      if (char === '.' && this.src[this.pos + 1] === '*') {
        this.pos += 2;
        expr = { kind: 'splat', target: expr, each: this.splatSteps(false) };
      } else if (char === '[' && /^\[\s*\*\s*\]/.test(this.src.slice(this.pos, this.pos + 8))) {
        this.pos = this.src.indexOf(']', this.pos) + 1;
        expr = { kind: 'splat', target: expr, each: this.splatSteps(true) };
      } else if (char === '.' && !this.src.startsWith('...', this.pos)) {
        this.pos++;
        const step = this.attrStep();
        expr =
          step.kind === 'attr'
            ? { kind: 'getAttr', target: expr, name: step.name }
            : { kind: 'index', target: expr, key: step.key };
      } else if (char === '[') {
        this.pos++;
        const key = this.expression();
        this.skipSpace();
        this.expect(']');
        expr = { kind: 'index', target: expr, key };
      } else {
        this.pos = save;
        return expr;
      }
    }
  }

  /** `.name` or the legacy `.0` index. */
  private attrStep(): Step {
    const digits = /^[0-9]+/.exec(this.src.slice(this.pos));
    if (digits) {
      this.pos += digits[0].length;
      return { kind: 'index', key: { kind: 'literal', value: Number(digits[0]) } };
    }
    return { kind: 'attr', name: this.identifier() };
  }

  private splatSteps(full: boolean): Step[] {
    const steps: Step[] = [];
    for (;;) {
      const save = this.pos;
      this.skipSpace(false);
      if (this.src[this.pos] === '.' && this.src[this.pos + 1] !== '*' && !this.src.startsWith('...', this.pos)) {
        this.pos++;
        steps.push(this.attrStep());
      } else if (full && this.src[this.pos] === '[') {
        this.pos++;
        const key = this.expression();
        this.skipSpace();
        this.expect(']');
        steps.push({ kind: 'index', key });
      } else {
        this.pos = save;
        return steps;
      }
    }
  }

  private term(): Expr {
    this.skipSpace();
    const char = this.src[this.pos];
    if (char === undefined) this.fail('expected an expression, found the end of the text');
    if (char === '(') {
      this.pos++;
      const inner = this.expression();
      this.skipSpace();
      this.expect(')');
      return inner;
    }
    if (char === '"') return this.quotedTemplate();
    if (char === '<' && this.src[this.pos + 1] === '<') return this.heredoc();
    if (char === '[') return this.tupleOrFor();
    if (char === '{') return this.objectOrFor();
    if (/[0-9]/.test(char)) return this.number();
    if (/[A-Za-z_]/.test(char)) {
      const start = this.pos;
      const name = this.identifier();
      if (name === 'true' || name === 'false') return { kind: 'literal', value: name === 'true' };
      if (name === 'null') return { kind: 'literal', value: null };
      const save = this.pos;
      this.skipSpace(false);
      if (this.src[this.pos] === '(' || this.src.startsWith('::', this.pos)) return this.call(name);
      this.pos = save;
      return this.traversal(name, start);
    }
    return this.fail(`unexpected "${this.rest(12)}": expected an expression`);
  }

  /** A variable and its attribute/index steps with literal keys: the part Nomad keeps as text when unknown. */
  private traversal(root: string, start: number): Expr {
    const steps: Step[] = [];
    for (;;) {
      const save = this.pos;
      if (this.src[this.pos] === '.' && this.src[this.pos + 1] !== '*' && !this.src.startsWith('...', this.pos)) {
        this.pos++;
        steps.push(this.attrStep());
        continue;
      }
      if (this.src[this.pos] === '[' && !/^\[\s*\*/.test(this.src.slice(this.pos, this.pos + 4))) {
        this.pos++;
        this.skipSpace();
        const key = this.expression();
        this.skipSpace();
        this.expect(']');
        if (key.kind === 'literal' || (key.kind === 'template' && isLiteralTemplate(key))) {
          steps.push({ kind: 'index', key });
          continue;
        }
        this.pos = save;
      }
      break;
    }
    return { kind: 'traversal', root, steps, text: this.src.slice(start, this.pos) };
  }

  private call(name: string): Expr {
    let fullName = name;
    while (this.src.startsWith('::', this.pos)) {
      this.pos += 2;
      fullName += `::${this.identifier()}`;
    }
    this.skipSpace();
    this.expect('(');
    const args: Expr[] = [];
    let expand = false;
    for (;;) {
      this.skipSpace();
      if (this.src[this.pos] === ')') break;
      args.push(this.expression());
      this.skipSpace();
      if (this.src.startsWith('...', this.pos)) {
        this.pos += 3;
        expand = true;
        this.skipSpace();
        this.expect(')');
        return { kind: 'call', name: fullName, args, expand };
      }
      if (this.src[this.pos] === ',') {
        this.pos++;
        continue;
      }
      break;
    }
    this.skipSpace();
    this.expect(')');
    return { kind: 'call', name: fullName, args, expand };
  }

  private tupleOrFor(): Expr {
    this.pos++;
    this.skipSpace();
    if (this.keywordAhead('for')) return this.forExpression(']');
    const items: Expr[] = [];
    for (;;) {
      this.skipSpace();
      if (this.src[this.pos] === ']') break;
      items.push(this.expression());
      this.skipSpace();
      if (this.src[this.pos] === ',') {
        this.pos++;
        continue;
      }
      break;
    }
    this.skipSpace();
    this.expect(']');
    return { kind: 'tuple', items };
  }

  private objectOrFor(): Expr {
    this.pos++;
    this.skipSpace();
    if (this.keywordAhead('for')) return this.forExpression('}');
    const items: { key: Expr; value: Expr }[] = [];
    for (;;) {
      this.skipSpace();
      if (this.src[this.pos] === '}') break;
      const key = this.objectKey();
      this.skipSpace();
      if (this.src[this.pos] === '=' || this.src[this.pos] === ':') this.pos++;
      else this.fail(`expected "=" after the object key, found "${this.rest(8)}"`);
      const value = this.expression();
      items.push({ key, value });
      this.skipSpace(false);
      if (this.src[this.pos] === ',') this.pos++;
    }
    this.expect('}');
    return { kind: 'object', items };
  }

  /** A bare identifier key is the string itself (`{ a = 1 }`); `(a)` or any other expression is evaluated. */
  private objectKey(): Expr {
    const char = this.src[this.pos] as string;
    if (/[A-Za-z_]/.test(char)) {
      const save = this.pos;
      const name = this.identifier();
      this.skipSpace(false);
      if (this.src[this.pos] === '=' || this.src[this.pos] === ':') {
        if (this.src[this.pos + 1] !== '=') return { kind: 'literal', value: name };
      }
      this.pos = save;
    }
    return this.expression();
  }

  private forExpression(close: ']' | '}'): Expr {
    this.identifier(); // for
    const [keyVar, valueVar] = this.forVariables();
    const collection = this.expression();
    this.skipSpace();
    this.expect(':');
    let keyExpr: Expr | undefined;
    let valueExpr = this.expression();
    this.skipSpace();
    if (close === '}') {
      if (!this.src.startsWith('=>', this.pos)) this.fail('expected "=>" in an object for expression');
      this.pos += 2;
      keyExpr = valueExpr;
      valueExpr = this.expression();
      this.skipSpace();
    }
    let group = false;
    if (this.src.startsWith('...', this.pos)) {
      this.pos += 3;
      group = true;
      this.skipSpace();
    }
    let condition: Expr | undefined;
    if (this.keywordAhead('if')) {
      this.identifier();
      condition = this.expression();
      this.skipSpace();
    }
    this.expect(close);
    return { kind: 'for', keyVar, valueVar, collection, keyExpr, valueExpr, condition, group };
  }

  /** `k, v in` or `v in`. */
  private forVariables(): [string | undefined, string] {
    this.skipSpace();
    const first = this.identifier();
    this.skipSpace();
    let keyVar: string | undefined;
    let valueVar = first;
    if (this.src[this.pos] === ',') {
      this.pos++;
      this.skipSpace();
      keyVar = first;
      valueVar = this.identifier();
      this.skipSpace();
    }
    if (this.identifier() !== 'in') this.fail('expected "in" in a for expression');
    return [keyVar, valueVar];
  }

  private keywordAhead(word: string): boolean {
    return this.src.startsWith(word, this.pos) && !/[A-Za-z0-9_-]/.test(this.src[this.pos + word.length] ?? '');
  }

  private number(): Expr {
    const match = /^[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(this.src.slice(this.pos)) as RegExpExecArray;
    this.pos += match[0].length;
    return { kind: 'literal', value: Number(match[0]) };
  }

  /** A quoted string in expression source: backslash escapes apply, and it may hold a template. */
  private quotedTemplate(): Expr {
    this.pos++;
    const start = this.pos;
    // Find the closing quote, skipping escapes and nested `${ ... }` (which may hold quotes of their own).
    let depth = 0;
    let decoded = '';
    while (!this.atEnd()) {
      const char = this.src[this.pos] as string;
      if (depth === 0 && char === '"') break;
      if (char === '\\' && depth === 0) {
        const [text, length] = this.escape();
        decoded += text;
        this.pos += length;
        continue;
      }
      if (char === '"' && depth > 0) {
        // A nested string inside an interpolation: copy it whole, escapes included.
        const end = this.skipNestedString(this.pos);
        decoded += this.src.slice(this.pos, end);
        this.pos = end;
        continue;
      }
      if ((char === '$' || char === '%') && this.src[this.pos + 1] === '{') {
        if (depth === 0 && this.src[this.pos - 1] === char && this.src[this.pos - 2] !== char) {
          // `$${` was handled by the template parser: keep it as written.
        } else {
          depth++;
          decoded += `${char}{`;
          this.pos += 2;
          continue;
        }
      }
      if (char === '{' && depth > 0) depth++;
      if (char === '}' && depth > 0) depth--;
      decoded += char;
      this.pos++;
    }
    if (this.atEnd()) {
      this.pos = start - 1;
      this.fail('unterminated string');
    }
    this.pos++;
    return parseTemplate(decoded);
  }

  private skipNestedString(from: number): number {
    let i = from + 1;
    while (i < this.src.length && this.src[i] !== '"') i += this.src[i] === '\\' ? 2 : 1;
    return i + 1;
  }

  /** A backslash escape at `pos`: its text and its length in the source. */
  private escape(): [string, number] {
    const next = this.src[this.pos + 1];
    switch (next) {
      case 'n':
        return ['\n', 2];
      case 'r':
        return ['\r', 2];
      case 't':
        return ['\t', 2];
      case '"':
        return ['"', 2];
      case '\\':
        return ['\\', 2];
      case 'u': {
        const hex = this.src.slice(this.pos + 2, this.pos + 6);
        if (!/^[0-9A-Fa-f]{4}$/.test(hex)) this.fail('invalid \\u escape: expected 4 hex digits');
        return [String.fromCodePoint(Number.parseInt(hex, 16)), 6];
      }
      case 'U': {
        const hex = this.src.slice(this.pos + 2, this.pos + 10);
        if (!/^[0-9A-Fa-f]{8}$/.test(hex)) this.fail('invalid \\U escape: expected 8 hex digits');
        return [String.fromCodePoint(Number.parseInt(hex, 16)), 10];
      }
      default:
        return this.fail(`invalid escape "\\${next ?? ''}": use \\n, \\r, \\t, \\", \\\\, \\uNNNN or \\UNNNNNNNN`);
    }
  }

  private heredoc(): Expr {
    const match = /^<<(-?)([A-Za-z_][A-Za-z0-9_-]*)\r?\n/.exec(this.src.slice(this.pos));
    if (!match) return this.fail('invalid heredoc opener: expected <<ID or <<-ID followed by a newline');
    this.pos += match[0].length;
    const delimiter = match[2] as string;
    const lines: string[] = [];
    for (;;) {
      if (this.atEnd()) this.fail(`heredoc without its closing "${delimiter}" line`);
      const end = this.src.indexOf('\n', this.pos);
      const line = this.src.slice(this.pos, end === -1 ? this.src.length : end);
      this.pos = end === -1 ? this.src.length : end + 1;
      if (line.trim() === delimiter) break;
      lines.push(line);
    }
    if (this.src[this.pos - 1] === '\n') this.pos--;
    let body = lines.map((line) => `${line}\n`);
    if (match[1] === '-') {
      const indents = lines.filter((l) => l.trim() !== '').map((l) => (/^[ \t]*/.exec(l) as RegExpExecArray)[0].length);
      const strip = indents.length ? Math.min(...indents) : 0;
      body = lines.map((line) => `${line.slice(strip)}\n`);
    }
    return parseTemplate(body.join(''));
  }

  // ---- lexical helpers ----

  identifier(): string {
    const match = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(this.src.slice(this.pos, this.pos + 256));
    if (!match) this.fail(`expected a name, found "${this.rest(12)}"`);
    this.pos += match[0].length;
    return match[0];
  }

  private expect(char: string): void {
    if (this.src[this.pos] !== char) {
      this.fail(`expected "${char}", found ${this.atEnd() ? 'the end of the text' : `"${this.rest(12)}"`}`);
    }
    this.pos++;
  }

  /** Skips spaces, newlines and comments. */
  skipSpace(newlines = true): void {
    for (;;) {
      const char = this.src[this.pos];
      if (char === ' ' || char === '\t' || char === '\r' || (newlines && char === '\n')) {
        this.pos++;
      } else if (char === '#' || (char === '/' && this.src[this.pos + 1] === '/')) {
        const end = this.src.indexOf('\n', this.pos);
        this.pos = end === -1 ? this.src.length : end;
      } else if (char === '/' && this.src[this.pos + 1] === '*') {
        const end = this.src.indexOf('*/', this.pos + 2);
        this.pos = end === -1 ? this.src.length : end + 2;
      } else {
        return;
      }
    }
  }
}

function isLiteralTemplate(expr: Expr & { kind: 'template' }): boolean {
  return expr.parts.every((part) => part.kind === 'text');
}
