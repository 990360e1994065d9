import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { ExecutionListItem, StepFunctionsEngine } from './engine';
import { SfnApiError } from './errors';
import type { ExecutionStatus, HistoryEvent } from './model';

/**
 * The Step Functions HTTP API in the AWS JSON 1.0 protocol, as @aws-sdk/client-sfn speaks it:
 * `POST /` with `X-Amz-Target: AWSStepFunctions.<Operation>`. Errors answer 400 with
 * `{"__type": "<ExceptionName>", "message"}`, which the SDK turns into its typed exceptions.
 */
type Body = Record<string, unknown>;
type Operation = (engine: StepFunctionsEngine, body: Body) => unknown;

/** AWS JSON 1.0 carries timestamps as epoch seconds. */
const epoch = (date: Date | string): number => (typeof date === 'string' ? Date.parse(date) : date.getTime()) / 1000;
const str = (body: Body, key: string): string => {
  const value = body[key];
  if (typeof value !== 'string' || value === '') throw new SfnApiError('ValidationException', `'${key}' is required and must be a string.`);
  return value;
};
const optionalStr = (body: Body, key: string): string | undefined => (typeof body[key] === 'string' ? (body[key] as string) : undefined);

/** maxResults/nextToken paging over a list; the token is the offset. */
function page<T>(items: T[], body: Body): { items: T[]; nextToken?: string } {
  const start = Number(optionalStr(body, 'nextToken') ?? '0') || 0;
  const max = typeof body.maxResults === 'number' && body.maxResults > 0 ? body.maxResults : 100;
  const end = start + max;
  return { items: items.slice(start, end), ...(end < items.length ? { nextToken: String(end) } : {}) };
}

const executionSummary = (e: ExecutionListItem): Body => ({
  executionArn: e.executionArn,
  stateMachineArn: e.stateMachineArn,
  name: e.name,
  status: e.status,
  startDate: epoch(e.startDate),
  ...(e.stopDate ? { stopDate: epoch(e.stopDate) } : {}),
});

const historyEvent = (event: HistoryEvent, includeData: boolean): Body => {
  const out: Body = { ...event, timestamp: epoch(event.timestamp) };
  if (!includeData) {
    for (const value of Object.values(out)) {
      if (value && typeof value === 'object') for (const key of ['input', 'output', 'parameters']) delete (value as Body)[key];
    }
  }
  return out;
};

