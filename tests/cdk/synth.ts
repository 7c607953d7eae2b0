import { App, type Environment } from 'aws-cdk-lib';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AftersalesStack } from '../../lib/aftersales-stack.js';

/**
 * The app as `cdk synth` builds it (bin/app.ts, with the feature flags of cdk.json), in-process and without
 * bundling: `aws:cdk:bundling-stacks: []` makes NodejsFunction skip esbuild, so a synth takes seconds.
 */
export function buildApp(options: { builtinCloudFormationValidation: boolean; context?: Record<string, unknown>; env?: Environment }): {
  app: App;
  stack: AftersalesStack;
  outdir: string;
} {
  const cdkJson = JSON.parse(readFileSync('cdk.json', 'utf8')) as { context?: Record<string, unknown> };
  const outdir = mkdtempSync(join(tmpdir(), 'aftersales-cdk-test-'));
  const app = new App({
    outdir,
    // Stack traces on every construct and (when not asked for) the built-in CloudFormation schema validation
    // are what make an in-process synth slow; neither changes the template.
    builtinCloudFormationValidation: options.builtinCloudFormationValidation,
    context: { ...cdkJson.context, ...options.context, 'aws:cdk:bundling-stacks': [], 'aws:cdk:disable-stack-trace': true },
  });
  const stack = new AftersalesStack(app, 'Aftersales', options.env ? { env: options.env } : {});
  return { app, stack, outdir };
}

/** The validation report `app.synth()` writes into the assembly directory (cdk-nag v3 and the built-in checks). */
export interface ValidationReport {
  pluginReports: Array<{
    pluginName: string;
    conclusion: 'success' | 'failure';
    violations: Array<{ ruleName: string; description: string; severity?: string; violatingConstructs?: Array<{ constructPath: string }> }>;
    suppressedViolations?: Array<{ ruleName: string; reason?: string; violatingConstructs?: Array<{ constructPath: string }> }>;
  }>;
}

export function readValidationReport(outdir: string): ValidationReport | undefined {
  const file = join(outdir, 'validation-report.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as ValidationReport) : undefined;
}

/** A CloudFormation intrinsic inside a Fn::Join, written as a readable placeholder. */
export function placeholder(token: unknown): string {
  if (typeof token === 'string') return token;
  const t = token as Record<string, unknown>;
  if ('Ref' in t) return `\${Ref:${String(t.Ref)}}`;
  if ('Fn::GetAtt' in t) return `\${GetAtt:${(t['Fn::GetAtt'] as string[]).join('.')}}`;
  return `\${${JSON.stringify(token).replace(/"/g, "'")}}`;
}

/** Resolves a `{ "Fn::Join": ["", [...]] }` (or a plain string) into one string with placeholders for tokens. */
export function joinToString(value: unknown): string {
  if (typeof value === 'string') return value;
  const join = (value as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  if (!join) throw new Error(`not a Fn::Join: ${JSON.stringify(value)}`);
  return join[1].map(placeholder).join(join[0]);
}
