import { codePoints } from '../../go/strings';
import { type Definition, define } from './call';

// ---------------------------------------------------------------------------
// Regular expressions: Go's RE2 syntax translated to a JavaScript RegExp

const POSIX_CLASSES: Readonly<Record<string, string>> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7f',
  blank: '\\t ',
  cntrl: '\\x00-\\x1f\\x7f',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@\\[-`\\{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};

const JS_SYNTAX = '^$\\.*+?()[]{}|/';

function escapeJs(ch: string): string {
  return JS_SYNTAX.includes(ch) || ch === '-' ? `\\${ch}` : ch;
}

class RegexpSyntaxError extends Error {}

/** Translates Go regexp syntax (RE2) to a JavaScript pattern with the `u` flag, rejecting what Go rejects. */
function translateGoRegexp(pattern: string): RegExp {
  const fail = (message: string): never => {
    throw new RegexpSyntaxError(`error parsing regexp: ${message}`);
  };
  const cps = codePoints(pattern);
  let i = 0;
  let caseInsensitive = false;
  let multiLine = false;
  let dotAll = false;
  // Leading flag groups such as (?i) or (?s-m).
  for (;;) {
    const rest = cps.slice(i).join('');
    const m = /^\(\?([imsU]*)(?:-([imsU]*))?\)/.exec(rest);
    if (!m || (m[1] === '' && m[2] === undefined)) break;
    for (const [set, on] of [
      [m[1] ?? '', true],
      [m[2] ?? '', false],
    ] as const) {
      for (const f of set) {
        if (f === 'U') fail('the (?U) ungreedy flag is not supported by this importer');
        if (f === 'i') caseInsensitive = on;
        if (f === 'm') multiLine = on;
        if (f === 's') dotAll = on;
      }
    }
    i += codePoints(m[0]).length;
  }
  let out = '';
  let canRepeat = false;
  const hexDigits = (s: string): boolean => /^[0-9A-Fa-f]+$/.test(s);
  /** An escape sequence starting after the backslash at cps[i]; returns the JS text and whether it is a class (usable only as a whole). */
  const escapeSequence = (inClass: boolean): string => {
    const c = cps[i];
    if (c === undefined) return fail('trailing backslash at end of expression: ``');
    i++;
    if (c >= '1' && c <= '7' && !(cps[i] !== undefined && (cps[i] as string) >= '0' && (cps[i] as string) <= '7')) {
      return fail(`invalid escape sequence: \`\\${c}\``);
    }
    if (c >= '0' && c <= '7') {
      let digits = c;
      while (digits.length < 3 && cps[i] !== undefined && (cps[i] as string) >= '0' && (cps[i] as string) <= '7') {
        digits += cps[i];
        i++;
      }
      return `\\u{${Number.parseInt(digits, 8).toString(16)}}`;
    }
    switch (c) {
      case 'a':
        return '\\x07';
      case 'f':
      case 't':
      case 'n':
      case 'r':
      case 'v':
        return `\\${c}`;
      case 'd':
        return inClass ? '0-9' : '[0-9]';
      case 'D':
        return inClass ? '\\D' : '[^0-9]';
      case 'w':
        return inClass ? '0-9A-Za-z_' : '[0-9A-Za-z_]';
      case 'W':
        return inClass ? '\\W' : '[^0-9A-Za-z_]';
      case 's':
        return inClass ? '\\t\\n\\f\\r ' : '[\\t\\n\\f\\r ]';
      case 'S':
        return inClass ? '\\S' : '[^\\t\\n\\f\\r ]';
      case 'b':
      case 'B':
        if (inClass) return fail(`invalid escape sequence: \`\\${c}\``);
        return `\\${c}`;
      case 'A':
        if (inClass) return fail('invalid escape sequence: `\\A`');
        return '(?<![\\s\\S])';
      case 'z':
        if (inClass) return fail('invalid escape sequence: `\\z`');
        return '(?![\\s\\S])';
      case 'x': {
        if (cps[i] === '{') {
          const close = cps.indexOf('}', i);
          const hex = close < 0 ? '' : cps.slice(i + 1, close).join('');
          if (close < 0 || !hexDigits(hex) || Number.parseInt(hex, 16) > 0x10ffff) {
            return fail(`invalid escape sequence: \`\\x${cps.slice(i, close < 0 ? undefined : close + 1).join('')}\``);
          }
          i = close + 1;
          return `\\u{${Number.parseInt(hex, 16).toString(16)}}`;
        }
        const hex = cps.slice(i, i + 2).join('');
        if (hex.length !== 2 || !hexDigits(hex)) return fail(`invalid escape sequence: \`\\x${hex}\``);
        i += 2;
        return `\\x${hex}`;
      }
      case 'p':
      case 'P': {
        let name = '';
        if (cps[i] === '{') {
          const close = cps.indexOf('}', i);
          if (close < 0) return fail(`invalid character class range: \`\\${c}${cps.slice(i).join('')}\``);
          name = cps.slice(i + 1, close).join('');
          i = close + 1;
        } else {
          name = cps[i] ?? '';
          i++;
        }
        let negate = c === 'P';
        if (name.startsWith('^')) {
          negate = !negate;
          name = name.slice(1);
        }
        const property = /^[A-Z][a-z]?$/.test(name) ? name : name === 'Any' ? 'Any' : `Script=${name}`;
        const text = `\\${negate ? 'P' : 'p'}{${property}}`;
        try {
          new RegExp(text, 'u');
        } catch {
          fail(`invalid character class range: \`\\${c}{${name}}\``);
        }
        return text;
      }
      case 'Q': {
        let literal = '';
        while (i < cps.length && !(cps[i] === '\\' && cps[i + 1] === 'E')) {
          literal += escapeJs(cps[i] as string);
          i++;
        }
        if (i < cps.length) i += 2;
        return inClass ? literal : `(?:${literal})`;
      }
      default:
        if (c.length === 1 && c.charCodeAt(0) < 0x80 && !/[0-9A-Za-z]/.test(c)) return escapeJs(c);
        return fail(`invalid escape sequence: \`\\${c}\``);
    }
  };
  const charClass = (): string => {
    const start = i - 1;
    let body = '';
    if (cps[i] === '^') {
      body += '^';
      i++;
    }
    let first = true;
    for (;;) {
      const c = cps[i];
      if (c === undefined) return fail(`missing closing ]: \`${cps.slice(start).join('')}\``);
      if (c === ']' && !first) {
        i++;
        break;
      }
      first = false;
      if (c === '[' && cps[i + 1] === ':') {
        const close = cps.join('').indexOf(':]', i + 2);
        const closeAt = close < 0 ? -1 : codePoints(cps.join('').slice(0, close)).length;
        const name = closeAt < 0 ? '' : cps.slice(i + 2, closeAt).join('');
        if (closeAt >= 0 && name.startsWith('^')) {
          return fail(`negated POSIX class [:${name}:] is not supported by this importer`);
        }
        const posix = POSIX_CLASSES[name];
        if (closeAt >= 0 && posix === undefined) return fail(`invalid character class range: \`[:${name}:]\``);
        if (posix !== undefined) {
          body += posix;
          i = closeAt + 2;
          continue;
        }
      }
      i++;
      if (c === '\\') body += escapeSequence(true);
      else if (c === '[' || c === ']' || c === '\\') body += `\\${c}`;
      else body += c;
    }
    return `[${body}]`;
  };
  while (i < cps.length) {
    const c = cps[i] as string;
    i++;
    switch (c) {
      case '\\': {
        const startsAssertion = cps[i] === 'b' || cps[i] === 'B' || cps[i] === 'A' || cps[i] === 'z';
        out += escapeSequence(false);
        canRepeat = !startsAssertion;
        break;
      }
      case '.':
        out += dotAll ? '[\\s\\S]' : '[^\\n]';
        canRepeat = true;
        break;
      case '[':
        out += charClass();
        canRepeat = true;
        break;
      case '(': {
        if (cps[i] !== '?') {
          out += '(';
          canRepeat = false;
          break;
        }
        const rest = cps.slice(i).join('');
        const named = /^\?P?<([A-Za-z0-9_]+)>/.exec(rest);
        if (named) {
          out += `(?<${named[1]}>`;
          i += codePoints(named[0]).length;
        } else if (rest.startsWith('?:')) {
          out += '(?:';
          i += 2;
        } else if (/^\?[imsU-]*[):]/.test(rest)) {
          fail('flags inside an expression are not supported by this importer; put them at the start, as (?i)');
        } else {
          fail(`invalid or unsupported Perl syntax: \`${cps.slice(i - 1, i + 2).join('')}\``);
        }
        canRepeat = false;
        break;
      }
      case ')':
        out += ')';
        canRepeat = true;
        break;
      case '|':
      case '^':
      case '$':
        out += c;
        canRepeat = false;
        break;
      case '*':
      case '+':
      case '?':
        out += c;
        if (cps[i] === '?') {
          out += '?';
          i++;
        }
        canRepeat = false;
        break;
      case '{': {
        const m = /^(\d+)(,(\d*))?\}/.exec(cps.slice(i).join(''));
        if (m) {
          if (Number(m[1]) > 1000 || Number(m[3] || 0) > 1000) fail(`invalid repeat count: \`{${m[0]}\``);
          if (!canRepeat) fail(`missing argument to repetition operator: \`{${m[0]}\``);
          out += `{${m[0]}`;
          i += m[0].length;
          if (cps[i] === '?') {
            out += '?';
            i++;
          }
          canRepeat = false;
        } else {
          out += '\\{';
          canRepeat = true;
        }
        break;
      }
      default:
        out += escapeJs(c);
        canRepeat = true;
    }
  }
  try {
    return new RegExp(out, `gu${caseInsensitive ? 'i' : ''}${multiLine ? 'm' : ''}`);
  } catch (e) {
    return fail((e as Error).message.replace(/^Invalid regular expression: /, ''));
  }
}