const OPERATIONS: Record<string, Operation> = {
  CreateStateMachine: (engine, body) => {
    const name = str(body, 'name');
    const definition = str(body, 'definition');
    const existing = engine.listStateMachines().find((sm) => sm.name === name);
    // AWS: creating the same machine again is idempotent; a different definition conflicts.
    if (existing && existing.definition !== definition) {
      throw new SfnApiError('StateMachineAlreadyExists', `State Machine Already Exists: '${existing.stateMachineArn}'`);
    }
    const arn = existing?.stateMachineArn ?? engine.createStateMachine(name, definition, optionalStr(body, 'roleArn'));
    return { stateMachineArn: arn, creationDate: epoch(engine.describeStateMachine(arn).creationDate) };
  },
  UpdateStateMachine: (engine, body) => {
    const sm = engine.describeStateMachine(str(body, 'stateMachineArn'));
    engine.createStateMachine(sm.name, optionalStr(body, 'definition') ?? sm.definition, optionalStr(body, 'roleArn') ?? sm.roleArn);
    return { updateDate: Date.now() / 1000 };
  },
  DescribeStateMachine: (engine, body) => {
    const sm = engine.describeStateMachine(str(body, 'stateMachineArn'));
    return {
      stateMachineArn: sm.stateMachineArn,
      name: sm.name,
      status: 'ACTIVE',
      definition: sm.definition,
      roleArn: sm.roleArn,
      type: sm.type,
      creationDate: epoch(sm.creationDate),
      loggingConfiguration: { level: 'OFF', includeExecutionData: false },
    };
  },
  ListStateMachines: (engine, body) => {
    const { items, nextToken } = page(engine.listStateMachines(), body);
    return {
      stateMachines: items.map((sm) => ({
        stateMachineArn: sm.stateMachineArn,
        name: sm.name,
        type: sm.type,
        creationDate: epoch(sm.creationDate),
      })),
      ...(nextToken ? { nextToken } : {}),
    };
  },
  DeleteStateMachine: (engine, body) => {
    engine.deleteStateMachine(str(body, 'stateMachineArn'));
    return {};
  },
  StartExecution: (engine, body) => {
    const started = engine.startExecution(str(body, 'stateMachineArn'), optionalStr(body, 'name'), optionalStr(body, 'input'));
    return { executionArn: started.executionArn, startDate: epoch(started.startDate) };
  },
  DescribeExecution: (engine, body) => {
    const e = engine.describeExecution(str(body, 'executionArn'));
    return {
      ...executionSummary(e),
      input: e.input,
      inputDetails: { included: true },
      ...(e.output !== undefined ? { output: e.output, outputDetails: { included: true } } : {}),
      ...(e.error !== undefined ? { error: e.error } : {}),
      ...(e.cause !== undefined ? { cause: e.cause } : {}),
      redriveCount: 0,
    };
  },
  ListExecutions: (engine, body) => {
    const filter = optionalStr(body, 'statusFilter') as ExecutionStatus | undefined;
    const { items, nextToken } = page(engine.listExecutions(str(body, 'stateMachineArn'), filter), body);
    return { executions: items.map(executionSummary), ...(nextToken ? { nextToken } : {}) };
  },
  GetExecutionHistory: (engine, body) => {
    const events = [...engine.getExecutionHistory(str(body, 'executionArn'))];
    if (body.reverseOrder === true) events.reverse();
    const { items, nextToken } = page(events, body);
    return { events: items.map((e) => historyEvent(e, body.includeExecutionData !== false)), ...(nextToken ? { nextToken } : {}) };
  },
  StopExecution: (engine, body) => ({
    stopDate: epoch(engine.stopExecution(str(body, 'executionArn'), optionalStr(body, 'error'), optionalStr(body, 'cause')).stopDate),
  }),
  SendTaskSuccess: (engine, body) => {
    engine.sendTaskSuccess(str(body, 'taskToken'), str(body, 'output'));
    return {};
  },
  SendTaskFailure: (engine, body) => {
    engine.sendTaskFailure(str(body, 'taskToken'), optionalStr(body, 'error'), optionalStr(body, 'cause'));
    return {};
  },
  SendTaskHeartbeat: (engine, body) => {
    engine.sendTaskHeartbeat(str(body, 'taskToken'));
    return {};
  },
};

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function answer(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/x-amz-json-1.0',
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
  });
  response.end(text);
}

export function createSfnServer(engine: StepFunctionsEngine, onError?: (error: unknown) => void): Server {
  return createServer((request, response) => {
    // Never rejects: every failure is answered (400, or 500 and onError), so the request handler need not wait.
    void (async () => {
      try {
        const target = String(request.headers['x-amz-target'] ?? '');
        const operation = target.startsWith('AWSStepFunctions.') ? OPERATIONS[target.slice('AWSStepFunctions.'.length)] : undefined;
        const text = await readBody(request);
        if (request.method !== 'POST' || !operation) {
          throw new SfnApiError(
            'UnknownOperationException',
            `Unknown operation '${target}': send POST / with X-Amz-Target: AWSStepFunctions.<Operation>.`,
          );
        }
        let body: Body;
        try {
          body = text.trim() === '' ? {} : (JSON.parse(text) as Body);
        } catch {
          throw new SfnApiError('ValidationException', 'The request body must be JSON.');
        }
        const result = operation(engine, body);
        // What the call changed (or read) is on disk before anyone is told of it.
        await engine.durable();
        answer(response, 200, result);
      } catch (error) {
        if (error instanceof SfnApiError) return answer(response, 400, { __type: error.type, message: error.message });
        onError?.(error);
        answer(response, 500, { __type: 'InternalFailure', message: 'The local Step Functions engine failed; see its log.' });
      }
    })();
  });
}
