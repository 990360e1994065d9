import aslValidator from 'asl-validator';
import type { ChoiceRule } from './choice';
import { SfnApiError } from './errors';
import type { Json } from './paths';

/** The fields the interpreter reads; asl-validator has checked the structure before. */
export interface Retrier {
  ErrorEquals: string[];
  IntervalSeconds?: number;
  MaxAttempts?: number;
  BackoffRate?: number;
  MaxDelaySeconds?: number;
  JitterStrategy?: 'FULL' | 'NONE';
}
export interface Catcher {
  ErrorEquals: string[];
  Next: string;
  ResultPath?: string | null;
}
export interface StateDef {
  Type: 'Pass' | 'Task' | 'Choice' | 'Wait' | 'Succeed' | 'Fail' | 'Parallel' | 'Map';
  Next?: string;
  End?: boolean;
  InputPath?: string | null;
  OutputPath?: string | null;
  ResultPath?: string | null;
  Parameters?: Json;
  ResultSelector?: Json;
  Result?: Json;
  Resource?: string;
  TimeoutSeconds?: number;
  TimeoutSecondsPath?: string;
  HeartbeatSeconds?: number;
  HeartbeatSecondsPath?: string;
  Retry?: Retrier[];
  Catch?: Catcher[];
  Choices?: ChoiceRule[];
  Default?: string;
  Seconds?: number;
  SecondsPath?: string;
  Timestamp?: string;
  TimestampPath?: string;
  Error?: string;
  ErrorPath?: string;
  Cause?: string;
  CausePath?: string;
  Branches?: Scope[];
  Iterator?: Scope;
  ItemProcessor?: Scope & { ProcessorConfig?: { Mode?: string } };
  ItemsPath?: string;
  ItemSelector?: Json;
  MaxConcurrency?: number;
  MaxConcurrencyPath?: string;
}
export interface Scope {
  StartAt: string;
  States: Record<string, StateDef>;
}
export interface Definition extends Scope {
  TimeoutSeconds?: number;
  QueryLanguage?: string;
}

export const LAMBDA_INVOKE = 'arn:aws:states:::lambda:invoke';
export const LAMBDA_INVOKE_WAIT = 'arn:aws:states:::lambda:invoke.waitForTaskToken';
const LAMBDA_FUNCTION_ARN = /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+(:[A-Za-z0-9_$-]+)?$/;

export const isWaitForToken = (resource: string): boolean => resource === LAMBDA_INVOKE_WAIT;

/**
 * A child execution of a state machine of this engine: started and left (`startExecution`), or
 * waited for (`.sync`: its output as a JSON text; `.sync:2`: parsed), as AWS's Step Functions
 * integration does (https://docs.aws.amazon.com/step-functions/latest/dg/connect-stepfunctions.html).
 */
export const START_EXECUTION = 'arn:aws:states:::states:startExecution';
const START_EXECUTION_RESOURCES = new Set([START_EXECUTION, `${START_EXECUTION}.sync`, `${START_EXECUTION}.sync:2`]);
export const isStartExecution = (resource: string): boolean => START_EXECUTION_RESOURCES.has(resource);
export const isFunctionArn = (resource: string): boolean => LAMBDA_FUNCTION_ARN.test(resource);

/** Fields that belong to features this engine does not run: refused rather than ignored. */
const UNSUPPORTED_FIELDS: Record<string, string> = {
  Arguments: 'Arguments (JSONata)',
  Output: 'Output (JSONata)',
  Assign: 'variables (Assign)',
  Credentials: 'cross-account Credentials',
  ItemReader: 'Map ItemReader (distributed map)',
  ItemBatcher: 'Map ItemBatcher (distributed map)',
  ResultWriter: 'Map ResultWriter (distributed map)',
  ToleratedFailureCount: 'Map ToleratedFailureCount',
  ToleratedFailureCountPath: 'Map ToleratedFailureCountPath',
  ToleratedFailurePercentage: 'Map ToleratedFailurePercentage',
  ToleratedFailurePercentagePath: 'Map ToleratedFailurePercentagePath',
  Label: 'Map Label (distributed map)',
};
const TYPES = new Set(['Pass', 'Task', 'Choice', 'Wait', 'Succeed', 'Fail', 'Parallel', 'Map']);

const refuse = (state: string, feature: string): never => {
  throw new SfnApiError('InvalidDefinition', `State "${state}" uses ${feature}, which the local Step Functions engine does not implement.`);
};

function checkScope(scope: Scope): void {
  for (const [name, raw] of Object.entries(scope.States)) {
    const state = raw as StateDef & Record<string, unknown>;
    if (!TYPES.has(state.Type)) refuse(name, `the state type "${String(state.Type)}"`);
    if (state.QueryLanguage === 'JSONata') refuse(name, 'QueryLanguage JSONata');
    for (const [field, feature] of Object.entries(UNSUPPORTED_FIELDS)) if (field in state) refuse(name, feature);
    if (state.Type === 'Task') {
      const resource = String(state.Resource);
      if (resource !== LAMBDA_INVOKE && resource !== LAMBDA_INVOKE_WAIT && !isFunctionArn(resource) && !isStartExecution(resource)) {
        refuse(
          name,
          `the resource "${resource}" (only Lambda: ${LAMBDA_INVOKE}, ${LAMBDA_INVOKE_WAIT} and function ARNs, and ${START_EXECUTION}[.sync[:2]] are supported)`,
        );
      }
    }
    if (state.Type === 'Parallel') state.Branches?.forEach(checkScope);
    if (state.Type === 'Map') {
      const mode = state.ItemProcessor?.ProcessorConfig?.Mode;
      if (mode !== undefined && mode !== 'INLINE') refuse(name, `Map ProcessorConfig Mode ${mode}`);
      const processor = state.ItemProcessor ?? state.Iterator;
      if (processor) checkScope(processor);
    }
  }
}

/** asl-validator compiles its JSON schemas on every call (about a second): check each text once. */
const structurallyValid = new Set<string>();

/**
 * Parses and checks a definition; throws InvalidDefinition naming the state and the feature.
 * `validatedBefore`: the text is one this engine accepted in an earlier run (its store keeps the
 * definitions executions ran), so the costly structural check is not done again at each start.
 */
export function parseDefinition(text: string, validatedBefore = false): Definition {
  let definition: Definition;
  try {
    definition = JSON.parse(text) as Definition;
  } catch (error) {
    throw new SfnApiError('InvalidDefinition', `The definition is not valid JSON: ${(error as Error).message}`);
  }
  if (definition.QueryLanguage === 'JSONata') refuse('(top level)', 'QueryLanguage JSONata');
  if (!validatedBefore && !structurallyValid.has(text)) {
    // asl-validator writes QueryLanguage into the states it reads: give it a copy.
    const result = aslValidator(structuredClone(definition), { checkPaths: true, checkArn: true });
    if (!result.isValid) throw new SfnApiError('InvalidDefinition', `Invalid State Machine Definition: ${result.errorsText('; ')}`);
    structurallyValid.add(text);
  }
  checkScope(definition);
  return definition;
}

/** The `{StartAt, States}` object at a scope path such as ['States', 'P', 'Branches', 0]. */
export function scopeAt(definition: Definition, path: readonly (string | number)[]): Scope {
  let node: unknown = definition;
  for (const key of path) node = (node as Record<string | number, unknown>)[key];
  return node as Scope;
}
