import type { NomadClient } from '@org/jobspec-builder';
import type { AwsDeps } from '../cli/aws';
import { type Check, CheckFailure } from './checks';

/**
 * A service answers `GET /` from inside the VPC: every instance Nomad's service catalog lists
 * (`GET /v1/service/:name`), directly on its address and port, with hello-world's greeting.
 */
export function serviceCheck(nomad: NomadClient, aws: Pick<AwsDeps, 'httpGet'>, service: string): Check {
  return {
    name: service,
    async run() {
      const { data } = await nomad.query<Array<{ Address: string; Port: number; AllocID?: string }> | null>(
        `/v1/service/${encodeURIComponent(service)}`,
      );
      const instances = data ?? [];
      if (instances.length === 0) {
        throw new CheckFailure(`no instance of ${service} is registered: \`nomad service info ${service}\`.`);
      }
      const answers: string[] = [];
      for (const instance of instances) {
        const url = `http://${instance.Address}:${instance.Port}/`;
        const answer = await aws.httpGet(url).catch((error: Error) => ({ status: 0, body: error.message }));
        if (answer.status !== 200 || !answer.body.startsWith('Hello from')) {
          throw new CheckFailure(
            `${url} answered ${answer.status === 0 ? `nothing (${answer.body})` : `HTTP ${answer.status}`}.`,
          );
        }
        answers.push(url);
      }
      return `${answers.length} instance(s) answer (${answers.join(', ')})`;
    },
  };
}
