import { CfnResolutionError, type IntrinsicResolver, type ResourceValues } from './intrinsics.js';
import type { CfnResource, CfnTemplate, ResolveTopologyOptions } from './types.js';

interface Physical {
  ref: string;
  attrs: Record<string, string>;
}

/**
 * The values `Ref` and `Fn::GetAtt` take locally. Physical names are deterministic (logical ids,
 * or the name the template sets) so the same template always maps to the same local resources,
 * including data kept on disk between runs.
 */
export class LocalPhysicalValues implements ResourceValues {
  private readonly cache = new Map<string, Physical>();
  private readonly inProgress = new Set<string>();
  private resolver: IntrinsicResolver | undefined;

  constructor(
    private readonly template: CfnTemplate,
    private readonly opts: ResolveTopologyOptions,
  ) {}

  /** The resolver is created after this object (each needs the other). */
  attach(resolver: IntrinsicResolver): void {
    this.resolver = resolver;
  }

  ref(logicalId: string, path: string): string | undefined {
    return this.physical(logicalId, path)?.ref;
  }

  getAtt(logicalId: string, attribute: string, path: string): string | undefined {
    const physical = this.physical(logicalId, path);
    if (!physical) return undefined;
    return physical.attrs[attribute] ?? `local-${logicalId}-${attribute}`;
  }

  /** Logical id whose Ref or any attribute equals `value` among resources of `type`. */
  findByValue(type: string, value: string): string | undefined {
    for (const [logicalId, resource] of Object.entries(this.template.Resources)) {
      if (resource.Type !== type) continue;
      const physical = this.physical(logicalId, `Resources.${logicalId}`);
      if (physical && (physical.ref === value || Object.values(physical.attrs).includes(value))) return logicalId;
    }
    return undefined;
  }

  private physical(logicalId: string, path: string): Physical | undefined {
    const cached = this.cache.get(logicalId);
    if (cached) return cached;
    const resource = this.template.Resources[logicalId];
    if (!resource) return undefined;
    if (this.inProgress.has(logicalId)) {
      throw new CfnResolutionError(`${path}: circular reference through '${logicalId}'`);
    }
    this.inProgress.add(logicalId);
    try {
      const computed = this.compute(logicalId, resource);
      const override = this.opts.overrides?.[logicalId];
      const physical: Physical = {
        ref: override?.ref ?? computed.ref,
        attrs: { ...computed.attrs, ...override?.attrs },
      };
      this.cache.set(logicalId, physical);
      return physical;
    } finally {
      this.inProgress.delete(logicalId);
    }
  }

  private compute(logicalId: string, resource: CfnResource): Physical {
    const { region, accountId, sqsEndpoint } = this.opts;
    const arnPrefix = (service: string) => `arn:aws:${service}:${region}:${accountId}`;
    switch (resource.Type) {
      case 'AWS::Lambda::Function': {
        const arn = `${arnPrefix('lambda')}:function:${logicalId}`;
        return { ref: logicalId, attrs: { Arn: arn } };
      }
      case 'AWS::SQS::Queue': {
        const name = this.queueName(logicalId, resource);
        const url = `${sqsEndpoint.replace(/\/+$/, '')}/${accountId}/${name}`;
        const arn = `${arnPrefix('sqs')}:${name}`;
        return { ref: url, attrs: { Arn: arn, QueueName: name, QueueUrl: url } };
      }
      case 'AWS::DynamoDB::Table':
      case 'AWS::DynamoDB::GlobalTable': {
        const name = this.tableName(logicalId, resource);
        const arn = `${arnPrefix('dynamodb')}:table/${name}`;
        return { ref: name, attrs: { Arn: arn, StreamArn: `${arn}/stream/local`, TableId: `local-${name}` } };
      }
      case 'AWS::StepFunctions::StateMachine': {
        const arn = `${arnPrefix('states')}:stateMachine:${logicalId}`;
        return { ref: arn, attrs: { Arn: arn, Name: logicalId, StateMachineRevisionId: arn } };
      }
      case 'AWS::SNS::Topic': {
        const name = this.nameProperty(logicalId, resource, 'TopicName');
        const arn = `${arnPrefix('sns')}:${name}`;
        return { ref: arn, attrs: { TopicArn: arn, TopicName: name } };
      }
      case 'AWS::SecretsManager::Secret': {
        const name = this.nameProperty(logicalId, resource, 'Name');
        const arn = `${arnPrefix('secretsmanager')}:secret:${name}`;
        return { ref: arn, attrs: { Id: arn } };
      }
      default:
        return { ref: `local-${logicalId}`, attrs: {} };
    }
  }

  private queueName(logicalId: string, resource: CfnResource): string {
    const name = this.nameProperty(logicalId, resource, 'QueueName');
    const fifo = String(resource.Properties?.FifoQueue) === 'true';
    return fifo && !name.endsWith('.fifo') ? `${name}.fifo` : name;
  }

  private tableName(logicalId: string, resource: CfnResource): string {
    return this.nameProperty(logicalId, resource, 'TableName');
  }

  private nameProperty(logicalId: string, resource: CfnResource, property: string): string {
    const raw = resource.Properties?.[property];
    if (raw === undefined) return logicalId;
    if (!this.resolver) throw new Error('LocalPhysicalValues used before attach()');
    return this.resolver.resolveString(raw, `Resources.${logicalId}.Properties.${property}`);
  }
}
