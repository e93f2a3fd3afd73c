import { affinityIssues, constraintIssues } from './constraint';
import { durationSetting, groupUpdate, textOf } from './policies';
import type { ResourcesProps, TaskProps, TemplateProps } from './props';
import { taskServiceIssues } from './service';
import {
  type Add,
  asList,
  duplicates,
  type GroupContext,
  isString,
  labelOf,
  listOrNone,
  negativeDuration,
  num,
  q,
  show,
  str,
} from './support';

export function taskIssues(ctx: GroupContext, task: TaskProps, path: string): void {
  const { group, type, add } = ctx;
  // structs.go (*Task).Validate: "Task cannot be named \"alloc\"" / "Task name cannot include slashes" / "Task name
  // cannot include null characters".
  const name = str(task.name);
  if (name === 'alloc') {
    add(
      'invalid-value',
      `${path}.name`,
      'a task cannot be named "alloc" (the shared allocation directory): choose another name',
    );
  } else if (name !== undefined && /[/\\]/.test(name)) {
    add('invalid-value', `${path}.name`, `a task name cannot contain slashes: received ${q(name)}; use "-" instead`);
  } else if (name?.includes('\0')) {
    add('invalid-value', `${path}.name`, `a task name cannot contain a null character: received ${q(name)}`);
  }

  // structs.go (*Task).Validate: "KillTimeout must be a positive value", and for service jobs "KillTimout (%s)
  // longer than the group's ProgressDeadline (%s)" (progress_deadline 0 is exempt).
  const killTimeout = task.killTimeout;
  if (killTimeout?.isNegative()) {
    add(
      'invalid-duration',
      `${path}.killTimeout`,
      `killTimeout is negative: received ${killTimeout.toGoString()}, allowed 0 or more`,
    );
  } else if (killTimeout && type === 'service') {
    const progress = durationSetting(groupUpdate(ctx), 'progressDeadline');
    if (progress && progress.nanos > 0n && killTimeout.toNanosBigInt() > progress.nanos) {
      add(
        'conflict',
        `${path}.killTimeout`,
        `killTimeout is longer than the group's progress deadline: received ${killTimeout.toGoString()} and progressDeadline ${textOf(progress)}; lower killTimeout or raise update.progressDeadline`,
      );
    }
  }
  // structs.go (*Task).Validate: "ShutdownDelay must be a positive value".
  negativeDuration(task.shutdownDelay, `${path}.shutdownDelay`, 'shutdownDelay', add);

  if (task.resources) resourceIssues(task.resources, `${path}.resources`, add);
  logIssues(ctx, task, path);

  constraintIssues(task.constraints, `${path}.constraints`, 'task', add);
  // structs.go (*Task).Validate: "System jobs may not have an affinity block".
  if (type === 'system') {
    if (task.affinities?.length)
      add('not-allowed-for-job-type', `${path}.affinities`, 'a system job may not have affinities: remove them');
  } else {
    affinityIssues(task.affinities, `${path}.affinities`, add);
  }

  taskServiceIssues(ctx, task, path);

  // structs.go (*TaskArtifact).Validate: "source must be specified" / "destination escapes allocation directory"
  // / validateChecksum.
  task.artifacts?.forEach((artifact, i) => {
    const at = `${path}.artifacts[${i}]`;
    if (artifact.source === undefined || artifact.source === '')
      add('required', `${at}.source`, 'an artifact needs a source URL');
    const destination = str(artifact.destination);
    if (destination !== undefined && escapesAllocDir('task', destination)) {
      add(
        'invalid-value',
        `${at}.destination`,
        `the artifact destination escapes the allocation directory: received ${q(destination)}; use a path inside the task directory, e.g. "local/"`,
      );
    }
    const checksum = artifact.options?.checksum;
    if (typeof checksum === 'string') {
      const problem = checksumProblem(checksum);
      if (problem) add('invalid-value', `${at}.options.checksum`, problem);
    }
  });

  // structs.go (*Vault).Validate: "Signal must be specified when using change mode \"signal\"".
  if (
    task.vault?.changeMode === 'signal' &&
    (task.vault.changeSignal === undefined || task.vault.changeSignal === '')
  ) {
    add('required', `${path}.vault.changeSignal`, 'vault changeMode "signal" needs a changeSignal such as "SIGHUP"');
  }

  templateIssues(task.templates, path, add);

  // structs.go (*Task).Validate: "Action %s defined multiple times".
  duplicates(
    task.actions ?? [],
    (a) => a.name,
    `${path}.actions`,
    add,
    (actionName) => `the action ${q(actionName)} is defined more than once: action names must be unique in a task`,
  );

  // structs.go (*DispatchPayloadConfig).Validate: "destination escapes allocation directory" (relative to local/).
  const payloadFile = str(task.dispatchPayload?.file);
  if (payloadFile !== undefined && escapesAllocDir('task/local/', payloadFile)) {
    add(
      'invalid-value',
      `${path}.dispatchPayload.file`,
      `the dispatch payload file escapes the allocation directory: received ${q(payloadFile)}; use a path inside local/`,
    );
  }

  // structs.go (*Task).Validate: "Volume Mount (%d) references undefined volume %s".
  const volumes = Object.keys(group.volumes ?? {});
  task.volumeMounts?.forEach((mount, i) => {
    const volume = str(mount.volume);
    if (volume !== undefined && !volumes.includes(volume)) {
      add(
        'undefined-reference',
        `${path}.volumeMounts[${i}].volume`,
        `the volume ${q(volume)} is not defined in the group; defined: ${listOrNone(volumes)}`,
      );
    }
  });

  // structs.go (*Task).Validate: "CSIPluginConfig must have a non-empty PluginID" / "CSIPluginConfig StagePublishBaseDir
  // must not be a subdirectory of MountDir".
  const csi = task.csiPlugin;
  if (csi) {
    if (csi.id === undefined || csi.id === '') add('required', `${path}.csiPlugin.id`, 'a CSI plugin needs an id');
    if (csi.type === undefined)
      add('required', `${path}.csiPlugin.type`, 'a CSI plugin needs a type: "node", "controller" or "monolith"');
    const stage = str(csi.stagePublishBaseDir);
    const mount = str(csi.mountDir);
    if (stage && mount && stage.startsWith(mount)) {
      add(
        'conflict',
        `${path}.csiPlugin.stagePublishBaseDir`,
        `stagePublishBaseDir must not be inside mountDir: received ${q(stage)} under ${q(mount)}`,
      );
    }
  }

  // structs.go (*Task).Validate: "Duplicate default identities found" (unnamed identities are "default").
  const defaults = (task.identities ?? []).filter(
    (identity) => identity.name === undefined || identity.name === 'default',
  );
  if (defaults.length > 1) {
    add(
      'duplicate-name',
      `${path}.identities`,
      `the task has ${defaults.length} default identities (unnamed or named "default"): keep one and name the others`,
    );
  }

  secretIssues(task, path, add);
}

