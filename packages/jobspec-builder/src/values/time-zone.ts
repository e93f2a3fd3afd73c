/**
 * Shape of a tz database name: `/`-separated segments that each start with an upper-case letter
 * (`UTC`, `Europe/Berlin`, `America/Port-au-Prince`, `Etc/GMT+5`, `EST5EDT`).
 *
 * Go's `time.LoadLocation` opens a file named after the zone, which is case-sensitive on Linux servers,
 * while `Intl` matches names case-insensitively; requiring this shape keeps `"europe/berlin"` (which
 * `Intl` would accept) from passing here and failing on the Nomad server.
 */
const ZONE_NAME_SHAPE = /^[A-Z][A-Za-z0-9_+-]*(?:\/[A-Z][A-Za-z0-9_+-]*)*$/;

let supportedZones: ReadonlySet<string> | undefined;

function knownZones(): ReadonlySet<string> {
  supportedZones ??= new Set(Intl.supportedValuesOf('timeZone'));
  return supportedZones;
}

/**
 * Checks a `periodic.time_zone` value (Nomad's `Periodic.TimeZone`), which Nomad resolves with Go's
 * `time.LoadLocation`.
 *
 * Accepts `"UTC"`, `"Local"` (the Nomad server's own zone; legal but it makes the schedule depend on which
 * server leads) and IANA tz database names known to this runtime's `Intl`: the canonical ones from
 * `Intl.supportedValuesOf('timeZone')` and the aliases `Intl.DateTimeFormat` resolves (`"US/Eastern"`,
 * `"Asia/Kolkata"`, `"Etc/UTC"`). Names must match the database's exact spelling, since Go's lookup is
 * case-sensitive.
 *
 * Unlike Go, the empty string is rejected: Nomad reads it as UTC, but in a builder it is almost always a
 * value that was meant to be set; omit the property to get UTC.
 *
 * @param timeZone - the zone name, e.g. `"Europe/Minsk"`.
 * @returns `undefined` if the name is valid, otherwise a message quoting it and saying what is expected.
 * @see https://developer.hashicorp.com/nomad/docs/job-specification/periodic#time_zone
 */
export function validateTimeZone(timeZone: string): string | undefined {
  const expected =
    'expected an IANA time zone name such as "UTC", "Europe/Berlin" or "America/New_York" ' +
    '(as Go\'s time.LoadLocation reads them), or "Local"';
  if (typeof timeZone !== 'string') {
    return `Invalid time zone: ${expected}, received ${timeZone === null ? 'null' : typeof timeZone}`;
  }
  if (timeZone === '') {
    return `Invalid time zone "": ${expected}; omit time_zone to use Nomad's default, "UTC"`;
  }
  if (timeZone === 'UTC' || timeZone === 'Local' || knownZones().has(timeZone)) {
    return undefined;
  }
  if (ZONE_NAME_SHAPE.test(timeZone) && isResolvableByIntl(timeZone)) {
    return undefined;
  }
  const suggestion = suggestZone(timeZone);
  const hint = suggestion === undefined ? '' : `; did you mean ${JSON.stringify(suggestion)}?`;
  return `Invalid time zone ${JSON.stringify(timeZone)}: ${expected}${hint}`;
}

function isResolvableByIntl(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** The correctly spelled zone for a name that differs only in case (`"europe/minsk"` -> `"Europe/Minsk"`). */
function suggestZone(timeZone: string): string | undefined {
  const lower = timeZone.toLowerCase();
  if (lower === 'utc') {
    return 'UTC';
  }
  if (lower === 'local') {
    return 'Local';
  }
  for (const zone of knownZones()) {
    if (zone.toLowerCase() === lower) {
      return zone;
    }
  }
  return undefined;
}
