/**
 * The blocks of an HCL file in source order, with their line numbers.
 *
 * hcl2json returns labeled blocks as JSON objects keyed by label, sorted (Go
 * maps), which loses the order of groups, tasks and ports, and it gives no
 * positions. This scanner reads only the structure (block headers and
 * braces), skipping attribute values, strings, heredocs and comments; HCL
 * syntax itself is checked by hcl2json before this runs.
 */
export interface SourceBlock {
  readonly type: string;
  readonly labels: readonly string[];
  /** 1-based line of the block header. */
  readonly line: number;
  readonly body: SourceBody;
}

export interface SourceBody {
  readonly blocks: readonly SourceBlock[];
}

export function scanBlocks(source: string): SourceBody {
  const scanner = new Scanner(source);
  return scanner.body(false);
}

class Scanner {
  private pos = 0;

  constructor(private readonly src: string) {}

  body(nested: boolean): SourceBody {
    const blocks: SourceBlock[] = [];
    for (;;) {
      this.skipSpace(true);
      if (this.pos >= this.src.length) return { blocks };
      const char = this.src[this.pos] as string;
      if (char === '}') {
        if (nested) this.pos++;
        return { blocks };
      }
      const name = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(this.src.slice(this.pos, this.pos + 256))?.[0];
      if (!name) {
        // Not a statement start: hcl2json accepted the file, so skip to the next line.
        this.skipLine();
        continue;
      }
      const line = this.lineAt(this.pos);
      this.pos += name.length;
      this.skipSpace(false);
      if (this.src[this.pos] === '=') {
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
      blocks.push({ type: name, labels, line, body: this.body(true) });
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

  private quotedLabel(): string {
    const start = this.pos;
    this.skipQuoted();
    return JSON.parse(this.src.slice(start, this.pos)) as string;
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

  private lineAt(offset: number): number {
    let line = 1;
    for (let i = this.lineCache.offset; i < offset; i++) if (this.src.charCodeAt(i) === 10) line++;
    this.lineCache = { offset, line: this.lineCache.line + line - 1 };
    return this.lineCache.line;
  }

  private lineCache = { offset: 0, line: 1 };
}
