import { describe, expect, it } from 'vitest';
import { parseNumber } from '../../src/data/parse-number';
import { Random } from '../../src/random';

describe('parseNumber', () => {
  it('gives exactly what Number gives for random decimals of up to 15 digits', () => {
    const random = new Random(11);
    for (let i = 0; i < 20_000; i++) {
      const digits = 1 + random.nextInt(15);
      let text = '';
      for (let d = 0; d < digits; d++) text += String(random.nextInt(10));
      const point = random.nextInt(digits + 1);
      const sign = ['', '-', '+'][random.nextInt(3)] as string;
      const decimal = `${sign}${text.slice(0, point)}.${text.slice(point)}`;
      expect(Object.is(parseNumber(decimal), Number(decimal)), decimal).toBe(true);
      expect(Object.is(parseNumber(`${sign}${text}`), Number(`${sign}${text}`))).toBe(true);
    }
  });

  it.each([
    '0',
    '-0',
    '5.',
    '.5',
    '-.25',
    '00.100',
    '+3.25',
    '1e5',
    '-2.5E-3',
    '1234567890123456789',
    ' 7 ',
    '0x1A',
    'Infinity',
  ])('agrees with Number on %j', (text) => {
    expect(Object.is(parseNumber(text), Number(text))).toBe(true);
  });

  it.each(['', '.', '-', '1.2.3', 'abc', '1,5', 'NA'])('rejects %j as NaN', (text) => {
    expect(parseNumber(text)).toBeNaN();
  });
});
