import type { CheckProps, ServiceProps } from './props';
import { type Add, negativeDuration, num, q, SECOND, show, str } from './support';

/** services.go (*ServiceCheck).validateCommon plus validateNomad / validateConsul. */
export function checkIssues(service: ServiceProps, check: CheckProps, at: string, provider: string, add: Add): void {
  const type = str(check.type);
  const allowed = provider === 'nomad' ? ['tcp', 'http'] : ['grpc', 'tcp', 'http', 'script'];
  // "invalid check type (%q), must be one of %s".
  if (check.type === undefined) {
    add('required', `${at}.type`, `a check needs a type: one of ${allowed.map(q).join(', ')}`);
  } else if (type !== undefined && !allowed.includes(type)) {
    add(
      'invalid-value',
      `${at}.type`,
      `the ${q(provider)} provider does not run ${q(type)} checks: received ${q(type)}, allowed ${allowed.map(q).join(', ')}`,
    );
  }
  // "http type must have http path" / "http type must have relative http path" / "script type must have a valid
  // script path".
  const path = str(check.path);
  if (type === 'http') {
    if (check.path === undefined || path === '')
      add('required', `${at}.path`, 'an http check needs a path, e.g. "/health"');
    else if (path !== undefined && /^[a-z][a-z0-9+.-]*:/i.test(path)) {
      add(
        'invalid-value',
        `${at}.path`,
        `an http check path must be relative: received ${q(path)}; give the path only, e.g. "/health"`,
      );
    }
  }
  if (type === 'script' && (check.command === undefined || check.command === '')) {
    add('required', `${at}.command`, 'a script check needs a command to run');
  }
  // "missing required value interval. Interval cannot be less than 1s" / "interval (%v) cannot be lower than 1s",
  // same for timeout (minCheckInterval, minCheckTimeout).
  for (const key of ['interval', 'timeout'] as const) {
    const value = check[key];
    if (value === undefined || value.isZero()) {
      add(
        'required',
        `${at}.${key}`,
        `a check needs ${key === 'interval' ? 'an interval' : 'a timeout'} of at least 1s, e.g. Duration.seconds(${key === 'interval' ? 10 : 2})`,
      );
    } else if (value.toNanosBigInt() < SECOND) {
      add(
        'invalid-duration',
        `${at}.${key}`,
        `the check ${key} is too short: received ${value.toGoString()}, allowed 1s or more`,
      );
    }
  }
  // "on_update value %q is not compatible with check_restart" / "on_update value %q not supported with
  // check_restart ignore_warnings value %q" (the service's check_restart merges into each check, api/services.go).
  const checkRestart = check.checkRestart ?? service.checkRestart;
  if (checkRestart !== undefined) {
    const ignoreWarnings = check.checkRestart?.ignoreWarnings ?? service.checkRestart?.ignoreWarnings;
    if (check.onUpdate === 'ignore') {
      add('conflict', `${at}.onUpdate`, 'on_update "ignore" cannot be combined with check_restart: remove one of them');
    } else if (check.onUpdate === 'ignore_warnings' && ignoreWarnings !== true && typeof ignoreWarnings !== 'object') {
      add(
        'conflict',
        `${at}.onUpdate`,
        'on_update "ignore_warnings" with check_restart needs check_restart.ignoreWarnings: true',
      );
    }
    // structs.go (*CheckRestart).Validate: "limit must be greater than or equal to 0" / "grace period must be
    // greater than or equal to 0".
    for (const [source, block] of [
      [`${at}.checkRestart`, check.checkRestart],
      [`${at.replace(/\.checks\[\d+\]$/, '')}.checkRestart`, service.checkRestart],
    ] as const) {
      const limit = num(block?.limit);
      if (limit !== undefined && limit < 0)
        add('out-of-range', `${source}.limit`, `check_restart limit is negative: received ${limit}, allowed 0 or more`);
      negativeDuration(block?.grace, `${source}.grace`, 'check_restart grace', add);
    }
  }

  if (provider === 'nomad') {
    // services.go (*ServiceCheck).validateNomad: "expose may only be set for Consul service checks", and the same for
    // success_before_passing, failures_before_critical, failures_before_warning and tls_server_name.
    const consulOnly = [
      'expose',
      'successBeforePassing',
      'failuresBeforeCritical',
      'failuresBeforeWarning',
      'tlsServerName',
    ] as const;
    for (const key of consulOnly) {
      const value = check[key];
      if (value !== undefined && value !== false && value !== 0 && value !== '') {
        add(
          'invalid-value',
          `${at}.${key}`,
          `${key} needs provider "consul": received ${show(value)} on a "nomad" provider check; remove it or use Consul`,
        );
      }
    }
    if (check.onUpdate === 'ignore_warnings') {
      add(
        'invalid-value',
        `${at}.onUpdate`,
        'nomad checks have no warning state: received "ignore_warnings"; use "require_healthy" or "ignore"',
      );
    }
    if (check.checkRestart?.ignoreWarnings === true || service.checkRestart?.ignoreWarnings === true) {
      add(
        'invalid-value',
        `${at}.checkRestart`,
        'check_restart.ignoreWarnings needs provider "consul": nomad checks have no warning state',
      );
    }
    if (check.addressMode === 'driver') {
      add(
        'invalid-value',
        `${at}.addressMode`,
        'address_mode "driver" needs provider "consul" for checks: received "driver"; use "host" or "alloc"',
      );
    }
    // "method type %q not supported in Nomad http check" (helper.IsMethodHTTP).
    const method = str(check.method);
    const methods = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE'];
    if (type === 'http' && method !== undefined && method !== '' && !methods.includes(method)) {
      add(
        'invalid-value',
        `${at}.method`,
        `the HTTP method is not supported: received ${q(method)}, allowed ${methods.join(', ')}`,
      );
    }
    return;
  }
  // services.go (*ServiceCheck).validateConsul: "expose may only be set on HTTP or gRPC checks".
  if (check.expose === true && type !== undefined && type !== 'http' && type !== 'grpc') {
    add('invalid-value', `${at}.expose`, `expose works on http and grpc checks only: received a ${q(type)} check`);
  }
  // "success_before_passing must be non-negative" / "... not supported for check of type %q" (same for
  // failures_before_critical and failures_before_warning).
  for (const key of ['successBeforePassing', 'failuresBeforeCritical', 'failuresBeforeWarning'] as const) {
    const value = num(check[key]);
    if (value === undefined) continue;
    if (value < 0) add('out-of-range', `${at}.${key}`, `${key} is negative: received ${value}, allowed 0 or more`);
    else if (value > 0 && type !== undefined && !['tcp', 'http', 'grpc'].includes(type)) {
      add(
        'invalid-value',
        `${at}.${key}`,
        `${key} works on tcp, http and grpc checks only: received a ${q(type)} check`,
      );
    }
  }
  // "notes must not be longer than 255 characters".
  const notes = str(check.notes);
  if (notes !== undefined && notes.length > 255) {
    add(
      'out-of-range',
      `${at}.notes`,
      `check notes are too long: received ${notes.length} characters, allowed at most 255`,
    );
  }
}

export function requiresPort(type: string): boolean {
  // services.go (*ServiceCheck).RequiresPort.
  return type === 'http' || type === 'tcp' || type === 'grpc';
}
