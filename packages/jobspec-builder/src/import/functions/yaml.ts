import { isAlias, isMap, isScalar, isSeq, LineCounter, parseAllDocuments } from 'yaml';
import { codePoints, utf8Length } from '../../go/strings';
import { MAX_VALUE_NESTING } from '../../limits';
import { HclLimitError } from './budget';
import { daysFromCivil, daysIn, formatRfc3339 } from './datetime';
import { numberToString, parseNumber } from './number-text';
import {
  describe,
  goQuote,
  type HclData,
  type HclList,
  type HclObject,
  isList,
  isObject,
  makeObject,
  prop,
  sortedKeys,
  strictBase64,
  toStringValue,
} from './values';

// ---------------------------------------------------------------------------
// YAML decoding with go-cty-yaml's resolution rules (YAML 1.1 style scalars)

const YAML_TAG = 'tag:yaml.org,2002:';
const RESOLVE_MAP: ReadonlyMap<string, HclData> = new Map<string, HclData>([
  ...['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON'].map((s) => [s, true] as const),
  ...['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF'].map((s) => [s, false] as const),
  ...['', '~', 'null', 'Null', 'NULL'].map((s) => [s, null] as const),
  ...['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF'].map((s) => [s, Number.POSITIVE_INFINITY] as const),
  ...['-.inf', '-.Inf', '-.INF'].map((s) => [s, Number.NEGATIVE_INFINITY] as const),
]);
const RESOLVABLE_TAGS = new Set(
  ['', 'str', 'bool', 'int', 'float', 'null', 'timestamp', 'binary'].map((t) => (t === '' ? '' : YAML_TAG + t)),
);

/** Parses a YAML timestamp with the formats go-cty-yaml accepts, as an RFC 3339 string. */
function yamlTimestamp(s: string): string | undefined {
  const m =
    /^(\d{4})-(\d{1,2})-(\d{1,2})(?:(?:[Tt]|( ))(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})?)?$/.exec(
      s,
    );
  if (!m) return undefined;
  const [, y, mo, d, space, h, mi, sec, , zone] = m;
  // With a 'T' the zone is required; with a space there is none.
  if (h !== undefined && space === undefined && zone === undefined) return undefined;
  if (space !== undefined && zone !== undefined) return undefined;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > daysIn(month, year)) return undefined;
  const hour = Number(h ?? 0);
  const minute = Number(mi ?? 0);
  const second = Number(sec ?? 0);
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  let offset = 0;
  if (zone !== undefined && zone !== 'Z') {
    offset = (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6))) * 60 * (zone.startsWith('-') ? -1 : 1);
  }
  const secs = daysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - offset;
  return formatRfc3339({ ns: BigInt(secs) * 1_000_000_000n, offset });
}

