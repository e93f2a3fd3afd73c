import { checkIssues, requiresPort } from './check';
import type { GroupProps, ServiceProps, TaskProps } from './props';
import { emptyStr, type GroupContext, isNumeric, isPlain, isString, listOrNone, q, str } from './support';

/** Port labels of the group networks: what a group service may name (client/serviceregistration/address.go). */
function groupPortLabels(group: GroupProps): string[] {
  return (group.networks ?? []).flatMap((n) => (n.ports ?? []).map((p) => p.label)).filter(isString);
}

export function groupServiceIssues(ctx: GroupContext): void {
  const { group, path, add } = ctx;
  const tasks = group.tasks ?? [];
  const taskNames = new Set(tasks.map((t) => t.name).filter(isString));
  const ports = groupPortLabels(group);

  // structs.go (*TaskGroup).validateServices: "Multiple service providers used: task group services must use the
  // same provider" (an unset provider is "consul").
  const providers = new Set<string>();
  for (const service of [...(group.services ?? []), ...tasks.flatMap((t) => t.services ?? [])]) {
    const provider = service.provider === undefined ? 'consul' : str(service.provider);
    if (provider !== undefined) providers.add(provider);
  }
  if (providers.size > 1) {
    add(
      'conflict',
      `${path}.services`,
      `the group's services use several providers: received ${[...providers].map(q).join(' and ')}; use one provider for every service of a group`,
    );
  }

  // structs.go (*TaskGroup).validateServices: "Services are not unique: %s" (by name and port).
  const ids = new Map<string, number>();
  group.services?.forEach((service, i) => {
    const at = `${path}.services[${i}]`;
    const id = serviceId(service);
    if (id !== undefined) {
      const first = ids.get(id);
      if (first !== undefined) {
        add(
          'duplicate-name',
          at,
          `services ${first} and ${i} have the same name and port (${describeService(service)}): give them different names`,
        );
      } else ids.set(id, i);
    }
    serviceIssues(ctx, service, at, 'group');

    // structs.go (*TaskGroup).validateServices: "service %q cannot use address_mode=\"driver\", only services
    // defined in a \"task\" block can use this mode".
    if (service.addressMode === 'driver') {
      add(
        'invalid-value',
        `${at}.addressMode`,
        'address_mode "driver" is for task services only: received "driver" on a group service; use "auto", "host" or "alloc"',
      );
    }
    // client/serviceregistration/address.go GetAddress: "invalid port %q: port label not found" (the allocation fails
    // to register the service; numbers are literal ports). The client interpolates service fields first
    // (taskenv InterpolateServices), so `${NOMAD_PORT_api}` becomes a number there.
    const port = str(service.port);
    if (port !== undefined && port !== '' && !isNumeric(port) && !port.includes('${') && !ports.includes(port)) {
      add(
        'undefined-reference',
        `${at}.port`,
        `the port ${q(port)} is not a port label of the group's networks; defined: ${listOrNone(ports)}. Add port "${port}" to a group network`,
      );
    }
    service.checks?.forEach((check, j) => {
      const checkAt = `${at}.checks[${j}]`;
      const task = str(check.task);
      // structs.go (*TaskGroup).validateServices: "Check %s invalid: refers to non-existent task %s" and "Check %q
      // invalid: cannot use address_mode=\"driver\", only checks defined in a \"task\" service block can use this mode".
      if (task !== undefined && task !== '') {
        if (check.addressMode === 'driver') {
          add(
            'invalid-value',
            `${checkAt}.addressMode`,
            'address_mode "driver" is for checks of task services only: received "driver"; use "host" or "alloc"',
          );
        }
        if (!taskNames.has(task)) {
          add(
            'undefined-reference',
            `${checkAt}.task`,
            `the check runs in task ${q(task)}, which is not in the group; defined: ${listOrNone([...taskNames])}`,
          );
        }
      }
      // structs.go (*TaskGroup).validateScriptChecksInGroupServices: "Service [%s]->%s or Check %s must specify task
      // parameter".
      if (check.type === 'script' && service.task === undefined && check.task === undefined) {
        add(
          'required',
          `${checkAt}.task`,
          'a script check of a group service runs in a task: set task on the check or on the service',
        );
      }
    });
  });
}

/** A service's identity for uniqueness: unset names are all the same default name. */
function serviceId(service: ServiceProps): string | undefined {
  if (service.name !== undefined && typeof service.name !== 'string') return undefined;
  if (service.port !== undefined && typeof service.port !== 'string') return undefined;
  return `${service.name ?? ''}\0${service.port ?? ''}`;
}

function describeService(service: ServiceProps): string {
  const name = typeof service.name === 'string' ? q(service.name) : 'the default name';
  return typeof service.port === 'string' ? `${name}, port ${q(service.port)}` : `${name}, no port`;
}

