import { CfnElement, Names, type Stack } from 'aws-cdk-lib';
import { Construct, type IConstruct } from 'constructs';

/**
 * One capability of the pipeline (intake, notices, SLA…): it owns its functions, grants, alarms and outputs, and is
 * a node of the construct tree, so `cdk` paths and cdk-nag findings name it. It leaves no trace in logical IDs: a
 * resource inside it keeps the logical ID it had when the stack built it directly (`logicalIdOf`), so a deployed
 * stack updates in place and no table, queue, secret or log group is replaced because the code was reorganised.
 */
export abstract class Capability extends Construct {
  static isCapability(x: IConstruct): boolean {
    return x instanceof Capability;
  }
}

/**
 * The logical ID CDK gives `element` (Stack.allocateLogicalId: a readable part and a hash of its path below the
 * stack), computed from that path without the capabilities' ids. Some construct ids embed another construct's unique
 * id (an EventBridge target's permission is `AllowEventRule<function's path>`): there too the capabilities are left
 * out. Outside any capability this is exactly CDK's default.
 */
export function logicalIdOf(stack: Stack, element: CfnElement): string {
  const path = pathBelow(stack, element).filter((scope) => !Capability.isCapability(scope));
  return uniqueIdOf(path.map((scope) => withoutCapabilityIds(stack, scope.node.id)));
}

/**
 * For what a capability held when it was a construct of its own (CarrierTracking's webhook secret and schedule):
 * keeps the logical ID CDK gives it by default, the capability's id included, as it had before.
 */
export function keepCapabilityInLogicalId(construct: IConstruct): void {
  for (const element of construct.node.findAll().filter((c): c is CfnElement => CfnElement.isCfnElement(c))) {
    element.overrideLogicalId(uniqueIdOf(pathBelow(element.stack, element).map((scope) => withoutCapabilityIds(element.stack, scope.node.id))));
  }
}

function pathBelow(stack: Stack, element: IConstruct): IConstruct[] {
  const scopes = element.node.scopes;
  return scopes.slice(scopes.indexOf(stack) + 1);
}

/** CDK's unique id (readable part and hash) of a path of ids, computed on a detached copy of the path. */
function uniqueIdOf(ids: string[]): string {
  let copy = new Construct(undefined as unknown as Construct, '');
  for (const id of ids) copy = new Construct(copy, id);
  return Names.nodeUniqueId(copy.node);
}

const renamesByStack = new WeakMap<Stack, { size: number; renames: Map<string, string> }>();

/** An id that embeds the unique id of a construct inside a capability gets that construct's id without capabilities. */
function withoutCapabilityIds(stack: Stack, id: string): string {
  if (!id.includes(stack.node.id)) return id; // a unique id starts with the stack's id
  const all = stack.node.findAll();
  let cached = renamesByStack.get(stack);
  if (cached?.size !== all.length) {
    const renames = new Map<string, string>();
    for (const c of all.filter((x) => x.node.scopes.some(Capability.isCapability))) {
      const kept = c.node.scopes.slice(1).filter((scope) => !Capability.isCapability(scope));
      renames.set(Names.nodeUniqueId(c.node), uniqueIdOf(kept.map((scope) => scope.node.id)));
    }
    cached = { size: all.length, renames };
    renamesByStack.set(stack, cached);
  }
  let result = id;
  for (const [withCapabilities, without] of cached.renames) result = result.split(withCapabilities).join(without);
  return result;
}
