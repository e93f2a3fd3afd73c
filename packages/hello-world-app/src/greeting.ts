import type { InstanceIdentity } from './config';

/**
 * The text of `GET /`: which instance answered, so that requests through a load
 * balancer show the spread over allocations and nodes.
 */
export function greeting(instance: InstanceIdentity): string {
  if (!instance.allocId) {
    return `Hello from ${instance.hostname}\n`;
  }
  const where = [
    ...(instance.taskName ? [`task ${instance.taskName}`] : []),
    ...(instance.nodeName ? [`node ${instance.nodeName}`] : []),
  ];
  return `Hello from allocation ${instance.allocId}${where.length > 0 ? ` (${where.join(', ')})` : ''}\n`;
}
