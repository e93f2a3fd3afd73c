import { type Matcher, RE2JS, RE2JSException } from 're2js';
import { checkStringLength } from './budget';
import { type Call, type Definition, define } from './call';

// ---------------------------------------------------------------------------
// Regular expressions: RE2, as Go's regexp package implements it, through re2js (a port of RE2/J). Matching takes
// time linear in the input whatever the pattern, as in Nomad: `(a+)+$` cannot backtrack for minutes.

function compile(c: Call, pattern: string): RE2JS {
  try {
    return RE2JS.compile(pattern);
  } catch (e) {
    // re2js reports syntax errors in the words of Go's regexp/syntax: "error parsing regexp: ...".
    if (e instanceof RE2JSException) return c.argFail(1, e.message);
    throw e;
  }
}

/** Regexp.Expand's template: $1, ${1}, $name, ${name}, $$. */
function expandTemplate(template: string, match: Matcher, named: Readonly<Record<string, number>>): string {
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
    // A purely numeric name below 1e8 without leading zeros is a group number; other names are group names.
    const num = /^(0|[1-9]\d{0,7})$/.test(name) ? Number(name) : -1;
    const group = num >= 0 ? num : named[name];
    if (group !== undefined && group <= match.groupCount()) out += match.group(group) ?? '';
  }
  return out + rest;
}

/** Regexp.ReplaceAllString, which skips an empty match right after a previous match. */
function goReplaceAllRegexp(re: RE2JS, s: string, template: string): string {
  const matcher = re.matcher(s);
  const named = re.namedGroups();
  let out = '';
  let lastMatchEnd = 0;
  let searchPos = 0;
  const append = (text: string) => {
    checkStringLength(out.length + text.length, 'regex_replace');
    out += text;
  };
  while (searchPos <= s.length) {
    if (!matcher.find(searchPos)) break;
    const start = matcher.start();
    const end = matcher.end();
    append(s.slice(lastMatchEnd, start));
    if (end > lastMatchEnd || start === 0) append(expandTemplate(template, matcher, named));
    lastMatchEnd = end;
    const cp = s.codePointAt(searchPos);
    const width = cp === undefined ? 0 : cp > 0xffff ? 2 : 1;
    if (searchPos + width > end) searchPos += width;
    else if (searchPos + 1 > end) searchPos++;
    else searchPos = end;
  }
  append(s.slice(lastMatchEnd));
  return out;
}

/** Regular expression functions (cty stdlib regexp.go). */
export const REGEXP_FUNCTIONS: Readonly<Record<string, Definition>> = {
  regex_replace: define('str, pattern, replace', (c) => goReplaceAllRegexp(compile(c, c.str(1)), c.str(0), c.str(2))),
};
