import type { CfnTemplate } from './types.js';

/** `Ref: AWS::NoValue`: the property is removed, as CloudFormation does. */
export const NO_VALUE: unique symbol = Symbol('AWS::NoValue');

export class CfnResolutionError extends Error {
  override name = 'CfnResolutionError';
}

/** How the resolver learns the local physical values of resources. */
export interface ResourceValues {
  /** Value of `Ref` on a resource, or undefined when no such resource exists. */
  ref(logicalId: string, path: string): string | undefined;
  /** Value of `Fn::GetAtt`, or undefined when no such resource exists. */
  getAtt(logicalId: string, attribute: string, path: string): string | undefined;
}

export interface PseudoParameters {
  region: string;
  accountId: string;
  stackName: string;
}

type Intrinsic = (args: unknown, path: string) => unknown;

/**
 * Evaluates CloudFormation intrinsic functions the way the service does at deploy time, so the
 * synthesized template can drive the local runtime. Anything that cannot be known locally throws
 * a CfnResolutionError naming the template path, instead of leaking a half-resolved object.
 */
export class IntrinsicResolver {
  private readonly conditionCache = new Map<string, boolean>();
  private readonly functions: Record<string, Intrinsic>;

  constructor(
    private readonly template: CfnTemplate,
    private readonly pseudo: PseudoParameters,
    private readonly resources: ResourceValues,
    private readonly parameterOverrides: Record<string, unknown> = {},
  ) {
    this.functions = {
      Ref: (a, p) => this.ref(expectString(a, p, 'Ref'), p),
      'Fn::GetAtt': (a, p) => this.getAtt(a, p),
      'Fn::Join': (a, p) => this.join(a, p),
      'Fn::Sub': (a, p) => this.sub(a, p),
      'Fn::Select': (a, p) => this.select(a, p),
      'Fn::Split': (a, p) => this.split(a, p),
      'Fn::If': (a, p) => this.fnIf(a, p),
      'Fn::FindInMap': (a, p) => this.findInMap(a, p),
      'Fn::Base64': (a, p) => Buffer.from(this.resolveString(a, p), 'utf8').toString('base64'),
      'Fn::GetAZs': () => ['a', 'b', 'c'].map((zone) => `${this.pseudo.region}${zone}`),
      'Fn::ToJsonString': (a, p) => JSON.stringify(this.resolve(a, p)),
      'Fn::Length': (a, p) => this.resolveList(a, p).length,
      'Fn::Equals': (a, p) => this.evaluateCondition({ 'Fn::Equals': a }, p),
      'Fn::Not': (a, p) => this.evaluateCondition({ 'Fn::Not': a }, p),
      'Fn::And': (a, p) => this.evaluateCondition({ 'Fn::And': a }, p),
      'Fn::Or': (a, p) => this.evaluateCondition({ 'Fn::Or': a }, p),
    };
  }