/** go-cty-yaml's resolveScalar. */
function resolveYamlScalar(tag: string, src: string, quoted: boolean): HclData {
  if (!RESOLVABLE_TAGS.has(tag)) throw new Error(`unsupported tag ${goQuote(tag)}`);
  const hint =
    src === ''
      ? 'N'
      : '+-'.includes(src[0] as string)
        ? 'S'
        : /[0-9]/.test(src[0] as string)
          ? 'D'
          : 'yYnNtTfFoO~'.includes(src[0] as string)
            ? 'M'
            : src[0] === '.'
              ? '.'
              : '';
  if (hint !== '' && tag !== `${YAML_TAG}str` && tag !== `${YAML_TAG}binary`) {
    if (quoted) return src;
    if (RESOLVE_MAP.has(src)) return RESOLVE_MAP.get(src) as HclData;
    if (tag === '' && ['.nan', '.NaN', '.NAN'].includes(src)) throw new Error('floating point NaN is not supported');
    if (hint === '.') {
      const n = parseNumber(src);
      if (n !== undefined) return n;
    } else if (hint === 'D' || hint === 'S') {
      if (tag === '' || tag === `${YAML_TAG}timestamp`) {
        const t = /^\d{4}-/.test(src) ? yamlTimestamp(src) : undefined;
        if (t !== undefined) return t;
      }
      const n = parseNumber(src.replace(/_/g, ''));
      if (n !== undefined) return n;
      if (/^-?0b/.test(src.replace(/_/g, '')) && tag === '') return resolveYamlScalar(`${YAML_TAG}int`, src, false);
    }
  }
  switch (tag.slice(YAML_TAG.length)) {
    case 'str':
      return src;
    case 'binary':
      if (strictBase64(src) === undefined) throw new Error(`cannot parse ${goQuote(src)} as ${tag}: not valid base64`);
      return src;
    case 'bool': {
      const b = RESOLVE_MAP.get(src);
      if (typeof b !== 'boolean') throw new Error(`cannot parse ${goQuote(src)} as ${tag}`);
      return b;
    }
    case 'float':
    case 'int': {
      const plain = src.replace(/_/g, '');
      const n = parseNumber(plain);
      if (n !== undefined) return n;
      const m = /^([+-]?)(0x[0-9a-fA-F]+|0o?[0-7]+|0b[01]+)$/.exec(plain);
      if (m) {
        const digits = (m[2] as string).replace(/^0(?=[0-7])/, '0o');
        const v = BigInt(digits);
        const signed = m[1] === '-' ? -v : v;
        if (signed >= -(2n ** 63n) && signed < 2n ** 64n) return Number(signed);
      }
      throw new Error(`cannot parse ${goQuote(src)} as ${tag}`);
    }
    case 'timestamp': {
      const t = yamlTimestamp(src);
      if (t === undefined) throw new Error(`cannot parse ${goQuote(src)} as ${tag}`);
      return t;
    }
    case 'null':
      return null;
    default:
      return src;
  }
}

interface YamlNodeLike {
  readonly range?: readonly number[] | null;
  readonly anchor?: string;
  readonly tag?: string;
}

/** The YAML parser recurses once per level: a document nested deeper than it can follow is refused as such. */
function tooDeep(): HclLimitError {
  return new HclLimitError(`yamldecode: the document is nested more than ${MAX_VALUE_NESTING} levels deep, the limit`);
}

function isStackOverflow(error: unknown): boolean {
  return error instanceof RangeError && /Maximum call stack size exceeded/.test(error.message);
}

/**
 * An upper estimate of a YAML document's nesting, in one pass over its text: the indentation levels open at a line
 * (plus compact `- - x` indicators on it) and the deepest `[`/`{` nesting, outside quotes and comments. The parser
 * recurses once per level and, a few hundred levels down, can abort the process in V8's regular expression compiler;
 * so a document is measured before it is parsed.
 */
function nestingEstimate(src: string): number {
  const n = src.length;
  const indents: number[] = [];
  let flow = 0;
  let deepestFlow = 0;
  let deepestBlock = 0;
  let i = 0;
  while (i < n) {
    let indent = 0;
    while (i < n && src[i] === ' ') {
      i++;
      indent++;
    }
    if (flow === 0 && i < n && src[i] !== '\n' && src[i] !== '#') {
      while (indents.length > 0 && (indents[indents.length - 1] as number) >= indent) indents.pop();
      indents.push(indent);
      let compact = 0;
      for (let j = i; j < n && (src[j] === '-' || src[j] === '?') && /[ \n]/.test(src[j + 1] ?? '\n'); ) {
        compact++;
        j += 2;
        while (src[j] === ' ') j++;
      }
      deepestBlock = Math.max(deepestBlock, indents.length + compact);
    }
    while (i < n && src[i] !== '\n') {
      const ch = src[i];
      if (ch === '"' || ch === "'") {
        // A quoted scalar, possibly over several lines.
        for (i++; i < n && src[i] !== ch; i++) if (ch === '"' && src[i] === '\\') i++;
      } else if (ch === '#' && (i === 0 || /\s/.test(src[i - 1] as string))) {
        while (i < n && src[i] !== '\n') i++;
        break;
      } else if (ch === '[' || ch === '{') {
        flow++;
        if (flow > deepestFlow) deepestFlow = flow;
      } else if ((ch === ']' || ch === '}') && flow > 0) flow--;
      i++;
    }
    i++;
  }
  return deepestBlock + deepestFlow;
}