/** structs.go validateServices(t, tgNetworks), run by (*Task).Validate on task-level services. */
export function taskServiceIssues(ctx: GroupContext, task: TaskProps, path: string): void {
  const { group, add } = ctx;
  // Only the first group network's labels count, plus the (deprecated) task networks.
  const ports = [
    ...(group.networks?.[0]?.ports ?? []).map((p) => p.label),
    ...(task.resources?.networks ?? []).flatMap((n) => (n.ports ?? []).map((p) => p.label)),
  ].filter(isString);
  const taskName = str(task.name);
  const known = new Map<string, number>();
  const missing = new Map<string, string[]>();
  const refer = (port: string, at: string) => missing.set(port, [...(missing.get(port) ?? []), at]);

  task.services?.forEach((service, i) => {
    const at = `${path}.services[${i}]`;
    serviceIssues(ctx, service, at, 'task');
    // structs.go (*TaskGroup).validateServices: "Service %s is invalid: may only specify task the service belongs
    // to, got %q".
    const serviceTask = str(service.task);
    if (serviceTask !== undefined && serviceTask !== '' && taskName !== undefined && serviceTask !== taskName) {
      add(
        'invalid-value',
        `${at}.task`,
        `a task service runs in its own task: received task ${q(serviceTask)} in task ${q(taskName)}; remove task`,
      );
    }
    // structs.go validateServices: "service %q cannot use address_mode=\"alloc\", only services defined in a
    // \"group\" block can use this mode".
    if (service.addressMode === 'alloc') {
      add(
        'invalid-value',
        `${at}.addressMode`,
        'address_mode "alloc" is for group services only: received "alloc" on a task service; use "auto", "host" or "driver"',
      );
    }
    // structs.go validateServices: "service %q is duplicate" (same name and port in a task).
    const id = serviceId(service);
    if (id !== undefined) {
      const first = known.get(id);
      if (first !== undefined) {
        add(
          'duplicate-name',
          at,
          `services ${first} and ${i} of the task have the same name and port (${describeService(service)}): give them different names`,
        );
      } else known.set(id, i);
    }
    // structs.go validateServices: numeric port labels are only valid for address_mode=driver.
    const port = str(service.port);
    if (port !== undefined && port !== '' && !(service.addressMode === 'driver' && isNumeric(port)))
      refer(port, `${at}.port`);
    // structs.go validateServices: "service %q cannot have \"connect\" block, only services defined in a \"group\"
    // block can".
    if (service.connect !== undefined) {
      add('invalid-value', `${at}.connect`, 'connect is only allowed on group services: move the service to the group');
    }

    const checkNames = new Map<string, number>();
    service.checks?.forEach((check, j) => {
      const checkAt = `${at}.checks[${j}]`;
      // structs.go validateServices: "check %q is duplicate" (unset names default to `service: "<name>" check`).
      if (check.name === undefined || typeof check.name === 'string') {
        const checkName = check.name ?? '';
        const first = checkNames.get(checkName);
        if (first !== undefined) {
          const what = check.name === undefined ? 'both have the default name' : `are both named ${q(checkName)}`;
          add(
            'duplicate-name',
            checkAt,
            `checks ${first} and ${j} of the service ${what}: give each check a unique name`,
          );
        } else checkNames.set(checkName, j);
      }
      // structs.go validateServices: "check %q cannot use address_mode=\"alloc\", only checks defined in a \"group\"
      // service block can use this mode".
      if (check.addressMode === 'alloc') {
        add(
          'invalid-value',
          `${checkAt}.addressMode`,
          'address_mode "alloc" is for checks of group services only: received "alloc"; use "host" or "driver"',
        );
      }
      const type = str(check.type);
      if (type === undefined || !requiresPort(type)) return;
      // structs.go validateServices: "check %q is missing a port" / "check %q cannot use a numeric port %d without
      // setting address_mode=\"driver\"" / "check %q has invalid numeric port %d".
      if (!isPlain(check.port) || (emptyStr(check.port) && !isPlain(service.port))) return;
      const effectivePort = (check.port || service.port || '') as string;
      if (effectivePort === '') {
        add('required', `${checkAt}.port`, `a ${type} check needs a port: set port on the check or on its service`);
        return;
      }
      if (isNumeric(effectivePort)) {
        const n = Number.parseInt(effectivePort, 10);
        if (check.addressMode !== 'driver') {
          add(
            'invalid-value',
            `${checkAt}.port`,
            `a numeric check port needs address_mode "driver": received port ${q(effectivePort)}; set addressMode: "driver" or use a port label`,
          );
        } else if (n <= 0) {
          add('out-of-range', `${checkAt}.port`, `a check port must be greater than 0: received ${q(effectivePort)}`);
        }
        return;
      }
      refer(effectivePort, emptyStr(check.port) ? `${at}.port` : `${checkAt}.port`);
    });
  });

  // structs.go validateServices: "port label %q referenced by services %v does not exist".
  for (const [port, ats] of missing) {
    if (ports.includes(port) || port.includes('${')) continue;
    for (const at of new Set(ats)) {
      add(
        'undefined-reference',
        at,
        `the port ${q(port)} is not a port label of the group's first network or of the task's networks; defined: ${listOrNone(ports)}. Add port "${port}" to the group network`,
      );
    }
  }
}

