import { Constraint, Duration, dockerService, Size } from '../../../src';

/** A Docker web service: the `dockerService` helper with a few overrides. */
export const webService = dockerService({
  id: 'hello-web',
  image: 'ghcr.io/acme/hello-world-app:1.4.2',
  containerPort: 8080,
  count: 3,
  cpu: 250,
  memory: Size.mebibytes(256),
  env: { LOG_LEVEL: 'info', INSTANCE: '${NOMAD_ALLOC_ID}' },
  tags: ['traefik.enable=true', 'traefik.http.routers.hello.rule=PathPrefix(`/`)'],
  job: {
    datacenters: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'],
    nodePool: 'web',
    constraints: [Constraint.equals('${attr.kernel.name}', 'linux')],
    meta: { team: 'platform', 'cost.center': '42' },
  },
  group: {
    constraints: [Constraint.distinctHosts()],
    restart: { attempts: 2, interval: Duration.minutes(30), delay: Duration.seconds(15), mode: 'fail' },
  },
});