function resourceIssues(resources: ResourcesProps, path: string, add: Add): void {
  // structs.go (*Resources).Validate: "Task can only ask for 'cpu' or 'cores' resource, not both."
  if (typeof resources.cpu === 'number' && typeof resources.cores === 'number') {
    add(
      'conflict',
      path,
      `ask for cpu (MHz) or cores, not both: received cpu ${show(resources.cpu)} and cores ${show(resources.cores)}`,
    );
  }
  // structs.go (*Resources).MeetsMinResources: "minimum MemoryMB value is 10; got %d".
  const memory = resources.memory?.toMebibytes();
  if (memory !== undefined && memory < 10) {
    add(
      'out-of-range',
      `${path}.memory`,
      `memory is below Nomad's minimum: received ${memory} MiB, allowed 10 MiB or more`,
    );
  }
  // Unset memory is 300 MiB (api/resources.go DefaultResources).
  const effectiveMemory = memory ?? 300;
  const memoryText = memory === undefined ? "300 MiB (Nomad's default)" : `${memory} MiB`;
  // structs.go (*Resources).Validate: "MemoryMaxMB value (%d) should be larger than MemoryMB value (%d)" (0 is unset).
  const memoryMax = resources.memoryMax?.toMebibytes();
  if (memoryMax !== undefined && memoryMax !== 0 && memoryMax < effectiveMemory) {
    add(
      'conflict',
      `${path}.memoryMax`,
      `memoryMax is below memory: received memoryMax ${memoryMax} MiB and memory ${memoryText}; raise memoryMax`,
    );
  }
  // structs.go (*Resources).Validate: "SecretsMB value (%d) cannot be larger than MemoryMB value (%d)".
  const secrets = resources.secrets?.toMebibytes();
  if (secrets !== undefined && secrets > effectiveMemory) {
    add(
      'conflict',
      `${path}.secrets`,
      `the secrets directory is larger than memory: received secrets ${secrets} MiB and memory ${memoryText}`,
    );
  }
  // Not checked: structs.go (*Resources).Validate rejects a task-level disk ("Task can't ask for disk resources"), but
  // command/agent/job_endpoint.go ApiResourcesToStructs never copies DiskMB, so through the HTTP API (nomad job run)
  // a task's disk is ignored, not rejected (Nomad's own e2e jobs set it).
  // structs.go (*Resources).Validate: "numa device %q not requested as task resource".
  const devices = (resources.devices ?? []).map((d) => d.name).filter(isString);
  asList(resources.numa?.devices).forEach((device, i) => {
    if (!devices.includes(device)) {
      add(
        'undefined-reference',
        `${path}.numa.devices[${i}]`,
        `the NUMA device ${q(device)} is not requested by the task; requested: ${listOrNone(devices)}`,
      );
    }
  });
}

