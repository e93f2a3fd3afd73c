import { e2e } from './projenrc/e2e';
import { helloWorldApp } from './projenrc/hello-world-app';
import { jobspecBuilder } from './projenrc/jobspec-builder';
import { nomadConstructs } from './projenrc/nomad-constructs';
import { createRoot } from './projenrc/root';
import { trainer } from './projenrc/trainer';

// The single source of truth for every manifest, tsconfig and task file of this
// repository: edit this file or projenrc/*.ts, then run `npx projen`.
const root = createRoot();

const builder = jobspecBuilder(root);
const constructs = nomadConstructs(root, builder);
const helloWorld = helloWorldApp(root, builder);
const training = trainer(root, builder);
e2e(root, [builder, constructs, helloWorld, training]);

root.project.synth();
