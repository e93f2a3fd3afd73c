import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from '@cdktn/hcl2json';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/cli';
import { deploymentFixture, FakeNomad } from '../client/fake-nomad';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'jobspec-cli-'));
});

async function jobspec(args: string[], env: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    env,
    cwd: dir,
  });
  return { code, stdout, stderr };
}

function write(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

const WEB = `variable "image" {
  type    = string
  default = "nginx:1.27"
}

locals {
  ports = ["http", "admin"]
}

job "web" {
  group "web" {
    count = 2
    network {
      dynamic "port" {
        for_each = local.ports
        labels   = [port.value]
        content {
          to = 8080 + port.key
        }
      }
    }
    task "server" {
      driver = "docker"
      config {
        image = var.image
        args  = ["--id", "\${NOMAD_ALLOC_ID}"]
      }
      env {
        GREETING = upper("hi \${var.image}")
      }
      resources {
        cpu    = 100
        memory = 64
      }
    }
  }
}
`;

describe('jobspec convert', () => {
  it('converts an HCL jobspec to API JSON, with variables, locals, dynamic blocks and functions evaluated', async () => {
    const file = write('web.nomad.hcl', WEB);
    const { code, stdout, stderr } = await jobspec(['convert', file, '--to', 'api-json', '--var', 'image=nginx:1.28']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const job = JSON.parse(stdout).Job;
    expect(job.ID).toBe('web');
    const group = job.TaskGroups[0];
    expect(group.Networks[0].DynamicPorts).toEqual([
      { Label: 'http', To: 8080 },
      { Label: 'admin', To: 8081 },
    ]);
    expect(group.Tasks[0].Config).toEqual({ image: 'nginx:1.28', args: ['--id', '${NOMAD_ALLOC_ID}'] });
    expect(group.Tasks[0].Env).toEqual({ GREETING: 'HI NGINX:1.28' });
  });

  it('takes variable values from NOMAD_VAR_* when no --var is given', async () => {
    const file = write('web.nomad.hcl', WEB);
    const { stdout } = await jobspec(['convert', file, '--to', 'api-json'], { NOMAD_VAR_image: 'httpd:2' });
    expect(JSON.parse(stdout).Job.TaskGroups[0].Tasks[0].Config.image).toBe('httpd:2');
  });

  it('converts API JSON to HCL that HashiCorp parser reads', async () => {
    const hcl = write('web.nomad.hcl', WEB);
    const json = write('web.json', (await jobspec(['convert', hcl, '--to', 'api-json'])).stdout);
    const { code, stdout } = await jobspec(['convert', json, '--to', 'hcl']);
    expect(code).toBe(0);
    expect(stdout).toContain('job "web" {');
    expect(stdout).toContain('args  = ["--id", "$${NOMAD_ALLOC_ID}"]');
    await expect(parse('out.hcl', stdout)).resolves.toBeTruthy();
  });

  it('reports a syntax error with file:line:column, and no stack trace', async () => {
    const file = write('bad.nomad.hcl', 'job "x" {\n  group "a" {\n    count =\n  }\n}\n');
    const { code, stderr } = await jobspec(['convert', file, '--to', 'hcl']);
    expect(code).toBe(1);
    expect(stderr).toContain('bad.nomad.hcl:3:12: Invalid expression');
    expect(stderr).toContain('[syntax-error]');
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('reports an unknown block with its path, line and column', async () => {
    const file = write(
      'typo.nomad.hcl',
      'job "x" {\n  group "a" {\n    tasks "t" {\n      driver = "exec"\n    }\n  }\n}\n',
    );
    const { code, stderr } = await jobspec(['convert', file, '--to', 'hcl']);
    expect(code).toBe(1);
    expect(stderr).toMatch(
      /typo\.nomad\.hcl:3:5: job\["x"\]\.group\["a"\]\.tasks: "tasks" is not a block of TaskGroup; blocks allowed here: .*\btask\b/,
    );
  });

  it('reports a variable without a value, naming how to set it', async () => {
    const file = write(
      'v.nomad.hcl',
      'variable "image" {}\njob "x" {\n  group "a" {\n    task "t" {\n      driver = "docker"\n      config {\n        image = var.image\n      }\n    }\n  }\n}\n',
    );
    const { code, stderr } = await jobspec(['convert', file, '--to', 'hcl']);
    expect(code).toBe(1);
    expect(stderr).toContain(
      'v.nomad.hcl:1:1: var.image: variable "image" has no default: pass -var image=<value>, set NOMAD_VAR_image, or give it a value in a var file [required]',
    );
  });

  it('reports a dynamic block over something that is not a collection', async () => {
    const file = write(
      'd.nomad.hcl',
      'job "x" {\n  group "a" {\n    network {\n      dynamic "port" {\n        for_each = "http"\n        labels   = [port.value]\n        content {}\n      }\n    }\n  }\n}\n',
    );
    const { code, stderr } = await jobspec(['convert', file, '--to', 'hcl']);
    expect(code).toBe(1);
    expect(stderr).toContain(
      'd.nomad.hcl:5:9: job["x"].group["a"].network.dynamic["port"].for_each: expected a list or a map to iterate over, received string "http" [invalid-type]',
    );
  });

  it('explains usage mistakes with exit code 2', async () => {
    expect((await jobspec(['convert', 'x.hcl'])).code).toBe(2);
    expect((await jobspec(['convert', 'x.hcl'])).stderr).toContain('--to must be hcl or api-json');
    expect((await jobspec(['frobnicate'])).stderr).toContain('unknown command "frobnicate"');
    expect((await jobspec(['convert', 'missing.hcl', '--to', 'hcl'])).stderr).toContain('cannot read');
  });
});

describe('jobspec validate', () => {
  it('accepts a valid job', async () => {
    const file = write('web.nomad.hcl', WEB);
    expect(await jobspec(['validate', file])).toEqual({ code: 0, stdout: 'web: valid\n', stderr: '' });
  });

  it('lists every problem with its path, what was received and what is allowed', async () => {
    const file = write(
      'bad.nomad.hcl',
      'job "x" {\n  type = "batch"\n  update {\n    max_parallel = 1\n  }\n  group "a" {\n    task "t" {\n      driver = "exec"\n      resources {\n        memory = 4\n      }\n    }\n    task "t" {\n      driver = "exec"\n    }\n  }\n}\n',
    );
    const { code, stderr } = await jobspec(['validate', file]);
    expect(code).toBe(1);
    expect(stderr).toContain('bad.nomad.hcl:3:3: job["x"].update: a batch job has no deployments');
    expect(stderr).toContain('bad.nomad.hcl:10:9: job["x"].group["a"].task["t"].resources.memory: memory is below');
    expect(stderr).toContain('bad.nomad.hcl:13:5: job["x"].group["a"].task["t"]: task 2 redefines the name "t"');
    expect(stderr).toContain('[duplicate-name]');
  });
});

describe('jobspec render', () => {
  it('renders every job a TypeScript module exports, and writes files with --out', async () => {
    const module = join(__dirname, '../fixtures/jobs-module.ts');
    const { code, stdout } = await jobspec(['render', module, '--to', 'hcl']);
    expect(code).toBe(0);
    expect(stdout).toContain('job "web" {');
    expect(stdout).toContain('job "report" {');
    const out = await jobspec(['render', module, '--export', 'batch', '--to', 'api-json', '--out', 'jobs']);
    expect(out.code).toBe(0);
    expect(readdirSync(join(dir, 'jobs'))).toEqual(['report.json']);
    expect(JSON.parse(readFileSync(join(dir, 'jobs', 'report.json'), 'utf8')).Job.Type).toBe('batch');
  });

  it('names the exports when the one asked for is missing', async () => {
    const module = join(__dirname, '../fixtures/jobs-module.ts');
    const { code, stderr } = await jobspec(['render', module, '--export', 'nope', '--to', 'hcl']);
    expect(code).toBe(2);
    expect(stderr).toContain('has no exported job named "nope"; exported jobs: batch, web');
  });
});

describe('jobspec import', () => {
  it('prints TypeScript that builds the job', async () => {
    const file = write('web.nomad.hcl', WEB);
    const { code, stdout } = await jobspec(['import', file]);
    expect(code).toBe(0);
    // Variables stay variables: a constant at the top with the values the job was imported with.
    expect(stdout).toMatch(
      /^import \{ Job, Size \} from '@org\/jobspec-builder';\n\n\/\*\* .*\*\/\nconst vars = \{\n {2}image: 'nginx:1.27',\n\};\n\nexport const web = new Job\(\{/,
    );
    expect(stdout).toContain('image: vars.image,');
    expect(stdout).not.toContain('"');
    expect(stdout).toContain('memory: Size.mebibytes(64)');
  });
});

describe('jobspec plan and run against a Nomad agent', () => {
  let nomad: FakeNomad;
  beforeEach(async () => {
    nomad = await FakeNomad.start();
  });
  afterEach(async () => {
    await nomad.close();
  });

  const planResponse = (changes: number) => ({
    json: {
      JobModifyIndex: 7,
      Diff: { Type: changes ? 'Added' : 'None', ID: 'web', Fields: null, Objects: null, TaskGroups: null },
      Annotations: { DesiredTGUpdates: { web: { Place: changes, Ignore: changes ? 0 : 2 } } },
      FailedTGAllocs: null,
      Warnings: '',
      NextPeriodicLaunch: '0001-01-01T00:00:00Z',
    },
  });

  it('plan prints the diff and exits 1 when allocations would change, as nomad job plan does', async () => {
    nomad.on('POST', '/v1/job/web/plan', planResponse(2));
    const file = write('web.nomad.hcl', WEB);
    const { code, stdout } = await jobspec(['plan', file], { NOMAD_ADDR: nomad.address, NOMAD_TOKEN: 'secret' });
    expect(code).toBe(1);
    expect(stdout).toContain('Job Modify Index: 7');
    expect(nomad.requests[0]?.headers['x-nomad-token']).toBe('secret');
  });

  it('run registers with check-and-set and follows the deployment to success', async () => {
    nomad.on('POST', '/v1/job/web/plan', planResponse(2));
    nomad.on('POST', '/v1/jobs', { json: { EvalID: 'e1', EvalCreateIndex: 9, JobModifyIndex: 19, Warnings: '' } });
    const running = deploymentFixture({ jobModifyIndex: 19, groups: { web: { desired: 2, placed: 2, healthy: 1 } } });
    const done = deploymentFixture({
      jobModifyIndex: 19,
      status: 'successful',
      description: 'Deployment completed successfully',
      groups: { web: { desired: 2, placed: 2, healthy: 2 } },
    });
    nomad.on('GET', '/v1/job/web/deployment', { json: running, index: 30 });
    nomad.on('GET', `/v1/deployment/${running.ID}`, [
      { json: running, index: 30 },
      { json: done, index: 31 },
    ]);
    const file = write('web.nomad.hcl', WEB);
    const { code, stdout } = await jobspec(['run', file], { NOMAD_ADDR: nomad.address });
    expect(code).toBe(0);
    const register = nomad.requestsTo('POST', '/v1/jobs')[0]?.body as Record<string, unknown>;
    expect(register.EnforceIndex).toBe(true);
    expect(register.JobModifyIndex).toBe(7);
    expect(stdout).toContain('Registered job "web"');
    expect(stdout).toContain('successful');
  });

  it('run exits 1 when the deployment fails', async () => {
    nomad.on('POST', '/v1/job/web/plan', planResponse(2));
    nomad.on('POST', '/v1/jobs', { json: { EvalID: 'e1', EvalCreateIndex: 9, JobModifyIndex: 19, Warnings: '' } });
    const failed = deploymentFixture({
      jobModifyIndex: 19,
      status: 'failed',
      description: 'Failed due to progress deadline',
    });
    nomad.on('GET', '/v1/job/web/deployment', { json: failed, index: 30 });
    nomad.on('GET', `/v1/deployment/${failed.ID}`, { json: failed, index: 30 });
    const { code, stderr } = await jobspec(['run', write('web.nomad.hcl', WEB)], { NOMAD_ADDR: nomad.address });
    expect(code).toBe(1);
    expect(stderr).toContain('Failed due to progress deadline');
  });

  it('prints the status and Nomad message of an API error, without a stack trace', async () => {
    nomad.on('POST', '/v1/job/web/plan', { status: 403, text: 'Permission denied' });
    const { code, stderr } = await jobspec(['plan', write('web.nomad.hcl', WEB)], { NOMAD_ADDR: nomad.address });
    expect(code).toBe(1);
    expect(stderr).toContain('403');
    expect(stderr).toContain('Permission denied');
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});
