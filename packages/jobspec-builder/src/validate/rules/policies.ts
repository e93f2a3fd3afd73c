import { Duration } from '../../values';
import { type Add, type GroupContext, q, SECOND } from './support';

/** A setting after merging: its value, and where the user set it (no path: Nomad's default). */
class Setting {
  constructor(
    readonly value: unknown,
    private readonly layerPath?: string,
    private readonly key?: string,
  ) {}

  /** Built on demand: only messages read it, and validation runs before every render. */
  get path(): string | undefined {
    return this.layerPath === undefined ? undefined : `${this.layerPath}.${this.key}`;
  }
}

type Settings = Record<string, Setting>;

export function effective(defaults: Record<string, unknown>, ...layers: { props?: object; path: string }[]): Settings {
  const out: Settings = {};
  for (const key in defaults) out[key] = new Setting(defaults[key]);
  for (const layer of layers) {
    const props = layer.props as Record<string, unknown> | undefined;
    if (!props) continue;
    for (const key in props) {
      const value = props[key];
      if (value !== undefined && key !== 'raw') out[key] = new Setting(value, layer.path, key);
    }
  }
  return out;
}

interface DurationSetting {
  readonly nanos: bigint;
  readonly value: Duration;
  readonly path?: string;
}

export function durationSetting(settings: Settings, key: string): DurationSetting | undefined {
  const setting = settings[key];
  if (!(setting?.value instanceof Duration)) return undefined;
  return { nanos: setting.value.toNanosBigInt(), value: setting.value, path: setting.path };
}

function numberSetting(settings: Settings, key: string): { value: number; path?: string } | undefined {
  const setting = settings[key];
  if (typeof setting?.value !== 'number') return undefined;
  return { value: setting.value, path: setting.path };
}

/**
 * A setting as messages show it, marked when it is Nomad's default. Formatted only
 * when a message needs it: validation runs before every render.
 */
export function textOf(setting: { readonly value: Duration | number; readonly path?: string }): string {
  const text = setting.value instanceof Duration ? setting.value.toGoString() : String(setting.value);
  return withDefault(text, setting.path);
}

function withDefault(text: string, path: string | undefined): string {
  return path === undefined ? `${text} (Nomad's default)` : text;
}

/** The path of the first setting the user wrote, for an issue about several settings. */
function firstSet(fallback: string, ...settings: ({ path?: string } | undefined)[]): string {
  return settings.find((s) => s?.path !== undefined)?.path ?? fallback;
}

// structs.go DefaultUpdateStrategy (api/jobs.go gives service jobs this block when they have none).
const UPDATE_DEFAULTS = {
  stagger: Duration.seconds(30),
  maxParallel: 1,
  healthCheck: 'checks',
  minHealthyTime: Duration.seconds(10),
  healthyDeadline: Duration.minutes(5),
  progressDeadline: Duration.minutes(10),
  autoRevert: false,
  autoPromote: false,
  canary: 0,
};

