import { parse } from '@cdktn/hcl2json';
import { describe, expect, it } from 'vitest';
import { Duration, HclExpression, JobspecError, Size } from '../../src';
import { decodeHclBody, type HclJsonBody, readHclJsonString } from '../../src/import/hcl-json';
import * as S from '../../src/schema/structs';

async function jobBody(hcl: string): Promise<HclJsonBody> {
  const parsed = (await parse('job.nomad.hcl', hcl)) as { job: Record<string, HclJsonBody[]> };
  return Object.values(parsed.job)[0]?.[0] as HclJsonBody;
}

describe('readHclJsonString', () => {
  it('reads escaped template sequences back as literal text', () => {
    expect(readHclJsonString('$${NOMAD_ALLOC_ID}')).toBe('${NOMAD_ALLOC_ID}');
    expect(readHclJsonString('%%{ if }')).toBe('%{ if }');
    expect(readHclJsonString('$$${x}')).toBe('$${x}');
    expect(readHclJsonString('cost $5 {a}')).toBe('cost $5 {a}');
  });

  it('keeps expressions and templates as HCL expressions', () => {
    expect(readHclJsonString('${var.image}')).toEqual(HclExpression.of('var.image'));
    expect(readHclJsonString('web-${var.env}')).toEqual(HclExpression.of('"web-${var.env}"'));
    expect(readHclJsonString('%{ if var.x }a%{ endif }')).toEqual(HclExpression.of('"%{ if var.x }a%{ endif }"'));
  });
});

describe('decodeHclBody', () => {
  it("reads a job from HashiCorp's parser output into model props", async () => {
    const body = await jobBody(`
job "web" {
  type = "service"
  meta {
    team = "platform"
  }
  group "api" {
    count = 2
    network {
      port "http" {
        to = 8080
      }
    }
    task "server" {
      driver       = "docker"
      kill_timeout = "45s"
      config {
        image = "nginx:1.27"
        args  = ["-c", "$\${NOMAD_TASK_DIR}/nginx.conf"]
      }
      resources {
        cpu    = 250
        memory = 256
      }
      scaling "cpu" {
        max = 1000
      }
    }
  }
}
`);
    expect(decodeHclBody(S.Job, body)).toEqual({
      type: 'service',
      meta: { team: 'platform' },
      groups: [
        {
          name: 'api',
          count: 2,
          networks: [{ ports: [{ label: 'http', to: 8080 }] }],
          tasks: [
            {
              name: 'server',
              driver: 'docker',
              killTimeout: Duration.seconds(45),
              config: { image: 'nginx:1.27', args: ['-c', '${NOMAD_TASK_DIR}/nginx.conf'] },
              resources: { cpu: 250, memory: Size.mebibytes(256) },
              scaling: [{ type: 'vertical_cpu', max: 1000 }],
            },
          ],
        },
      ],
    });
  });

  it('keeps attributes it does not model in raw.hcl, so nothing is lost', async () => {
    const body = await jobBody('job "web" {\n  future_setting = "on"\n}\n');
    expect(decodeHclBody(S.Job, body)).toEqual({ raw: { hcl: { future_setting: 'on' } } });
  });

  it('rejects unknown blocks and malformed values, naming each path', async () => {
    const body = await jobBody(`
job "web" {
  updates {
    max_parallel = 1
  }
  group "api" {
    shutdown_delay = "soon"
    ephemeral_disk {
      size = "big"
    }
  }
}
`);
    let error: unknown;
    try {
      decodeHclBody(S.Job, body);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(JobspecError);
    const issues = (error as JobspecError).issues;
    // In the parser's order: it sorts names within a body.
    expect(issues.map((issue) => [issue.code, issue.path])).toEqual([
      ['invalid-type', 'groups[api].ephemeralDisk.size'],
      ['invalid-value', 'groups[api].shutdownDelay'],
      ['unknown-field', 'updates'],
    ]);
    expect(issues[0]?.message).toBe('expected a whole number of MiB, received "big"');
    expect(issues[2]?.message).toMatch(/^"updates" is not a block of Job; blocks allowed here: .*\bupdate\b/);
  });
});
