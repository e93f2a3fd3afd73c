import { HclSyntaxError, parseExpression } from './expression';

/**
 * The blocks of an HCL file in source order, with their positions.
 *
 * hcl2json returns labeled blocks as JSON objects keyed by label, sorted (Go
 * maps), which loses the order of groups, tasks and ports; it gives no
 * positions; and it cannot convert some bodies Nomad reads (a block type
 * repeated with different numbers of labels, as in driver `config`). This
 * scanner reads only the structure (block headers, attribute names and
 * braces), skipping attribute values, strings, heredocs and comments; HCL
 * syntax itself is checked by hcl2json.
 */
export interface SourcePosition {
  /** 1-based line. */
  readonly line: number;
  /** 1-based column, in characters. */
  readonly column: number;
}

export interface SourceBlock extends SourcePosition {
  readonly type: string;
  readonly labels: readonly string[];
  /** A label unique in the file, added before the block's own labels for hcl2json (see {@link keyedSource}). */
  readonly key: string;
  /** How many blocks of the same type and labels come before this one in its body. */
  readonly occurrence: number;
  /** Offset just after the block type, where the key label goes. */
  readonly typeEnd: number;
  readonly body: SourceBody;
}

export interface SourceBody {
  readonly blocks: readonly SourceBlock[];
  /** Where each attribute of the body is written (the first, if one is written twice). */
  readonly attributes: ReadonlyMap<string, SourcePosition>;
}

export function scanBlocks(source: string): SourceBody {
  const scanner = new Scanner(source);
  return scanner.body(false);
}

/**
 * The source with every block given a first label unique in the file (`group "#3" "web" {`), so that
 * hcl2json keys each block's body by it: `{"group": {"#3": {"web": [body]}}}`. hcl2json then never merges
 * two blocks, whatever labels they have, and the importer finds each block's body by its key. Only needed for
 * what hcl2json cannot convert otherwise (a block type repeated with different numbers of labels, as driver
 * `config` allows): the keys make hcl2json's output larger, and its parse slower.
 */
export function keyedSource(source: string, body: SourceBody): string {
  const inserts: SourceBlock[] = [];
  const collect = (b: SourceBody) => {
    for (const block of b.blocks) {
      inserts.push(block);
      collect(block.body);
    }
  };
  collect(body);
  inserts.sort((a, b) => a.typeEnd - b.typeEnd);
  let out = '';
  let at = 0;
  for (const block of inserts) {
    out += `${source.slice(at, block.typeEnd)} "${block.key}"`;
    at = block.typeEnd;
  }
  return out + source.slice(at);
}

class Scanner {
  private pos = 0;
  private keys = 0;

  constructor(private readonly src: string) {}

  body(nested: boolean): SourceBody {
    const blocks: SourceBlock[] = [];
    const attributes = new Map<string, SourcePosition>();
    const seen = new Map<string, number>();
    for (;;) {
      this.skipSpace(true);
      if (this.pos >= this.src.length) return { blocks, attributes };
      const char = this.src[this.pos] as string;
      if (char === '}') {
        if (nested) this.pos++;
        return { blocks, attributes };
      }
      const name = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(this.src.slice(this.pos, this.pos + 256))?.[0];
      if (!name) {
        // Not a statement start: hcl2json accepted the file, so skip to the next line.
        this.skipLine();
        continue;
      }
      const { line, column } = this.positionAt(this.pos);
      this.pos += name.length;
      const typeEnd = this.pos;
      this.skipSpace(false);
      if (this.src[this.pos] === '=') {
        if (!attributes.has(name)) attributes.set(name, { line, column });
        this.pos++;
        this.skipValue();
        continue;
      }
      const labels: string[] = [];
      for (;;) {
        this.skipSpace(false);
        const next = this.src[this.pos];
        if (next === '"') labels.push(this.quotedLabel());
        else if (next !== undefined && /[A-Za-z_]/.test(next)) {
          const label = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(this.src.slice(this.pos))?.[0] as string;
          labels.push(label);
          this.pos += label.length;
        } else break;
      }
      if (this.src[this.pos] !== '{') {
        this.skipLine();
        continue;
      }
      this.pos++;
      const key = `#${++this.keys}`;
      const sameKind = `${name}\u0000${labels.join('\u0000')}`;
      const occurrence = seen.get(sameKind) ?? 0;
      seen.set(sameKind, occurrence + 1);
      blocks.push({ type: name, labels, line, column, key, occurrence, typeEnd, body: this.body(true) });
    }
  }