export function updateIssues(update: Settings, path: string, add: Add): void {
  // structs.go (*UpdateStrategy).Validate.
  const maxParallel = numberSetting(update, 'maxParallel');
  if (maxParallel && maxParallel.value < 0) {
    // "Max parallel can not be less than zero: %d < 0".
    add(
      'out-of-range',
      firstSet(path, maxParallel),
      `maxParallel is negative: received ${textOf(maxParallel)}, allowed 0 or more (0 disables deployments)`,
    );
  }
  const canary = numberSetting(update, 'canary');
  if (canary && canary.value < 0) {
    // "Canary count can not be less than zero: %d < 0".
    add('out-of-range', firstSet(path, canary), `canary is negative: received ${textOf(canary)}, allowed 0 or more`);
  }
  const autoPromote = update.autoPromote;
  if (canary && canary.value === 0 && autoPromote?.value === true) {
    // "Auto Promote requires a Canary count greater than zero".
    add(
      'conflict',
      firstSet(path, autoPromote),
      `autoPromote promotes canaries, but canary is ${textOf(canary)}: set canary to 1 or more, or drop autoPromote`,
    );
  }
  const minHealthy = durationSetting(update, 'minHealthyTime');
  const healthy = durationSetting(update, 'healthyDeadline');
  const progress = durationSetting(update, 'progressDeadline');
  const stagger = durationSetting(update, 'stagger');
  // "Minimum healthy time may not be less than zero: %v" / "Healthy deadline must be greater than zero: %v" /
  // "Progress deadline must be zero or greater: %v" / "Stagger must be greater than zero: %v".
  if (minHealthy && minHealthy.nanos < 0n)
    add(
      'invalid-duration',
      firstSet(path, minHealthy),
      `minHealthyTime is negative: received ${textOf(minHealthy)}, allowed 0 or more`,
    );
  if (healthy && healthy.nanos <= 0n)
    add(
      'invalid-duration',
      firstSet(path, healthy),
      `healthyDeadline must be greater than 0: received ${textOf(healthy)}`,
    );
  if (progress && progress.nanos < 0n)
    add(
      'invalid-duration',
      firstSet(path, progress),
      `progressDeadline is negative: received ${textOf(progress)}, allowed 0 (no deadline) or more`,
    );
  if (stagger && stagger.nanos <= 0n)
    add('invalid-duration', firstSet(path, stagger), `stagger must be greater than 0: received ${textOf(stagger)}`);
  // "Minimum healthy time must be less than healthy deadline: %v > %v".
  // (Relations are not re-reported when one side is already out of range.)
  if (minHealthy && healthy && healthy.nanos > 0n && minHealthy.nanos >= healthy.nanos) {
    add(
      'conflict',
      firstSet(path, minHealthy, healthy),
      `minHealthyTime must be less than healthyDeadline: received minHealthyTime ${textOf(minHealthy)} and healthyDeadline ${textOf(healthy)}`,
    );
  }
  // "Healthy deadline must be less than progress deadline: %v > %v" (progress_deadline 0 disables it).
  if (healthy && progress && healthy.nanos > 0n && progress.nanos > 0n && healthy.nanos >= progress.nanos) {
    add(
      'conflict',
      firstSet(path, healthy, progress),
      `healthyDeadline must be less than progressDeadline: received healthyDeadline ${textOf(healthy)} and progressDeadline ${textOf(progress)}; raise progressDeadline or set it to 0`,
    );
  }
}

// structs.go DefaultMigrateStrategy (api/tasks.go (*MigrateStrategy).Canonicalize).
export const MIGRATE_DEFAULTS = {
  maxParallel: 1,
  healthCheck: 'checks',
  minHealthyTime: Duration.seconds(10),
  healthyDeadline: Duration.minutes(5),
};

export function migrateIssues(migrate: Settings, path: string, add: Add): void {
  // structs.go (*MigrateStrategy).Validate: "MaxParallel must be >= 0 but found %d" / "MinHealthyTime is %s and must
  // be >= 0" / "HealthyDeadline is %s and must be >= 0" / "MinHealthyTime must be less than HealthyDeadline".
  const maxParallel = numberSetting(migrate, 'maxParallel');
  if (maxParallel && maxParallel.value < 0)
    add(
      'out-of-range',
      firstSet(path, maxParallel),
      `maxParallel is negative: received ${textOf(maxParallel)}, allowed 0 or more`,
    );
  const minHealthy = durationSetting(migrate, 'minHealthyTime');
  const healthy = durationSetting(migrate, 'healthyDeadline');
  if (minHealthy && minHealthy.nanos < 0n)
    add(
      'invalid-duration',
      firstSet(path, minHealthy),
      `minHealthyTime is negative: received ${textOf(minHealthy)}, allowed 0 or more`,
    );
  if (healthy && healthy.nanos < 0n)
    add(
      'invalid-duration',
      firstSet(path, healthy),
      `healthyDeadline is negative: received ${textOf(healthy)}, allowed 0 or more`,
    );
  if (minHealthy && healthy && healthy.nanos >= 0n && minHealthy.nanos > healthy.nanos) {
    add(
      'conflict',
      firstSet(path, minHealthy, healthy),
      `minHealthyTime must not exceed healthyDeadline: received minHealthyTime ${textOf(minHealthy)} and healthyDeadline ${textOf(healthy)}`,
    );
  }
}

// api/tasks.go defaultServiceJobRestartPolicy / defaultBatchJobRestartPolicy (service and system; all others).
// Nomad's restart defaults by job type (see the Canonicalize note where they are used); built once, Durations are immutable.
const SERVICE_RESTART_DEFAULTS = {
  attempts: 2,
  interval: Duration.minutes(30),
  delay: Duration.seconds(15),
  mode: 'fail',
};
const BATCH_RESTART_DEFAULTS = { attempts: 3, interval: Duration.hours(24), delay: Duration.seconds(15), mode: 'fail' };

