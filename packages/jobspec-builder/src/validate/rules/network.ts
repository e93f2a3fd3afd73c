import { itemPath } from '../../errors';
import type { NetworkProps } from './props';
import { type Add, type GroupContext, labelOf, num, q, str } from './support';

export function networkIssues(ctx: GroupContext): void {
  const { group, path, add } = ctx;
  // structs.go (*TaskGroup).validateNetworks.
  const labels = new Map<string, string>();
  const staticPorts = new Map<string, Map<number, string>>();
  const cniKeys = new Set<string>();
  const reserve = (
    port: { static?: unknown; hostNetwork?: unknown; ignoreCollision?: unknown; label?: unknown },
    owner: string,
    at: string,
    checkCollision: boolean,
  ) => {
    const value = num(port.static);
    if (value === undefined || value === 0) return;
    const hostNetwork = str(port.hostNetwork) ?? (port.hostNetwork === undefined ? 'default' : undefined);
    if (hostNetwork === undefined) return;
    const ports = staticPorts.get(hostNetwork) ?? new Map<number, string>();
    staticPorts.set(hostNetwork, ports);
    const other = ports.get(value);
    // "Static port %d already reserved by %s" (ignore_collision lifts this for group ports only).
    if (other !== undefined) {
      if (!checkCollision || port.ignoreCollision !== true) {
        add(
          'conflict',
          `${at}.static`,
          `static port ${value} is already reserved by ${other}: use another port, or a dynamic one`,
        );
      }
    } else {
      ports.set(value, owner);
    }
  };

  group.networks?.forEach((network, i) => {
    for (const port of network.ports ?? []) {
      const label = str(port.label);
      const at = `${path}.networks[${i}].ports[${labelOf(port.label)}]`;
      // "Port label %s already in use by %s".
      if (label !== undefined) {
        if (labels.has(label)) {
          add(
            'duplicate-name',
            at,
            `the port label ${q(label)} is already used by the group network: port labels must be unique in a group`,
          );
        } else {
          labels.set(label, 'the group network');
        }
      }
      reserve(port, `the group network's port ${q(label ?? '?')}`, at, true);
      // "Port %q collision may not be ignored on non-host network mode %q".
      const mode = str(network.mode);
      if (port.ignoreCollision === true && mode !== undefined && mode !== '' && mode !== 'host') {
        add(
          'conflict',
          `${at}.ignoreCollision`,
          `ignoreCollision needs network mode "host": received mode ${q(mode)}; drop ignoreCollision or use host mode`,
        );
      }
    }
    cniIssues(network, `${path}.networks[${i}]`, cniKeys, add);
  });

  (group.tasks ?? []).forEach((task, t) => {
    task.resources?.networks?.forEach((network, i) => {
      for (const port of network.ports ?? []) {
        const label = str(port.label);
        const at = `${itemPath(`${path}.tasks`, task.name, t)}.resources.networks[${i}].ports[${labelOf(port.label)}]`;
        const owner = labels.get(label ?? '');
        if (label !== undefined && owner !== undefined) {
          add(
            'duplicate-name',
            at,
            `the port label ${q(label)} is already used by ${owner}: port labels must be unique in a group`,
          );
        }
        reserve(port, `task ${q(labelOf(task.name))}'s port ${q(label ?? '?')}`, at, false);
      }
    });
  });
}

function cniIssues(network: NetworkProps, at: string, keys: Set<string>, add: Add): void {
  // structs.go (*TaskGroup).validateNetworks: "duplicate CNI arg %q" / "invalid ';' character in CNI arg key %q"
  // / "... value %q".
  for (const [key, value] of Object.entries(network.cni?.args ?? {})) {
    const argAt = `${at}.cni.args.${key}`;
    if (keys.has(key)) add('duplicate-name', argAt, `the CNI arg ${q(key)} is set by two networks: set it once`);
    keys.add(key);
    if (key.includes(';'))
      add('invalid-value', argAt, `a CNI arg key contains ";": received ${q(key)}; remove the ";"`);
    if (typeof value === 'string' && value.includes(';')) {
      add('invalid-value', argAt, `a CNI arg value contains ";": received ${q(value)}; remove the ";"`);
    }
  }
}
