import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CfnTemplate, formatCost, priceTemplate } from '../cost/template-cost';
import { createReferenceApp, REFERENCE_STACK_NAME } from '../reference-app';
import { CliError, type CliIo } from './io';

/** The UI the cost is computed with when the context names none: the goal is priced with the HTTPS UI. */
export const EXAMPLE_UI_CONTEXT = {
  'nomad:domainName': 'nomad.example.com',
  'nomad:hostedZoneId': 'Z0EXAMPLE',
  'nomad:hostedZoneName': 'example.com',
  'nomad:allowedCidrs': '203.0.113.0/24',
} as const;

export interface CostOptions {
  /** `default` or `production`. */
  readonly profile?: string;
  readonly json?: boolean;
  /** Price this template file instead of synthesizing the reference app. */
  readonly template?: string;
  readonly spotDiscount?: number;
  /** Context of the app (`-c key=value`). */
  readonly context?: Record<string, string>;
}

/**
 * `nomad-e2e cost`: synthesizes the reference app (with the HTTPS UI, in us-east-1, whose prices the
 * table holds) and prints its monthly list price by resource, or prices a given template.
 */
export function costCommand(options: CostOptions, io: CliIo): number {
  let template: CfnTemplate;
  let title: string;
  if (options.template !== undefined) {
    template = readTemplate(options.template);
    title = `Monthly list price of ${options.template}`;
  } else {
    const context: Record<string, string> = { ...options.context };
    const exampleUi = context['nomad:domainName'] === undefined;
    if (exampleUi) {
      Object.assign(context, EXAMPLE_UI_CONTEXT);
    }
    if (options.profile !== undefined) {
      context['nomad:profile'] = options.profile;
    }
    const outdir = mkdtempSync(join(tmpdir(), 'nomad-e2e-cost-'));
    process.env.JSII_DEPRECATED ??= 'quiet';
    let stack: ReturnType<typeof createReferenceApp>['stack'];
    let app: ReturnType<typeof createReferenceApp>['app'];
    try {
      ({ app, stack } = createReferenceApp({
        outdir,
        // Path metadata names the rows; the warnings of the synthesis are `cdk synth`'s to show, not the price's.
        context: {
          ...context,
          'aws:cdk:enable-path-metadata': true,
          '@aws-cdk/core:annotationsInValidationReport': false,
        },
        uiRegion: 'us-east-1',
      }));
    } catch (error) {
      throw new CliError(error instanceof Error ? error.message : String(error));
    }
    const assembly = app.synth();
    template = JSON.parse(
      readFileSync(join(assembly.directory, `${REFERENCE_STACK_NAME}.template.json`), 'utf8'),
    ) as CfnTemplate;
    title = `Monthly list price of ${REFERENCE_STACK_NAME}, profile ${stack.profile.name}, with the HTTPS UI${exampleUi ? ` (priced as ${EXAMPLE_UI_CONTEXT['nomad:domainName']})` : ''}`;
  }
  let cost: ReturnType<typeof priceTemplate>;
  try {
    cost = priceTemplate(template, { spotDiscount: options.spotDiscount });
  } catch (error) {
    throw new CliError(error instanceof Error ? error.message : String(error));
  }
  if (options.json) {
    io.stdout(`${JSON.stringify({ title, ...cost }, null, 2)}\n`);
  } else {
    io.stdout(`${formatCost(cost, title)}\n`);
  }
  return 0;
}

function readTemplate(path: string): CfnTemplate {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new CliError(
      `--template: cannot read ${path}. Give the path of a synthesized template (cdk.out/<stack>.template.json).`,
    );
  }
  try {
    const parsed = JSON.parse(text) as unknown;
    if (typeof parsed !== 'object' || parsed === null || !('Resources' in parsed)) {
      throw new Error('no Resources');
    }
    return parsed as CfnTemplate;
  } catch {
    throw new CliError(`--template: ${path} is not a CloudFormation template in JSON (an object with Resources).`);
  }
}
