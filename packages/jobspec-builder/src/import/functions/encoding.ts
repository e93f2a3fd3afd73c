import { type Definition, define, rethrowUnexpected } from './call';
import { csvDecode } from './csv';
import { jsonDecode, jsonEncode } from './json';
import { strictBase64, utf8Decode } from './values';
import { YamlEmitter, yamlDecode } from './yaml';

// ---------------------------------------------------------------------------
// Encoding

/** url.QueryEscape. */
function queryEscape(s: string): string {
  let out = '';
  for (const byte of Buffer.from(s, 'utf8')) {
    const ch = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-_.~]/.test(ch)) out += ch;
    else if (ch === ' ') out += '+';
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}
/** Encoding functions (go-cty-funcs encoding, cty stdlib csv.go and json.go, go-cty-yaml). */
export const ENCODING_FUNCTIONS: Readonly<Record<string, Definition>> = {
  base64decode: define('str', (c) => {
    const s = c.str(0);
    const bytes = strictBase64(s);
    if (bytes === undefined) return c.fail(`failed to decode base64 data '${s}'`);
    return utf8Decode(bytes) ?? c.fail('the result of decoding the the provided string is not valid UTF-8');
  }),
  base64encode: define('str', (c) => Buffer.from(c.str(0), 'utf8').toString('base64')),
  urlencode: define('str', (c) => queryEscape(c.str(0))),
  csvdecode: define('str', (c) => {
    try {
      return csvDecode(c.str(0));
    } catch (e) {
      rethrowUnexpected(e);
      return c.fail((e as Error).message);
    }
  }),
  jsondecode: define('str', (c) => {
    try {
      return jsonDecode(c.str(0));
    } catch (e) {
      rethrowUnexpected(e);
      return c.argFail(0, (e as Error).message);
    }
  }),
  jsonencode: define(
    'val',
    (c) => {
      try {
        return jsonEncode(c.arg(0));
      } catch (e) {
        rethrowUnexpected(e);
        return c.fail((e as Error).message);
      }
    },
    { nullable: true },
  ),
  yamldecode: define('src', (c) => {
    try {
      return yamlDecode(c.str(0));
    } catch (e) {
      rethrowUnexpected(e);
      return c.fail((e as Error).message);
    }
  }),
  yamlencode: define('value', (c) => new YamlEmitter().document(c.arg(0)), { nullable: true }),
};
