import { Variable } from '@org/jobspec-builder';
import { helloWorldJob } from '../src/job';

/**
 * The image the committed job files run: the tag `npm run image` builds, so
 * they work as they are on a local `nomad agent -dev` sharing that Docker
 * engine. Other clusters pass their image: `-var image=...` for the HCL file,
 * `helloWorldJob({ image })` in code.
 */
export const LOCAL_IMAGE = 'hello-world-app:local';

const image = new Variable('image', {
  type: 'string',
  description: 'Container image built from packages/hello-world-app/Dockerfile',
  default: LOCAL_IMAGE,
});

/** Nomad's own pool by default, so the file runs on any cluster; `-var node_pool=general` for another. */
const nodePool = new Variable('node_pool', {
  type: 'string',
  description: 'Nomad node pool the instances run in',
  default: 'default',
});

/** The committed job files (package root) and their exact content. */
export function renderJobFiles(): Record<string, string> {
  return {
    'hello-world.nomad.hcl': helloWorldJob({ image: image.ref, nodePool: nodePool.ref }).toHcl({
      variables: [image, nodePool],
    }),
    'hello-world.api.json': `${JSON.stringify(helloWorldJob({ image: LOCAL_IMAGE }).toApiJson(), null, 2)}\n`,
  };
}
