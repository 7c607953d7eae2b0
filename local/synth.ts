import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { AftersalesStack } from '../lib/aftersales-stack.js';
import type { CfnTemplate } from './cfn/types.js';

export const LOCAL_STACK_NAME = 'Aftersales';

/**
 * Synthesizes the real CDK app's stack in-process and returns its CloudFormation template: the local runtime
 * runs exactly what `cdk deploy` would deploy. Bundling is skipped (the local runtime runs the TypeScript sources).
 */
export function synthesizeTemplate(): CfnTemplate {
  const outdir = mkdtempSync(join(tmpdir(), 'aftersales-synth-'));
  try {
    const app = new App({ outdir, context: { 'aws:cdk:bundling-stacks': [] } });
    new AftersalesStack(app, LOCAL_STACK_NAME);
    return app.synth().getStackByName(LOCAL_STACK_NAME).template as CfnTemplate;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