/** Regexp.Expand's template: $1, ${1}, $name, ${name}, $$. */
function expandTemplate(template: string, match: RegExpExecArray): string {
  let out = '';
  let rest = template;
  for (;;) {
    const at = rest.indexOf('$');
    if (at < 0) break;
    out += rest.slice(0, at);
    rest = rest.slice(at + 1);
    if (rest.startsWith('$')) {
      out += '$';
      rest = rest.slice(1);
      continue;
    }
    const m = /^(?:\{([\p{L}\p{Nd}_]+)\}|([\p{L}\p{Nd}_]+))/u.exec(rest);
    if (!m) {
      out += '$';
      continue;
    }
    const name = (m[1] ?? m[2]) as string;
    rest = rest.slice(m[0].length);
    const num = /^(0|[1-9]\d{0,7})$/.test(name) ? Number(name) : -1;
    const group = num >= 0 ? match[num] : match.groups?.[name];
    out += group ?? '';
  }
  return out + rest;
}

/** Regexp.ReplaceAllString, which skips an empty match right after a previous match. */
function goReplaceAllRegexp(re: RegExp, s: string, template: string): string {
  let out = '';
  let lastMatchEnd = 0;
  let searchPos = 0;
  while (searchPos <= s.length) {
    re.lastIndex = searchPos;
    const m = re.exec(s);
    if (!m) break;
    const start = m.index;
    const end = start + m[0].length;
    out += s.slice(lastMatchEnd, start);
    if (end > lastMatchEnd || start === 0) out += expandTemplate(template, m);
    lastMatchEnd = end;
    const cp = s.codePointAt(searchPos);
    const width = cp === undefined ? 0 : cp > 0xffff ? 2 : 1;
    if (searchPos + width > end) searchPos += width;
    else if (searchPos + 1 > end) searchPos++;
    else searchPos = end;
  }
  return out + s.slice(lastMatchEnd);
}

/** Regular expression functions (cty stdlib regexp.go). */
export const REGEXP_FUNCTIONS: Readonly<Record<string, Definition>> = {
  regex_replace: define('str, pattern, replace', (c) => {
    const str = c.str(0);
    let re: RegExp;
    try {
      re = translateGoRegexp(c.str(1));
    } catch (e) {
      return c.argFail(1, (e as Error).message);
    }
    return goReplaceAllRegexp(re, str, c.str(2));
  }),
};