/** services.go (*Service).Validate, for group and task services. */
function serviceIssues(ctx: GroupContext, service: ServiceProps, at: string, level: 'group' | 'task'): void {
  const { add, group } = ctx;
  // services.go (*Service).ValidateName: "Service name must be valid per RFC 1123 and can contain only
  // alphanumeric characters or dashes and must be no longer than 63 characters" (after replacing ${...}).
  const name = str(service.name);
  if (name !== undefined) {
    const stripped = name.replace(/\$\{[^}]*\}/g, 'ENV-VAR');
    if (!/^(?:[a-z0-9]|[a-z0-9][a-z0-9-]{0,61}[a-z0-9])$/i.test(stripped)) {
      add(
        'invalid-value',
        `${at}.name`,
        `the service name is not a valid DNS label: received ${q(name)}; use 1-63 letters, digits or dashes, not starting or ending with a dash`,
      );
    }
  }
  // services.go (*Service).Validate: "Service address_mode must be \"auto\" if address is set".
  const addressMode = str(service.addressMode);
  if (service.address !== undefined && addressMode !== undefined && addressMode !== 'auto') {
    add(
      'conflict',
      `${at}.addressMode`,
      `a service with an address needs address_mode "auto": received ${q(addressMode)}; remove addressMode or address`,
    );
  }

  const provider = service.provider === undefined ? 'consul' : str(service.provider);
  if (provider === 'nomad') {
    // services.go (*Service).validateNomadService: "Service with provider nomad cannot include Connect blocks".
    if (service.connect !== undefined) {
      add(
        'invalid-value',
        `${at}.connect`,
        'connect needs provider "consul": received provider "nomad"; remove connect or use Consul',
      );
    }
  } else if (provider === 'consul') {
    consulServiceIssues(ctx, service, at, level, group);
  }

  service.checks?.forEach((check, j) => {
    const checkAt = `${at}.checks[${j}]`;
    // services.go (*Service).validateCheckPort: "Check %s invalid: check requires a port but neither check nor
    // service %+q have a port" (task services are reported by validateServices instead).
    const type = str(check.type);
    if (
      level === 'group' &&
      type !== undefined &&
      requiresPort(type) &&
      emptyStr(check.port) &&
      emptyStr(service.port)
    ) {
      add('required', `${checkAt}.port`, `a ${type} check needs a port: set port on the check or on its service`);
      return;
    }
    if (provider !== undefined) checkIssues(service, check, checkAt, provider, add);
  });
}

function consulServiceIssues(
  ctx: GroupContext,
  service: ServiceProps,
  at: string,
  level: 'group' | 'task',
  group: GroupProps,
): void {
  const { add } = ctx;
  // services.go (*Service).validateConsulService: "Check %s invalid: tcp checks are not valid for Connect enabled
  // services".
  if (service.connect?.sidecarService !== undefined) {
    service.checks?.forEach((check, j) => {
      if (check.type === 'tcp') {
        add(
          'invalid-value',
          `${at}.checks[${j}].type`,
          'a tcp check cannot reach a Connect sidecar service: received "tcp"; use an http or grpc check with expose: true',
        );
      }
    });
  }
  // services.go (*Service).validateConsulService: "Service %s kind must be one of consul service kind or empty".
  const kind = str(service.kind);
  const kinds = ['', 'api-gateway', 'ingress-gateway', 'mesh-gateway', 'terminating-gateway'];
  if (kind !== undefined && !kinds.includes(kind)) {
    add(
      'invalid-value',
      `${at}.kind`,
      `the service kind is not a Consul service kind: received ${q(kind)}, allowed "api-gateway", "ingress-gateway", "mesh-gateway", "terminating-gateway" or none`,
    );
  }
  const connect = service.connect;
  if (!connect || level !== 'group') return;
  // services.go (*ConsulConnect).Validate: "Consul Connect must be exclusively native, make use of a sidecar, or
  // represent a Gateway".
  const modes = [
    connect.sidecarService !== undefined ? 'sidecarService' : undefined,
    connect.native === true ? 'native' : undefined,
    connect.gateway !== undefined ? 'gateway' : undefined,
  ].filter(isString);
  if (modes.length !== 1 && !(connect.native !== undefined && typeof connect.native !== 'boolean')) {
    add(
      'conflict',
      `${at}.connect`,
      `connect must be exactly one of sidecarService, native: true or gateway: received ${modes.length === 0 ? 'none' : modes.join(' and ')}`,
    );
  }
  if (connect.native === true) {
    // services.go (*Service).validateConsulService: "Service %s is Connect Native and requires setting the task"
    // (set automatically when the group has one task) / "... requires setting the port".
    if (service.task === undefined && (group.tasks?.length ?? 0) !== 1) {
      add(
        'required',
        `${at}.task`,
        'a Connect native service of a group with several tasks needs task: the task that implements it',
      );
    }
    if (service.port === undefined) add('required', `${at}.port`, 'a Connect native service needs a port');
  }
}