function logIssues(ctx: GroupContext, task: TaskProps, path: string): void {
  const { group, add } = ctx;
  // structs.go (*LogConfig).Validate: "minimum number of files is 1; got %d" / "minimum file size is 1MB; got %d" /
  // "log storage (%d MB) must be less than requested disk capacity (%d MB)" (defaults: 10 files of 10 MB, 300 MB disk).
  const logs = task.logs;
  const maxFiles = logs?.maxFiles === undefined ? 10 : num(logs.maxFiles);
  const maxFileSize = logs?.maxFileSize?.toMebibytes() ?? 10;
  if (logs?.maxFiles !== undefined && maxFiles !== undefined && maxFiles < 1) {
    add(
      'out-of-range',
      `${path}.logs.maxFiles`,
      `logs need at least one file: received maxFiles ${maxFiles}, allowed 1 or more`,
    );
  }
  if (logs?.maxFileSize !== undefined && maxFileSize < 1) {
    add('out-of-range', `${path}.logs.maxFileSize`, `log files need at least 1 MiB: received ${maxFileSize} MiB`);
  }
  if (maxFiles === undefined || (logs === undefined && group.ephemeralDisk?.size === undefined)) return;
  const disk = group.ephemeralDisk?.size?.toMebibytes() ?? 300;
  const usage = maxFiles * maxFileSize;
  if (disk <= usage) {
    add(
      'conflict',
      logs ? `${path}.logs` : `${ctx.path}.ephemeralDisk.size`,
      `log storage must be less than the group's ephemeral disk: received ${maxFiles} files × ${maxFileSize} MiB = ${usage} MiB of logs and a ${disk} MiB disk; lower logs.maxFiles/maxFileSize or raise ephemeralDisk.size`,
    );
  }
}

function templateIssues(templates: readonly TemplateProps[] | undefined, path: string, add: Add): void {
  const destinations = new Map<string, number>();
  templates?.forEach((template, i) => {
    const at = `${path}.templates[${i}]`;
    // structs.go (*Template).Validate: "Must specify a source path or have an embedded template".
    const noSource = template.source === undefined || template.source === '';
    const noData = template.data === undefined || template.data === '';
    if (noSource && noData) add('required', at, 'a template needs source (a file path) or data (the template text)');
    // structs.go (*Template).Validate: "Must specify a destination for the template" / "destination escapes
    // allocation directory".
    const destination = str(template.destination);
    if (template.destination === undefined || destination === '') {
      add('required', `${at}.destination`, 'a template needs a destination, e.g. "local/config.yml"');
    } else if (destination !== undefined && escapesAllocDir('task', destination)) {
      add(
        'invalid-value',
        `${at}.destination`,
        `the template destination escapes the allocation directory: received ${q(destination)}; use a path inside the task directory`,
      );
    }
    // structs.go (*Task).Validate: "Template %d has same destination as %d".
    if (destination) {
      const first = destinations.get(destination);
      if (first !== undefined) {
        add(
          'duplicate-name',
          `${at}.destination`,
          `templates ${first} and ${i} render to the same destination ${q(destination)}: give each template its own file`,
        );
      } else destinations.set(destination, i);
    }
    // structs.go (*Template).Validate: "Must specify signal value when change mode is signal" / "cannot use signals
    // with env var templates" / "must specify change script configuration value when change mode is script".
    if (template.changeMode === 'signal') {
      if (template.changeSignal === undefined || template.changeSignal === '') {
        add('required', `${at}.changeSignal`, 'changeMode "signal" needs a changeSignal such as "SIGHUP"');
      }
      if (template.env === true) {
        add(
          'conflict',
          `${at}.changeMode`,
          'an env template cannot signal the task: received changeMode "signal" with env: true; use "restart" or "noop"',
        );
      }
    }
    if (template.changeMode === 'script') {
      if (template.changeScript === undefined) {
        add('required', `${at}.changeScript`, 'changeMode "script" needs a changeScript with a command');
      } else if (template.changeScript.command === undefined || template.changeScript.command === '') {
        // structs.go (*ChangeScript).Validate: "must specify script path value when change mode is script".
        add(
          'required',
          `${at}.changeScript.command`,
          'changeMode "script" needs changeScript.command, the script to run',
        );
      }
    }
    // structs.go (*Template).Validate: "Must specify positive splay value" / "Failed to parse %q as octal".
    negativeDuration(template.splay, `${at}.splay`, 'splay', add);
    const perms = str(template.perms);
    if (perms !== undefined && perms !== '' && !(/^[0-7]+$/.test(perms) && Number.parseInt(perms, 8) <= 0o7777)) {
      add('invalid-value', `${at}.perms`, `perms is not an octal file mode: received ${q(perms)}, e.g. "0644"`);
    }
    // structs.go (*WaitConfig).Validate: "wait min %s is greater than max %s".
    const min = template.wait?.min;
    const max = template.wait?.max;
    if (min && max && min.toNanosBigInt() > max.toNanosBigInt()) {
      add(
        'conflict',
        `${at}.wait`,
        `wait min is greater than max: received min ${min.toGoString()} and max ${max.toGoString()}`,
      );
    }
  });
}

