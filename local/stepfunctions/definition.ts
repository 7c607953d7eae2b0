import type { StateMachineDefinition } from 'aws-local-stepfunctions';

/** Node timers fire after 1 ms when asked for more than 2^31-1 ms, so longer static timeouts and waits are clamped. */
export const MAX_TIMER_SECONDS = Math.floor(0x7fffffff / 1000);

export type TaskKind = 'lambda-function' | 'lambda-invoke' | 'sqs-send' | 'sfn-start';

/** What the local handler of one Task state needs to know. */
export interface TaskSpec {
  stateName: string;
  /** The Resource ARN as written. */
  resourceArn: string;
  kind: TaskKind;
  waitForToken: boolean;
  /** states:startExecution run to completion: `.sync` (Output as text) or `.sync:2` (Output parsed as JSON). */
  sync?: 'sync' | 'sync:2';
  /** History vocabulary: resourceType `lambda` / `sqs`, resource `invoke`, `sendMessage.waitForTaskToken`... */
  resourceType: string;
  resource: string;
  /** Static timeout after clamping; undefined when it comes from TimeoutSecondsPath. */
  timeoutSeconds?: number;
  heartbeatSeconds?: number;
  /** The handler input is `{ p: parameters, t?: timeoutSeconds, h?: heartbeatSeconds }` (see wrapDynamicTimeouts). */
  wrapped: boolean;
}

export interface PreparedDefinition {
  definition: StateMachineDefinition;
  tasks: Map<string, TaskSpec>;
  /** Names of states with a Retry field (for the retry-interval override). */
  retryingStates: string[];
}

type State = Record<string, unknown>;
type Machine = { StartAt: string; States: Record<string, State>; [key: string]: unknown };

const LAMBDA_FUNCTION_ARN = /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+(:[A-Za-z0-9_$-]+)?$/;
const SERVICE_INTEGRATION = /^arn:aws[a-z-]*:states:::(lambda:invoke|sqs:sendMessage|states:startExecution)(\.waitForTaskToken|\.sync:2|\.sync)?$/;
const KINDS: Record<string, TaskKind> = { lambda: 'lambda-invoke', sqs: 'sqs-send', states: 'sfn-start' };

function classify(stateName: string, resourceArn: string): Omit<TaskSpec, 'timeoutSeconds' | 'heartbeatSeconds' | 'wrapped'> {
  if (LAMBDA_FUNCTION_ARN.test(resourceArn)) {
    return { stateName, resourceArn, kind: 'lambda-function', waitForToken: false, resourceType: 'lambda', resource: resourceArn };
  }
  const match = SERVICE_INTEGRATION.exec(resourceArn);
  if (!match) throw new Error(`Task state "${stateName}": unsupported Resource "${resourceArn}" in the local Step Functions runtime`);
  const [service, action] = match[1]!.split(':') as [string, string];
  const pattern = match[2]?.slice(1);
  const waitForToken = pattern === 'waitForTaskToken';
  if (pattern?.startsWith('sync') && service !== 'states') throw new Error(`Task state "${stateName}": .sync is not supported for ${service} locally`);
  return {
    stateName,
    resourceArn,
    kind: KINDS[service]!,
    waitForToken,
    ...(pattern === 'sync' || pattern === 'sync:2' ? { sync: pattern } : {}),
    resourceType: service,
    resource: pattern ? `${action}.${pattern}` : action,
  };
}

/**
 * aws-local-stepfunctions evaluates TimeoutSecondsPath against the *effective parameters* (after Parameters)
 * instead of the state input, and ignores HeartbeatSeconds(Path). Moving the paths into the Parameters template
 * evaluates them against the state input, as AWS does; the local handler unwraps `p` and reads `t` / `h`.
 */
function wrapDynamicTimeouts(state: State): void {
  const wrapper: Record<string, unknown> = 'Parameters' in state ? { p: state.Parameters } : { 'p.$': '$' };
  if (typeof state.TimeoutSecondsPath === 'string') {
    wrapper['t.$'] = state.TimeoutSecondsPath;
    state.TimeoutSecondsPath = '$.t';
  }
  if (typeof state.HeartbeatSecondsPath === 'string') wrapper['h.$'] = state.HeartbeatSecondsPath;
  delete state.HeartbeatSecondsPath;
  state.Parameters = wrapper;
}

function prepareTask(name: string, state: State, tasks: Map<string, TaskSpec>): void {
  const base = classify(name, String(state.Resource));
  const wrapped = typeof state.TimeoutSecondsPath === 'string' || typeof state.HeartbeatSecondsPath === 'string';
  if (wrapped) wrapDynamicTimeouts(state);
  if (typeof state.TimeoutSecondsPath !== 'string') {
    // The library's default is 60 s; AWS has none (99999999 s), so make "none" explicit, within timer range.
    state.TimeoutSeconds = Math.min(typeof state.TimeoutSeconds === 'number' ? state.TimeoutSeconds : MAX_TIMER_SECONDS, MAX_TIMER_SECONDS);
  }
  const heartbeatSeconds = typeof state.HeartbeatSeconds === 'number' ? Math.min(state.HeartbeatSeconds, MAX_TIMER_SECONDS) : undefined;
  const spec: TaskSpec = { ...base, wrapped, heartbeatSeconds, timeoutSeconds: state.TimeoutSeconds as number | undefined };
  const known = tasks.get(name);
  if (known && known.resourceArn !== spec.resourceArn) {
    throw new Error(`Task state name "${name}" is used twice with different resources; local handlers are keyed by state name`);
  }
  tasks.set(name, spec);
}

function prepareMachine(machine: Machine, out: PreparedDefinition): void {
  if (typeof machine.TimeoutSeconds === 'number') machine.TimeoutSeconds = Math.min(machine.TimeoutSeconds, MAX_TIMER_SECONDS);
  for (const [name, state] of Object.entries(machine.States)) {
    if (state.QueryLanguage === 'JSONata') throw new Error(`State "${name}": JSONata is not supported locally (use JSONPath)`);
    if (Array.isArray(state.Retry)) out.retryingStates.push(name);
    if (state.Type === 'Task') prepareTask(name, state, out.tasks);
    if (state.Type === 'Wait' && typeof state.Seconds === 'number') state.Seconds = Math.min(state.Seconds, MAX_TIMER_SECONDS);
    if (state.Type === 'Parallel') for (const branch of state.Branches as Machine[]) prepareMachine(branch, out);
    if (state.Type === 'Map') prepareMachine((state.ItemProcessor ?? state.Iterator) as Machine, out);
  }
}

/** Copies an ASL (JSONPath) definition into what aws-local-stepfunctions runs faithfully, and lists its tasks. */
export function prepareDefinition(definition: object): PreparedDefinition {
  const copy = structuredClone(definition) as Machine;
  if (copy.QueryLanguage === 'JSONata') throw new Error('JSONata state machines are not supported locally: use JSONPath');
  const out: PreparedDefinition = { definition: copy as unknown as StateMachineDefinition, tasks: new Map(), retryingStates: [] };
  prepareMachine(copy, out);
  return out;
}
