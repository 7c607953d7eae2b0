import { AssetHashType, DockerImage, Duration, type ILocalBundling, RemovalPolicy } from 'aws-cdk-lib';
import { Architecture, type CfnFunction, Code, Runtime, Tracing, type IFunction } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { bundleFunction } from './bundling.js';
import { DataKey } from './data-key.js';
import * as path from 'node:path';

export interface ProjectFunctionProps {
  /** The handler file under functions/handlers, without extension, e.g. "ingest-webhook". */
  handler: string;
  description: string;
  environment?: Record<string, string>;
  timeout?: Duration;
  memorySize?: number;
}

/** Where the functions publish business metrics: namespace, and the `service` dimension (POWERTOOLS_SERVICE_NAME). */
export const METRICS_NAMESPACE = 'Aftersales';
export const SERVICE_NAME = 'aftersales';

export const REPO_ROOT = path.resolve(import.meta.dirname, '..', '..');

/**
 * Bundles one handler with `bundleFunction`. CDK caches bundled assets by a key made of the asset options
 * JSON-stringified (aws-cdk-lib asset-staging `cacheKey`): a function such as `tryBundle` does not survive JSON, so
 * the entry must be a plain property here, or every function would share the first function's bundle.
 */
class EsbuildBundling implements ILocalBundling {
  constructor(readonly entry: string) {}

  tryBundle(outputDir: string): boolean {
    bundleFunction(path.join(REPO_ROOT, this.entry), outputDir);
    return true;
  }
}

/**
 * Every Lambda of the pipeline, with the same defaults: current Node runtime on ARM64, X-Ray tracing, a log group
 * with bounded retention, and an esbuild bundle (no Docker) holding only what the handler imports: `bundleFunction`
 * (bundling.ts), as `npm run bench` measures it. NodejsFunction's own bundling writes one file (`--outfile`), which
 * cannot split code, so the code is given as an asset bundled here, hashed by its output as NodejsFunction does.
 * The metadata `aftersales:entry` tells the local runtime which source file this function runs.
 */
export class ProjectFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: ProjectFunctionProps) {
    const entry = path.join('functions', 'handlers', `${props.handler}.ts`);
    const logGroup = new LogGroup(scope, `${id}Logs`, { retention: RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY, encryptionKey: DataKey.of(scope) });
    super(scope, id, {
      code: Code.fromAsset(REPO_ROOT, {
        assetHashType: AssetHashType.OUTPUT,
        bundling: {
          // Never pulled: local bundling always succeeds where the stack is synthesized (esbuild is a dependency).
          image: DockerImage.fromRegistry('dummy'),
          local: new EsbuildBundling(entry),
        },
      }),
      handler: 'index.handler',
      description: props.description,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(20),
      tracing: Tracing.ACTIVE,
      logGroup,
      environment: {
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        POWERTOOLS_LOG_LEVEL: 'INFO',
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
    });
    (this.node.defaultChild as CfnFunction).addMetadata('aftersales:entry', entry.split(path.sep).join('/'));
  }
}

export type { IFunction };