function secretIssues(task: TaskProps, path: string, add: Add): void {
  const names = new Set<string>();
  for (const secret of task.secrets ?? []) {
    const name = str(secret.name);
    const at = `${path}.secrets[${labelOf(secret.name)}]`;
    // structs.go (*Task).Validate: "Duplicate secret %q found" / "Secret %q has provider \"vault\" but no vault block".
    if (name !== undefined) {
      if (names.has(name))
        add(
          'duplicate-name',
          at,
          `the secret ${q(name)} is defined more than once: secret names must be unique in a task`,
        );
      names.add(name);
    }
    const provider = str(secret.provider);
    if (provider === 'vault' && task.vault === undefined) {
      add(
        'required',
        `${path}.vault`,
        `the secret ${q(name ?? '?')} uses provider "vault", which needs a vault block in the task`,
      );
    }
    // structs.go (*Secret).Validate: "secret name must match regex ^[a-zA-Z0-9_]{1,128}$" / "secret provider cannot
    // be empty" / "secret path cannot be empty" / "%s provider cannot use the env block" / "custom plugin provider %s
    // cannot use the config block".
    if (name !== undefined && !/^[a-zA-Z0-9_]{1,128}$/.test(name)) {
      add(
        'invalid-value',
        `${at}.name`,
        `the secret name is invalid: received ${q(name)}, allowed 1-128 letters, digits or "_"`,
      );
    }
    if (secret.provider === undefined || provider === '')
      add('required', `${at}.provider`, 'a secret needs a provider, e.g. "nomad" or "vault"');
    if (secret.path === undefined || secret.path === '') add('required', `${at}.path`, 'a secret needs a path');
    if ((provider === 'nomad' || provider === 'vault') && Object.keys(secret.env ?? {}).length > 0) {
      add(
        'invalid-value',
        `${at}.env`,
        `the ${q(provider)} provider cannot use env: remove env (it is for custom plugin providers)`,
      );
    }
    if (
      provider !== undefined &&
      provider !== '' &&
      provider !== 'nomad' &&
      provider !== 'vault' &&
      Object.keys(secret.config ?? {}).length > 0
    ) {
      add(
        'invalid-value',
        `${at}.config`,
        `the custom provider ${q(provider)} cannot use config: remove config (it is for the nomad and vault providers)`,
      );
    }
  }
}
/**
 * helper/escapingfs PathEscapesAllocViaRelative: joins `prefix` and `path` under the allocation directory (a leading
 * "/" does not make `path` absolute) and reports whether the result leaves it.
 */
function escapesAllocDir(prefix: string, path: string): boolean {
  const parts: string[] = [];
  for (const part of `alloc/${prefix}/${path}`.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) return true;
      parts.pop();
    } else parts.push(part);
  }
  return parts.length === 0 || parts[0] !== 'alloc';
}

/** structs.go (*TaskArtifact).validateChecksum. */
function checksumProblem(raw: string): string | undefined {
  // "Job struct validation occurs before interpolation": values with ${...} are not checked.
  if (raw.includes('${')) return undefined;
  const check = raw.trim();
  if (check === '') return 'the artifact checksum is empty: give "type:value", e.g. "sha256:abc..."';
  const parts = check.split(':');
  if (parts.length !== 2) return `the artifact checksum must be "type:value": received ${q(check)}`;
  const [type, value] = parts as [string, string];
  const lengths: Record<string, number> = { md5: 16, sha1: 20, sha256: 32, sha512: 64 };
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(value)) return `the artifact checksum is not hexadecimal: received ${q(value)}`;
  const expected = lengths[type];
  if (expected === undefined)
    return `unsupported checksum type: received ${q(type)}, allowed md5, sha1, sha256, sha512`;
  if (value.length / 2 !== expected) {
    return `invalid ${type} checksum: received ${value.length / 2} bytes, a ${type} checksum has ${expected} (${expected * 2} hex digits)`;
  }
  return undefined;
}