export function restartDefaults(type: string): Record<string, unknown> {
  return type === 'service' || type === 'system' ? SERVICE_RESTART_DEFAULTS : BATCH_RESTART_DEFAULTS;
}

export function restartIssues(restart: Settings, path: string, add: Add): void {
  // structs.go (*RestartPolicy).Validate.
  const attempts = numberSetting(restart, 'attempts');
  const interval = durationSetting(restart, 'interval');
  const delay = durationSetting(restart, 'delay');
  const mode = restart.mode;
  // "Restart policy %q with %d attempts is ambiguous".
  if (attempts && attempts.value === 0 && typeof mode?.value === 'string' && mode.value !== 'fail') {
    add(
      'conflict',
      firstSet(path, attempts, mode),
      `mode ${q(mode.value)} with 0 attempts is ambiguous: set attempts to 1 or more, or use mode "fail"`,
    );
  }
  // "Interval can not be less than %v (got %v)" (RestartPolicyMinInterval = 5s).
  if (interval && interval.nanos < 5n * SECOND) {
    add(
      'invalid-duration',
      firstSet(path, interval),
      `the restart interval is too short: received ${textOf(interval)}, allowed 5s or more`,
    );
  }
  // "Nomad can't restart the TaskGroup %v times in an interval of %v with a delay of %v".
  if (attempts && interval && delay && BigInt(attempts.value) * delay.nanos > interval.nanos) {
    add(
      'conflict',
      firstSet(path, attempts, delay, interval),
      `${textOf(attempts)} attempts with a delay of ${textOf(delay)} do not fit in the interval of ${textOf(interval)}: make attempts × delay at most the interval`,
    );
  }
}

export function allowsReschedule(type: string): boolean {
  return type !== 'system' && type !== 'sysbatch';
}

// api/tasks.go NewDefaultReschedulePolicy (service; batch).
const SERVICE_RESCHEDULE_DEFAULTS = {
  attempts: 0,
  interval: Duration.nanos(0),
  delay: Duration.seconds(30),
  delayFunction: 'exponential',
  maxDelay: Duration.hours(1),
  unlimited: true,
};
const BATCH_RESCHEDULE_DEFAULTS = {
  attempts: 1,
  interval: Duration.hours(24),
  delay: Duration.seconds(5),
  delayFunction: 'constant',
  maxDelay: Duration.nanos(0),
  unlimited: false,
};

export function rescheduleDefaults(type: string): Record<string, unknown> {
  return type === 'service' ? SERVICE_RESCHEDULE_DEFAULTS : BATCH_RESCHEDULE_DEFAULTS;
}