  /** Resolves every intrinsic inside `value`; `path` only serves error messages. */
  resolve(value: unknown, path: string): unknown {
    if (Array.isArray(value)) {
      return value.map((item, i) => this.resolve(item, `${path}[${i}]`)).filter((item) => item !== NO_VALUE);
    }
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value);
    const first = entries[0];
    if (entries.length === 1 && first && isIntrinsicName(first[0])) {
      const fn = this.functions[first[0]];
      if (!fn) throw new CfnResolutionError(`${path}: ${first[0]} cannot be resolved locally`);
      return fn(first[1], `${path}.${first[0]}`);
    }
    const out: Record<string, unknown> = {};
    for (const [key, child] of entries) {
      const resolved = this.resolve(child, `${path}.${key}`);
      if (resolved !== NO_VALUE) out[key] = resolved;
    }
    return out;
  }

  resolveString(value: unknown, path: string): string {
    return toText(this.resolve(value, path), path);
  }

  /** Whether a named template condition holds (resources with a false Condition do not exist). */
  condition(name: string, path: string): boolean {
    const cached = this.conditionCache.get(name);
    if (cached !== undefined) return cached;
    const body = this.template.Conditions?.[name];
    if (body === undefined) throw new CfnResolutionError(`${path}: unknown condition '${name}'`);
    const result = this.evaluateCondition(body, `Conditions.${name}`);
    this.conditionCache.set(name, result);
    return result;
  }

  private evaluateCondition(body: unknown, path: string): boolean {
    if (typeof body === 'boolean') return body;
    if (body && typeof body === 'object' && !Array.isArray(body)) {
      const [key, args] = Object.entries(body)[0] ?? [];
      if (key === 'Condition') return this.condition(expectString(args, path, 'Condition'), path);
      const list = Array.isArray(args) ? args : [];
      switch (key) {
        case 'Fn::Equals': {
          const [a, b] = list.map((x, i) => this.resolve(x, `${path}[${i}]`));
          return JSON.stringify(a) === JSON.stringify(b);
        }
        case 'Fn::Not':
          return !this.evaluateCondition(list[0], `${path}.Fn::Not`);
        case 'Fn::And':
          return list.every((c, i) => this.evaluateCondition(c, `${path}.Fn::And[${i}]`));
        case 'Fn::Or':
          return list.some((c, i) => this.evaluateCondition(c, `${path}.Fn::Or[${i}]`));
      }
    }
    throw new CfnResolutionError(`${path}: not a condition expression`);
  }

  private ref(name: string, path: string): unknown {
    switch (name) {
      case 'AWS::Region':
        return this.pseudo.region;
      case 'AWS::AccountId':
        return this.pseudo.accountId;
      case 'AWS::Partition':
        return 'aws';
      case 'AWS::URLSuffix':
        return 'amazonaws.com';
      case 'AWS::StackName':
        return this.pseudo.stackName;
      case 'AWS::StackId':
        return `arn:aws:cloudformation:${this.pseudo.region}:${this.pseudo.accountId}:stack/${this.pseudo.stackName}/local`;
      case 'AWS::NotificationARNs':
        return [];
      case 'AWS::NoValue':
        return NO_VALUE;
    }
    const resourceRef = this.resources.ref(name, path);
    if (resourceRef !== undefined) return resourceRef;
    if (name in this.parameterOverrides) return this.parameterOverrides[name];
    const parameter = this.template.Parameters?.[name];
    if (parameter) {
      if (parameter.Default === undefined) {
        throw new CfnResolutionError(`${path}: parameter '${name}' has no Default and no override`);
      }
      const isList = parameter.Type === 'CommaDelimitedList' || parameter.Type?.startsWith('List<');
      return isList && typeof parameter.Default === 'string' ? parameter.Default.split(',') : parameter.Default;
    }
    throw new CfnResolutionError(`${path}: Ref to unknown resource or parameter '${name}'`);
  }

  private getAtt(args: unknown, path: string): string {
    let logicalId: string;
    let attribute: string;
    if (typeof args === 'string') {
      const dot = args.indexOf('.');
      if (dot < 0) throw new CfnResolutionError(`${path}: expected "LogicalId.Attribute", got '${args}'`);
      logicalId = args.slice(0, dot);
      attribute = args.slice(dot + 1);
    } else if (Array.isArray(args) && args.length === 2) {
      logicalId = expectString(args[0], path, 'Fn::GetAtt');
      attribute = this.resolveString(args[1], `${path}[1]`);
    } else {
      throw new CfnResolutionError(`${path}: expected [LogicalId, Attribute]`);
    }
    const value = this.resources.getAtt(logicalId, attribute, path);
    if (value === undefined) throw new CfnResolutionError(`${path}: Fn::GetAtt on unknown resource '${logicalId}'`);
    return value;
  }

  private join(args: unknown, path: string): string {
    const [delimiter, list] = expectArgs(args, 2, path);
    const items = this.resolveList(list, `${path}[1]`);
    return items.map((item, i) => toText(item, `${path}[1][${i}]`)).join(expectString(delimiter, path, 'delimiter'));
  }

  private sub(args: unknown, path: string): string {
    let text: string;
    let variables: Record<string, unknown> = {};
    if (typeof args === 'string') {
      text = args;
    } else {
      const [template, vars] = expectArgs(args, 2, path);
      text = expectString(template, path, 'Fn::Sub template');
      variables = (this.resolve(vars, `${path}[1]`) ?? {}) as Record<string, unknown>;
    }
    return text.replace(/\$\{([^}]*)\}/g, (_match, name: string) => {
      if (name.startsWith('!')) return `\${${name.slice(1)}}`; // ${!Literal} escapes substitution
      if (name in variables) return toText(variables[name], `${path} \${${name}}`);
      if (name.includes('.') && !name.startsWith('AWS::')) return this.getAtt(name, `${path} \${${name}}`);
      return toText(this.ref(name, `${path} \${${name}}`), `${path} \${${name}}`);
    });
  }

  private select(args: unknown, path: string): unknown {
    const [index, list] = expectArgs(args, 2, path);
    const i = Number(this.resolve(index, `${path}[0]`));
    const items = this.resolveList(list, `${path}[1]`);
    if (!Number.isInteger(i) || i < 0 || i >= items.length) {
      throw new CfnResolutionError(`${path}: index ${String(index)} out of range (list has ${items.length})`);
    }
    return items[i];
  }

  private split(args: unknown, path: string): string[] {
    const [delimiter, source] = expectArgs(args, 2, path);
    return this.resolveString(source, `${path}[1]`).split(expectString(delimiter, path, 'delimiter'));
  }

  private fnIf(args: unknown, path: string): unknown {
    const [name, whenTrue, whenFalse] = expectArgs(args, 3, path);
    const holds = this.condition(expectString(name, path, 'condition name'), path);
    return holds ? this.resolve(whenTrue, `${path}[1]`) : this.resolve(whenFalse, `${path}[2]`);
  }

  private findInMap(args: unknown, path: string): unknown {
    const [map, top, second] = expectArgs(args, 3, path).map((a, i) => this.resolveString(a, `${path}[${i}]`));
    const value = this.template.Mappings?.[map!]?.[top!]?.[second!];
    if (value === undefined) throw new CfnResolutionError(`${path}: no mapping ${map}.${top}.${second}`);
    return value;
  }

  private resolveList(value: unknown, path: string): unknown[] {
    const resolved = this.resolve(value, path);
    if (!Array.isArray(resolved)) throw new CfnResolutionError(`${path}: expected a list`);
    return resolved;
  }
}

function isIntrinsicName(key: string): boolean {
  return key === 'Ref' || key.startsWith('Fn::');
}

function expectArgs(args: unknown, count: number, path: string): unknown[] {
  if (!Array.isArray(args) || args.length < count) {
    throw new CfnResolutionError(`${path}: expected a list of ${count} arguments`);
  }
  return args;
}

function expectString(value: unknown, path: string, what: string): string {
  if (typeof value !== 'string') throw new CfnResolutionError(`${path}: ${what} must be a string`);
  return value;
}

/** CloudFormation coerces scalars to strings where a string is expected. */
function toText(value: unknown, path: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new CfnResolutionError(`${path}: expected a string, got ${value === NO_VALUE ? 'AWS::NoValue' : typeof value}`);
}
