/**
 * Go's string behaviours that JavaScript's differ from, shared by the validator (Go counts bytes), the cron checker
 * and the HCL functions (Go maps case rune by rune).
 */

/** A string's code points, as Go ranges over a string's runes. */
export function codePoints(s: string): string[] {
  return Array.from(s);
}

export function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}

/** `len(s)` in Go: the length of the UTF-8 encoding. */
export function utf8Length(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/** Maps one rune as Go's unicode package does: to one rune, or to itself where JavaScript's mapping gives several. */
export function mapRune(ch: string, to: (s: string) => string): string {
  const mapped = to(ch);
  return codePoints(mapped).length === 1 ? mapped : ch;
}

/**
 * `strings.ToLower`: rune by rune, so U+0130 (İ) becomes a plain `i` (JavaScript adds a combining dot) and a final
 * sigma stays σ (JavaScript lower-cases it by its context).
 */
export function goToLower(s: string): string {
  if (isAscii(s)) return s.toLowerCase();
  return codePoints(s)
    .map((ch) => (ch === '\u0130' ? 'i' : mapRune(ch, (x) => x.toLowerCase())))
    .join('');
}