/** The nesting of a parsed document, measured without recursion. */
function nodeDepth(root: unknown): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[root, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop() as [unknown, number];
    if (depth > deepest) deepest = depth;
    if (depth > MAX_VALUE_NESTING) break;
    if (isMap(node)) for (const pair of node.items) stack.push([pair.key, depth + 1], [pair.value, depth + 1]);
    else if (isSeq(node)) for (const item of node.items) stack.push([item, depth + 1]);
  }
  return deepest;
}

/** go-cty-yaml's Unmarshal of a single document. */
export function yamlDecode(source: string): HclData {
  const lineCounter = new LineCounter();
  const src = source === '' ? '\n' : source;
  if (nestingEstimate(src) > MAX_VALUE_NESTING) throw tooDeep();
  const parse = () =>
    parseAllDocuments(src, { schema: 'failsafe', uniqueKeys: false, merge: false, lineCounter, prettyErrors: false });
  let docs: ReturnType<typeof parse>;
  try {
    docs = parse();
  } catch (error) {
    if (isStackOverflow(error)) throw tooDeep();
    throw error;
  }
  const at = (offset: number, message: string): Error => {
    const pos = lineCounter.linePos(offset);
    return new Error(`on line ${pos.line - 1}, column ${pos.col}: ${message}`);
  };
  /** libyaml marks a node where its properties (tag, anchor) start; the yaml package where its value does. */
  const nodeStart = (node: YamlNodeLike | null | undefined): number => {
    let start = node?.range?.[0] ?? 0;
    for (let props = 0; props < 2; props++) {
      let i = start;
      while (i > 0 && (src[i - 1] === ' ' || src[i - 1] === '\t')) i--;
      let j = i;
      while (j > 0 && !/\s/.test(src[j - 1] as string)) j--;
      if (j === i || (src[j] !== '!' && src[j] !== '&')) break;
      start = j;
    }
    return start;
  };
  const nodeError = (node: YamlNodeLike | null | undefined, message: string): Error => at(nodeStart(node), message);
  const list = Array.from(docs);
  const first = list[0];
  if (first === undefined) throw at(src.length, 'missing start of document');
  const syntax = first.errors[0];
  // The parser reports its own stack overflow as a syntax error at the deepest point.
  if (syntax && /Maximum call stack size exceeded/.test(syntax.message)) throw tooDeep();
  if (syntax) throw at(syntax.pos[0], syntax.message.split('\n')[0] as string);
  const second = list[1];
  if (second !== undefined) {
    const e = second.errors[0];
    if (e) throw at(e.pos[0], e.message.split('\n')[0] as string);
    throw at(second.range[0], 'only a single document is allowed');
  }
  const pending = new Map<string, number>();
  const anchors = new Map<string, HclData>();
  const begin = (anchor: string | undefined): void => {
    if (anchor) pending.set(anchor, (pending.get(anchor) ?? 0) + 1);
  };
  const complete = (anchor: string | undefined, v: HclData): void => {
    if (!anchor) return;
    const count = (pending.get(anchor) ?? 1) - 1;
    if (count === 0) pending.delete(anchor);
    else pending.set(anchor, count);
    anchors.set(anchor, v);
  };
  const decode = (node: unknown): HclData => {
    if (node === null || node === undefined) return null;
    if (isAlias(node)) {
      const name = node.source;
      if (pending.has(name))
        throw nodeError(node, `cannot refer to anchor ${goQuote(name)} from inside its own definition`);
      if (!anchors.has(name)) throw nodeError(node, `reference to undefined anchor ${goQuote(name)}`);
      return anchors.get(name) as HclData;
    }
    if (isScalar(node)) {
      begin(node.anchor);
      const quoted = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE';
      let v: HclData;
      try {
        v = resolveYamlScalar(node.tag ?? '', String(node.source ?? ''), quoted);
      } catch (e) {
        throw nodeError(node, (e as Error).message);
      }
      complete(node.anchor, v);
      return v;
    }
    if (isMap(node)) {
      if (node.tag && node.tag !== `${YAML_TAG}map`) throw nodeError(node, `can't interpret mapping as ${node.tag}`);
      begin(node.anchor);
      const vals = new Map<string, HclData>();
      for (const pair of node.items) {
        const key = pair.key as unknown;
        if (isScalar(key) && key.type === 'PLAIN' && (key.tag ?? '') === '' && key.source === '<<') {
          const merged = decode(pair.value);
          const maps = isList(merged) ? merged : [merged];
          for (const m of maps) {
            if (!isObject(m)) {
              throw nodeError(
                key,
                `cannot merge ${describe(m)}${isList(merged) ? ' (from sequence)' : ''} into mapping`,
              );
            }
            for (const k of sortedKeys(m)) vals.set(k, prop(m, k));
          }
          continue;
        }
        if (key === null || key === undefined) throw nodeError(node, 'mapping key cannot be null');
        if (!isScalar(key)) throw nodeError(key as YamlNodeLike, 'only strings are allowed as mapping keys');
        let k: HclData;
        try {
          k = resolveYamlScalar(
            key.tag ?? '',
            String(key.source ?? ''),
            key.type === 'QUOTE_DOUBLE' || key.type === 'QUOTE_SINGLE',
          );
        } catch (e) {
          throw nodeError(key, (e as Error).message);
        }
        if (k === null) throw nodeError(key, 'mapping key cannot be null');
        vals.set((toStringValue(k) as { value: string }).value, decode(pair.value));
      }
      const v = makeObject(vals);
      complete(node.anchor, v);
      return v;
    }
    if (isSeq(node)) {
      if (node.tag && node.tag !== `${YAML_TAG}seq`) throw nodeError(node, `can't interpret sequence as ${node.tag}`);
      begin(node.anchor);
      const v = node.items.map(decode);
      complete(node.anchor, v);
      return v;
    }
    throw nodeError(node as YamlNodeLike, 'unexpected YAML node');
  };
  if (nodeDepth(first.contents) > MAX_VALUE_NESTING) throw tooDeep();
  return decode(first.contents);
}

