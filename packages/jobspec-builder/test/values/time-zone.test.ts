import { describe, expect, it } from 'vitest';
import { validateTimeZone } from '../../src/values';

describe('validateTimeZone', () => {
  it.each([
    ['UTC', "Nomad's default"],
    ['Local', "the server's zone"],
    ['Europe/Minsk', 'from the periodic-cron conformance pair'],
    ['America/New_York', 'canonical name'],
    ['America/Argentina/Buenos_Aires', 'three segments'],
    ['America/Port-au-Prince', 'lower case inside a segment'],
    ['Asia/Kolkata', 'current name that older ICU data lists as Asia/Calcutta'],
    ['US/Eastern', 'backward-compatible alias'],
    ['Etc/UTC', 'Etc alias'],
    ['Etc/GMT+5', 'fixed-offset zone'],
  ])('accepts %j (%s)', (timeZone) => {
    expect(validateTimeZone(timeZone)).toBeUndefined();
  });

  it.each([
    ['europe/minsk', 'did you mean "Europe/Minsk"?'],
    ['utc', 'did you mean "UTC"?'],
    ['local', 'did you mean "Local"?'],
    ['Mars/Olympus_Mons', 'expected an IANA time zone name'],
    ['+01:00', 'expected an IANA time zone name'],
    ['Europe/Berlin ', 'expected an IANA time zone name'],
    ['../etc/passwd', 'expected an IANA time zone name'],
  ])('rejects %j', (timeZone, message) => {
    const error = validateTimeZone(timeZone);
    expect(error).toContain(`Invalid time zone ${JSON.stringify(timeZone)}`);
    expect(error).toContain(message);
  });

  it('rejects the empty string, which Nomad would read as UTC, and says to omit it instead', () => {
    expect(validateTimeZone('')).toMatchInlineSnapshot(
      `"Invalid time zone "": expected an IANA time zone name such as "UTC", "Europe/Berlin" or "America/New_York" (as Go's time.LoadLocation reads them), or "Local"; omit time_zone to use Nomad's default, "UTC""`,
    );
  });

  it('rejects a non-string at runtime', () => {
    expect(validateTimeZone(undefined as unknown as string)).toContain('received undefined');
  });
});
