import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { ProjectFunction } from '../../lib/constructs/project-function.js';

/**
 * With bundling on (tests/cdk/synth.ts turns it off for speed): each function gets the bundle of its own handler.
 * CDK caches bundled assets by their options as JSON, so an entry held only in a closure gave every function the
 * first function's bundle.
 */
const outdir = mkdtempSync(join(tmpdir(), 'function-assets-test-'));
afterAll(() => {
  rmSync(outdir, { recursive: true, force: true });
  vi.unstubAllEnvs();
});

/** Two functions that need only the table's name to load. */
const HANDLERS = ['record-failure', 'await-event'];

function synthesize() {
  const app = new App({ outdir, context: { 'aws:cdk:disable-stack-trace': true } });
  const stack = new Stack(app, 'Bundles');
  const functions = HANDLERS.map((handler) => new ProjectFunction(stack, handler, { handler, description: handler }));
  const template = Template.fromStack(stack);
  app.synth();
  return functions.map((fn) => {
    const cfn = template.findResources('AWS::Lambda::Function')[stack.getLogicalId(fn.node.defaultChild as never)] as { Properties: { Code: { S3Key: string } } };
    const s3Key = cfn.Properties.Code.S3Key;
    return { s3Key, dir: join(outdir, `asset.${s3Key.replace(/\.zip$/, '')}`) };
  });
}

describe('function assets, bundled', () => {
  const assets = synthesize();

  it('each function points at an asset of its own', () => {
    expect(new Set(assets.map((a) => a.s3Key)).size).toBe(HANDLERS.length);
  });

  it.each(HANDLERS.map((handler, i) => [handler, i] as const))('the asset of %s is its handler, and index.mjs exports `handler`', async (handler, i) => {
    const { dir } = assets[i]!;
    const map = JSON.parse(readFileSync(join(dir, 'index.mjs.map'), 'utf8')) as { sources: string[] };
    expect(map.sources.some((source) => source.endsWith(`functions/handlers/${handler}.ts`))).toBe(true);
    for (const other of HANDLERS.filter((h) => h !== handler)) expect(map.sources.some((source) => source.endsWith(`functions/handlers/${other}.ts`))).toBe(false);
    vi.stubEnv('TABLE_NAME', 'aftersales-test');
    const module = (await import(pathToFileURL(join(dir, 'index.mjs')).href)) as { handler?: unknown };
    expect(typeof module.handler).toBe('function');
  });
});