export function rescheduleIssues(policy: Settings, path: string, add: Add): void {
  // structs.go (*ReschedulePolicy).Validate, which only checks an enabled policy (attempts > 0 or unlimited).
  const attempts = numberSetting(policy, 'attempts');
  const unlimited = policy.unlimited;
  const interval = durationSetting(policy, 'interval');
  const delay = durationSetting(policy, 'delay');
  const maxDelay = durationSetting(policy, 'maxDelay');
  const delayFunction = typeof policy.delayFunction?.value === 'string' ? policy.delayFunction.value : undefined;
  if (!attempts || typeof unlimited?.value !== 'boolean' || !interval || !delay || !maxDelay || !delayFunction) return;
  if (!(attempts.value > 0 || unlimited.value)) return;
  const unlimitedText = withDefault(String(unlimited.value), unlimited.path);

  if (attempts.value > 0) {
    // "Interval must be a non zero value if Attempts > 0".
    if (interval.nanos <= 0n) {
      add(
        'invalid-duration',
        firstSet(path, interval, attempts),
        `attempts ${textOf(attempts)} need an interval to count them in: received interval ${textOf(interval)}; set interval, e.g. Duration.hours(1)`,
      );
    }
    // "If Attempts >0, Unlimited cannot also be set to true".
    if (unlimited.value) {
      add(
        'conflict',
        firstSet(path, attempts, unlimited),
        `attempts ${textOf(attempts)} limit rescheduling, but unlimited is ${unlimitedText}: set unlimited: false to limit attempts, or drop attempts`,
      );
    }
  }
  let delaysValid = true;
  // "Delay cannot be less than %v (got %v)" (ReschedulePolicyMinDelay = 5s).
  if (delay.nanos < 5n * SECOND) {
    add(
      'invalid-duration',
      firstSet(path, delay),
      `the reschedule delay is too short: received ${textOf(delay)}, allowed 5s or more`,
    );
    delaysValid = false;
  }
  if (delayFunction !== 'constant') {
    // "Max Delay cannot be less than %v (got %v)" / "Max Delay cannot be less than Delay %v (got %v)".
    if (maxDelay.nanos < 5n * SECOND) {
      add(
        'invalid-duration',
        firstSet(path, maxDelay),
        `maxDelay is too short for delay function ${q(delayFunction)}: received ${textOf(maxDelay)}, allowed 5s or more`,
      );
      delaysValid = false;
    }
    if (maxDelay.nanos < delay.nanos) {
      add(
        'conflict',
        firstSet(path, maxDelay, delay),
        `maxDelay is less than delay: received maxDelay ${textOf(maxDelay)} and delay ${textOf(delay)}`,
      );
      delaysValid = false;
    }
  }
  if (unlimited.value) return;
  // "Interval cannot be less than %v (got %v)" (ReschedulePolicyMinInterval = 15s).
  if (interval.nanos < 15n * SECOND) {
    add(
      'invalid-duration',
      firstSet(path, interval),
      `the reschedule interval is too short: received ${textOf(interval)}, allowed 15s or more`,
    );
  }
  if (!delaysValid) return;
  // (*ReschedulePolicy).validateDelayParams: "Nomad can only make %v attempts in %v with initial delay %v and delay
  // function %q" ... "Set the interval to at least %v to accommodate %v attempts".
  const viable = viableAttempts(attempts.value, interval.nanos, delay.nanos, maxDelay.nanos, delayFunction);
  if (!viable.valid) {
    const recommended = Duration.nanos(((viable.recommended + SECOND / 2n) / SECOND) * SECOND).toGoString();
    add(
      'conflict',
      firstSet(path, interval, attempts, delay),
      `Nomad can only make ${viable.possible} of ${textOf(attempts)} attempts in an interval of ${textOf(interval)} with delay ${textOf(delay)} and delay function ${q(delayFunction)}: set the interval to at least ${recommended}`,
    );
  }
}

/** structs.go (*ReschedulePolicy).viableAttempts. */
function viableAttempts(
  attempts: number,
  interval: bigint,
  delay: bigint,
  maxDelay: bigint,
  delayFunction: string,
): { valid: boolean; possible: number; recommended: bigint } {
  let possible = 0;
  let recommended = 0n;
  let valid = true;
  if (delayFunction === 'constant') {
    recommended = BigInt(attempts) * delay;
    if (interval < recommended) {
      possible = Number(interval / delay);
      valid = false;
    }
  } else if (delayFunction === 'exponential') {
    for (let i = 0; i < attempts; i++) {
      let next = 2n ** BigInt(i) * delay;
      if (next > maxDelay) {
        next = maxDelay;
        recommended += next;
      } else {
        recommended = next;
      }
      if (recommended < interval) possible++;
    }
    valid = possible >= attempts;
  } else if (delayFunction === 'fibonacci') {
    const slots = [delay, delay];
    let reachedCeiling = false;
    for (let i = 2; i < attempts; i++) {
      const previous = slots[i - 1] as bigint;
      let next: bigint;
      if (reachedCeiling) {
        next = previous + maxDelay;
      } else {
        next = previous + (slots[i - 2] as bigint);
        if (next > maxDelay) {
          next = maxDelay;
          reachedCeiling = true;
        }
      }
      slots.push(next);
    }
    recommended = slots[slots.length - 1] as bigint;
    if (interval < recommended) {
      valid = false;
      const index = slots.findIndex((slot) => slot > interval);
      possible = Math.max(index, 0);
    }
  }
  return { valid, possible: Math.max(possible, 0), recommended };
}
/** The group's update block as Nomad validates it: defaults, then the job's block, then the group's. */
export function groupUpdate(ctx: GroupContext): Settings {
  return effective(
    UPDATE_DEFAULTS,
    { props: ctx.job.update, path: 'update' },
    { props: ctx.group.update, path: `${ctx.path}.update` },
  );
}