// ---------------------------------------------------------------------------
// YAML encoding: the libyaml emitter as go-cty-yaml drives it (block style)

interface ScalarAnalysis {
  multiline: boolean;
  flowPlain: boolean;
  blockPlain: boolean;
  singleQuoted: boolean;
  block: boolean;
}

function yamlIsPrintable(cp: number): boolean {
  return (
    cp === 0x0a ||
    (cp >= 0x20 && cp <= 0x7e) ||
    (cp >= 0xa0 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd && cp !== 0xfeff)
  );
}

function yamlIsBreak(ch: string | undefined): boolean {
  return ch === '\r' || ch === '\n' || ch === '\u0085' || ch === '\u2028' || ch === '\u2029';
}

function yamlIsBlank(ch: string | undefined): boolean {
  return ch === ' ' || ch === '\t';
}

/** yaml_emitter_analyze_scalar. */
function analyzeScalar(value: string): ScalarAnalysis {
  if (value === '') return { multiline: false, flowPlain: false, blockPlain: true, singleQuoted: true, block: false };
  const cps = codePoints(value);
  let blockIndicators = false;
  let flowIndicators = false;
  let lineBreaks = false;
  let special = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  let precededByWhitespace = true;
  let previousSpace = false;
  let previousBreak = false;
  if (value.startsWith('---') || value.startsWith('...')) {
    blockIndicators = true;
    flowIndicators = true;
  }
  cps.forEach((ch, i) => {
    const next = cps[i + 1];
    const followedByWhitespace = next === undefined || yamlIsBlank(next);
    if (i === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(ch)) {
        flowIndicators = true;
        blockIndicators = true;
      } else if (ch === '?' || ch === ':') {
        flowIndicators = true;
        if (followedByWhitespace) blockIndicators = true;
      } else if (ch === '-' && followedByWhitespace) {
        flowIndicators = true;
        blockIndicators = true;
      }
    } else if (',?[]{}'.includes(ch)) {
      flowIndicators = true;
    } else if (ch === ':') {
      flowIndicators = true;
      if (followedByWhitespace) blockIndicators = true;
    } else if (ch === '#' && precededByWhitespace) {
      flowIndicators = true;
      blockIndicators = true;
    }
    if (!yamlIsPrintable(ch.codePointAt(0) ?? 0)) special = true;
    if (ch === ' ') {
      if (i === 0) leadingSpace = true;
      if (i === cps.length - 1) trailingSpace = true;
      if (previousBreak) breakSpace = true;
      previousSpace = true;
      previousBreak = false;
    } else if (yamlIsBreak(ch)) {
      lineBreaks = true;
      if (i === 0) leadingBreak = true;
      if (i === cps.length - 1) trailingBreak = true;
      if (previousSpace) spaceBreak = true;
      previousSpace = false;
      previousBreak = true;
    } else {
      previousSpace = false;
      previousBreak = false;
    }
    precededByWhitespace = yamlIsBlank(ch) || yamlIsBreak(ch);
  });
  const a: ScalarAnalysis = {
    multiline: lineBreaks,
    flowPlain: true,
    blockPlain: true,
    singleQuoted: true,
    block: true,
  };
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) {
    a.flowPlain = false;
    a.blockPlain = false;
  }
  if (trailingSpace) a.block = false;
  if (breakSpace) {
    a.flowPlain = false;
    a.blockPlain = false;
    a.singleQuoted = false;
  }
  if (spaceBreak || special) {
    a.flowPlain = false;
    a.blockPlain = false;
    a.singleQuoted = false;
    a.block = false;
  }
  if (lineBreaks) {
    a.flowPlain = false;
    a.blockPlain = false;
  }
  if (flowIndicators) a.flowPlain = false;
  if (blockIndicators) a.blockPlain = false;
  return a;
}