  /** Skips an attribute value: up to a newline (or a closing brace of a one-line block) outside brackets. */
  private skipValue(): void {
    let depth = 0;
    while (this.pos < this.src.length) {
      const char = this.src[this.pos] as string;
      if (char === '"') {
        this.skipQuoted();
        continue;
      }
      if (char === '<' && this.src[this.pos + 1] === '<' && this.skipHeredoc()) continue;
      if (char === '#' || (char === '/' && this.src[this.pos + 1] === '/')) {
        this.skipLine();
        if (depth === 0) return;
        continue;
      }
      if (char === '/' && this.src[this.pos + 1] === '*') {
        this.skipBlockComment();
        continue;
      }
      if (char === '(' || char === '[' || char === '{') depth++;
      else if (char === ')' || char === ']' || char === '}') {
        if (depth === 0) return; // the `}` of a one-line block
        depth--;
      } else if (char === '\n' && depth === 0) return;
      this.pos++;
    }
  }

  /** A quoted string with escapes and nested `${ "..." }` interpolations. */
  private skipQuoted(): void {
    this.pos++;
    let depth = 0;
    while (this.pos < this.src.length) {
      const char = this.src[this.pos] as string;
      if (char === '\\') {
        this.pos += 2;
        continue;
      }
      if (depth === 0 && char === '"') {
        this.pos++;
        return;
      }
      if (depth > 0 && char === '"') {
        this.skipQuoted();
        continue;
      }
      if ((char === '$' || char === '%') && this.src[this.pos + 1] === '{') {
        // `$${` and `%%{` are escapes, not interpolations.
        if (this.src[this.pos - 1] !== char) depth++;
        this.pos += 2;
        continue;
      }
      if (depth > 0 && char === '{') depth++;
      if (depth > 0 && char === '}') depth--;
      this.pos++;
    }
  }

  /** A quoted label's value, with HCL's escapes (`\n`, `\u00e9`, `$${`) decoded as hcl2json decodes it. */
  private quotedLabel(): string {
    const start = this.pos;
    this.skipQuoted();
    const text = this.src.slice(start, this.pos);
    try {
      const label = parseExpression(text);
      if (label.kind === 'template' && label.parts.every((part) => part.kind === 'text')) {
        return label.parts.map((part) => (part as { text: string }).text).join('');
      }
    } catch (error) {
      if (!(error instanceof HclSyntaxError)) throw error;
    }
    // Not a plain string (HashiCorp's parser reports that): the text as written.
    return text.slice(1, -1);
  }

  private skipHeredoc(): boolean {
    const match = /^<<-?([A-Za-z_][A-Za-z0-9_-]*)\r?\n/.exec(this.src.slice(this.pos, this.pos + 300));
    if (!match) return false;
    this.pos += match[0].length;
    const delimiter = match[1] as string;
    while (this.pos < this.src.length) {
      const end = this.src.indexOf('\n', this.pos);
      const line = this.src.slice(this.pos, end === -1 ? this.src.length : end);
      this.pos = end === -1 ? this.src.length : end;
      if (line.trim() === delimiter) return true;
      this.pos++;
    }
    return true;
  }

  private skipBlockComment(): void {
    const end = this.src.indexOf('*/', this.pos + 2);
    this.pos = end === -1 ? this.src.length : end + 2;
  }

  private skipLine(): void {
    const end = this.src.indexOf('\n', this.pos);
    this.pos = end === -1 ? this.src.length : end + 1;
  }

  private skipSpace(newlines: boolean): void {
    while (this.pos < this.src.length) {
      const char = this.src[this.pos] as string;
      if (char === ' ' || char === '\t' || char === '\r' || (newlines && (char === '\n' || char === ','))) this.pos++;
      else if (newlines && (char === '#' || (char === '/' && this.src[this.pos + 1] === '/'))) this.skipLine();
      else if (char === '/' && this.src[this.pos + 1] === '*') this.skipBlockComment();
      else return;
    }
  }

  /** Positions are asked for in increasing order, so each scan starts where the last one ended. */
  private positionAt(offset: number): SourcePosition {
    let { line, lineStart } = this.lineCache;
    for (let i = this.lineCache.offset; i < offset; i++) {
      if (this.src.charCodeAt(i) === 10) {
        line++;
        lineStart = i + 1;
      }
    }
    this.lineCache = { offset, line, lineStart };
    return { line, column: offset - lineStart + 1 };
  }

  private lineCache = { offset: 0, line: 1, lineStart: 0 };
}
