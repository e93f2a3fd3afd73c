import { MAX_VALUE_NESTING } from '../../limits';
import { HclLimitError } from './budget';
import { numberToString } from './number-text';
import { goQuote, type HclData, isList, makeObject, prop, sortedKeys } from './values';

// ---------------------------------------------------------------------------
// JSON in the manner of cty's json package and Go's encoding/json

/** encoding/json's string encoding, HTML-safe as json.Marshal makes it. */
export function goJsonString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (c < 0x20 || ch === '<' || ch === '>' || ch === '&' || c === 0x2028 || c === 0x2029) {
      out += `\\u${c.toString(16).padStart(4, '0')}`;
    } else if (c >= 0xd800 && c <= 0xdfff) out += '\\ufffd';
    else out += ch;
  }
  return `${out}"`;
}

/** cty json.Marshal: keys sorted, numbers without exponent. */
export function jsonEncode(v: HclData): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error('cannot serialize infinity as JSON');
    return numberToString(v);
  }
  if (typeof v === 'string') return goJsonString(v);
  if (isList(v)) return `[${v.map(jsonEncode).join(',')}]`;
  return `{${sortedKeys(v)
    .map((k) => `${goJsonString(k)}:${jsonEncode(prop(v, k))}`)
    .join(',')}}`;
}

/** encoding/json's quoteChar. */
function jsonCharQuote(ch: string): string {
  if (ch === "'") return "'\\''";
  if (ch === '"') return `'"'`;
  return `'${goQuote(ch).slice(1, -1)}'`;
}

/** A JSON parser with encoding/json's grammar and messages, and cty's rejection of duplicate keys. */
export function jsonDecode(text: string): HclData {
  let i = 0;
  const ws = (): void => {
    while (i < text.length && ' \t\r\n'.includes(text[i] as string)) i++;
  };
  const bad = (context: string): never => {
    if (i >= text.length) throw new Error('unexpected EOF');
    throw new Error(`invalid character ${jsonCharQuote(String.fromCodePoint(text.codePointAt(i) ?? 0))} ${context}`);
  };
  const literal = (word: string, value: HclData): HclData => {
    for (const ch of word) {
      if (text[i] !== ch) bad(`in literal ${word} (expecting ${jsonCharQuote(ch)})`);
      i++;
    }
    return value;
  };
  const str = (): string => {
    i++;
    let out = '';
    for (;;) {
      if (i >= text.length) throw new Error('unexpected EOF');
      const ch = text[i] as string;
      if (ch === '"') {
        i++;
        return out;
      }
      if (ch.charCodeAt(0) < 0x20) bad('in string literal');
      if (ch !== '\\') {
        out += ch;
        i++;
        continue;
      }
      i++;
      const esc = text[i];
      const simple: Record<string, string> = {
        '"': '"',
        '\\': '\\',
        '/': '/',
        b: '\b',
        f: '\f',
        n: '\n',
        r: '\r',
        t: '\t',
      };
      if (esc !== undefined && esc in simple) {
        out += simple[esc];
        i++;
      } else if (esc === 'u') {
        const hex = text.slice(i + 1, i + 5);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
          i += 1 + (/^[0-9a-fA-F]*/.exec(hex)?.[0].length ?? 0);
          bad('in \\u hexadecimal character escape');
        }
        out += String.fromCharCode(Number.parseInt(hex, 16));
        i += 5;
      } else {
        bad('in string escape code');
      }
    }
  };
  const num = (): number => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
    if (!m || m[0] === '-') {
      i++;
      bad('in numeric literal');
    }
    const s = (m as RegExpExecArray)[0];
    const next = text[i + s.length];
    if (next === '.' || next === 'e' || next === 'E') {
      i += s.length + 1;
      bad(next === '.' ? 'after decimal point in numeric literal' : 'in exponent of numeric literal');
    }
    i += s.length;
    return Number(s);
  };
  let depth = 0;
  const value = (): HclData => {
    ws();
    const ch = text[i];
    if (ch === '{' || ch === '[') {
      // Each level is a call here: bounded before the stack is.
      if (++depth > MAX_VALUE_NESTING) {
        throw new HclLimitError(
          `jsondecode: the document is nested more than ${MAX_VALUE_NESTING} levels deep, the limit`,
        );
      }
    }
    if (ch === '{') {
      i++;
      const entries = new Map<string, HclData>();
      ws();
      if (text[i] === '}') {
        i++;
        depth--;
        return {};
      }
      for (;;) {
        ws();
        if (text[i] !== '"') bad('looking for beginning of object key string');
        const key = str();
        ws();
        if (text[i] !== ':') bad('after object key');
        i++;
        if (entries.has(key)) throw new Error(`duplicate ${goQuote(key)} property in JSON object`);
        entries.set(key, value());
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          depth--;
          return makeObject(entries);
        }
        bad('after object key:value pair');
      }
    }
    if (ch === '[') {
      i++;
      const items: HclData[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        depth--;
        return items;
      }
      for (;;) {
        items.push(value());
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          depth--;
          return items;
        }
        bad('after array element');
      }
    }
    if (ch === '"') return str();
    if (ch === 't') return literal('true', true);
    if (ch === 'f') return literal('false', false);
    if (ch === 'n') return literal('null', null);
    if (ch === '-' || (ch !== undefined && ch >= '0' && ch <= '9')) return num();
    if (i >= text.length) throw new Error(text.trim() === '' ? 'EOF' : 'unexpected EOF');
    return bad('looking for beginning of value');
  };
  const result = value();
  ws();
  if (i < text.length) throw new Error('extraneous data after JSON object');
  return result;
}