type ScalarStyle = 'plain' | 'single' | 'double' | 'literal';

export class YamlEmitter {
  out = '';
  private column = 0;
  private indent = -1;
  private readonly indents: number[] = [];
  private whitespace = true;
  private indention = true;
  private openEnded = false;
  private rootContext = false;
  private mappingContext = false;
  private simpleKeyContext = false;

  private put(ch: string): void {
    this.out += ch;
    this.column++;
  }

  private putBreak(): void {
    this.out += '\n';
    this.column = 0;
  }

  private writeBreak(ch: string): void {
    if (ch === '\n') this.putBreak();
    else {
      this.out += ch;
      this.column = 0;
    }
  }

  private writeIndent(): void {
    const indent = Math.max(this.indent, 0);
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace)) this.putBreak();
    while (this.column < indent) this.put(' ');
    this.whitespace = true;
    this.indention = true;
  }

  private writeIndicator(
    indicator: string,
    needWhitespace: boolean,
    isWhitespace: boolean,
    isIndention: boolean,
  ): void {
    if (needWhitespace && !this.whitespace) this.put(' ');
    for (const ch of indicator) this.put(ch);
    this.whitespace = isWhitespace;
    this.indention = this.indention && isIndention;
    this.openEnded = false;
  }

  private increaseIndent(flow: boolean, indentless: boolean): void {
    this.indents.push(this.indent);
    if (this.indent < 0) this.indent = flow ? 2 : 0;
    else if (!indentless) this.indent += 2;
  }

  private popIndent(): void {
    this.indent = this.indents.pop() ?? -1;
  }

  document(v: HclData): string {
    this.node(v, true, false, false);
    this.writeIndent();
    if (this.openEnded) {
      this.writeIndicator('...', true, false, false);
      this.writeIndent();
    }
    return this.out;
  }

  private node(v: HclData, root: boolean, mapping: boolean, simpleKey: boolean): void {
    this.rootContext = root;
    this.mappingContext = mapping;
    this.simpleKeyContext = simpleKey;
    if (isList(v)) this.sequence(v);
    else if (isObject(v)) this.mapping(v);
    else this.scalar(v);
  }

  private scalarText(v: HclData): { text: string; style: ScalarStyle } {
    if (v === null) return { text: 'null', style: 'plain' };
    if (typeof v === 'boolean') return { text: v ? 'true' : 'false', style: 'plain' };
    if (typeof v === 'number') {
      const text =
        v === Number.POSITIVE_INFINITY ? '+.Inf' : v === Number.NEGATIVE_INFINITY ? '-.Inf' : numberToString(v);
      return { text, style: 'plain' };
    }
    const s = v as string;
    return { text: s, style: s.includes('\n') ? 'literal' : 'double' };
  }

  private selectStyle(style0: ScalarStyle, text: string, a: ScalarAnalysis): ScalarStyle {
    let style = style0;
    if (this.simpleKeyContext && a.multiline) style = 'double';
    if (style === 'plain') {
      if (!a.blockPlain) style = 'single';
      if (text === '' && this.simpleKeyContext) style = 'single';
    }
    if (style === 'single' && !a.singleQuoted) style = 'double';
    if (style === 'literal' && (!a.block || this.simpleKeyContext)) style = 'double';
    return style;
  }

  private scalar(v: HclData): void {
    const { text, style: wanted } = this.scalarText(v);
    const a = analyzeScalar(text);
    const style = this.selectStyle(wanted, text, a);
    this.increaseIndent(true, false);
    const allowBreaks = !this.simpleKeyContext;
    if (style === 'plain') this.writePlain(text, allowBreaks);
    else if (style === 'single') this.writeSingle(text, allowBreaks);
    else if (style === 'double') this.writeDouble(text, allowBreaks);
    else this.writeLiteral(text);
    this.popIndent();
  }

  private isSimpleKey(k: string): boolean {
    const a = analyzeScalar(k);
    return !a.multiline && utf8Length(k) <= 128;
  }

  private sequence(v: HclList): void {
    if (v.length === 0) {
      this.writeIndicator('[', true, true, false);
      this.writeIndicator(']', false, false, false);
      return;
    }
    this.increaseIndent(false, this.mappingContext && !this.indention);
    for (const item of v) {
      this.writeIndent();
      this.writeIndicator('-', true, false, true);
      this.node(item, false, false, false);
    }
    this.popIndent();
  }

  private mapping(v: HclObject): void {
    const keys = sortedKeys(v);
    if (keys.length === 0) {
      this.writeIndicator('{', true, true, false);
      this.writeIndicator('}', false, false, false);
      return;
    }
    this.increaseIndent(false, false);
    for (const k of keys) {
      this.writeIndent();
      if (this.isSimpleKey(k)) {
        this.node(k, false, true, true);
        this.writeIndicator(':', false, false, false);
      } else {
        this.writeIndicator('?', true, false, true);
        this.node(k, false, true, false);
        this.writeIndent();
        this.writeIndicator(':', true, false, true);
      }
      this.node(prop(v, k), false, true, false);
    }
    this.popIndent();
  }

  private writePlain(value: string, allowBreaks: boolean): void {
    if (!this.whitespace) this.put(' ');
    const cps = codePoints(value);
    let spaces = false;
    let breaks = false;
    for (let i = 0; i < cps.length; i++) {
      const ch = cps[i] as string;
      if (ch === ' ') {
        if (allowBreaks && !spaces && this.column > 80 && cps[i + 1] !== ' ') this.writeIndent();
        else this.put(ch);
        spaces = true;
      } else if (yamlIsBreak(ch)) {
        if (!breaks && ch === '\n') this.putBreak();
        this.writeBreak(ch);
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        this.put(ch);
        this.indention = false;
        spaces = false;
        breaks = false;
      }
    }
    this.whitespace = false;
    this.indention = false;
    if (this.rootContext) this.openEnded = true;
  }

  private writeSingle(value: string, allowBreaks: boolean): void {
    this.writeIndicator("'", true, false, false);
    const cps = codePoints(value);
    let spaces = false;
    let breaks = false;
    for (let i = 0; i < cps.length; i++) {
      const ch = cps[i] as string;
      if (ch === ' ') {
        if (allowBreaks && !spaces && this.column > 80 && i > 0 && i < cps.length - 1 && cps[i + 1] !== ' ') {
          this.writeIndent();
        } else this.put(ch);
        spaces = true;
      } else if (yamlIsBreak(ch)) {
        if (!breaks && ch === '\n') this.putBreak();
        this.writeBreak(ch);
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        if (ch === "'") this.put("'");
        this.put(ch);
        this.indention = false;
        spaces = false;
        breaks = false;
      }
    }
    this.writeIndicator("'", false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  private writeDouble(value: string, allowBreaks: boolean): void {
    this.writeIndicator('"', true, false, false);
    const cps = codePoints(value);
    let spaces = false;
    const named = new Map<number, string>([
      [0, '0'],
      [7, 'a'],
      [8, 'b'],
      [9, 't'],
      [10, 'n'],
      [11, 'v'],
      [12, 'f'],
      [13, 'r'],
      [27, 'e'],
      [34, '"'],
      [92, '\\'],
      [133, 'N'],
      [160, '_'],
      [8232, 'L'],
      [8233, 'P'],
    ]);
    for (let i = 0; i < cps.length; i++) {
      const ch = cps[i] as string;
      const cp = ch.codePointAt(0) ?? 0;
      if (!yamlIsPrintable(cp) || cp === 0xfeff || yamlIsBreak(ch) || ch === '"' || ch === '\\') {
        this.put('\\');
        const name = named.get(cp);
        if (name !== undefined) this.put(name);
        else {
          const [letter, width] = cp <= 0xff ? ['x', 2] : cp <= 0xffff ? ['u', 4] : ['U', 8];
          this.put(letter);
          for (const d of cp.toString(16).toUpperCase().padStart(width, '0')) this.put(d);
        }
        spaces = false;
      } else if (ch === ' ') {
        if (allowBreaks && !spaces && this.column > 80 && i > 0 && i < cps.length - 1) {
          this.writeIndent();
          if (cps[i + 1] === ' ') this.put('\\');
        } else this.put(ch);
        spaces = true;
      } else {
        this.put(ch);
        spaces = false;
      }
    }
    this.writeIndicator('"', false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  private writeLiteral(value: string): void {
    this.writeIndicator('|', true, false, false);
    const cps = codePoints(value);
    if (cps[0] === ' ' || yamlIsBreak(cps[0])) this.writeIndicator('2', false, false, false);
    this.openEnded = false;
    // A '+' hint marks the document open-ended, but writing the hint clears that again, as in the Go port.
    const last = cps.at(-1);
    if (!yamlIsBreak(last)) this.writeIndicator('-', false, false, false);
    else if (cps.length === 1 || yamlIsBreak(cps.at(-2))) this.writeIndicator('+', false, false, false);
    this.putBreak();
    this.indention = true;
    this.whitespace = true;
    let breaks = true;
    for (const ch of cps) {
      if (yamlIsBreak(ch)) {
        this.writeBreak(ch);
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        this.put(ch);
        this.indention = false;
        breaks = false;
      }
    }
  }
}
