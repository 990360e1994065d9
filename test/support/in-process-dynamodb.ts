/**
 * The SDK's DynamoDB calls handed to dynalite inside the process, without a socket. A fault test
 * makes thousands of calls (every act once per fault at each of its calls); over loopback HTTP each
 * one pays for a request, a response and their parsing on both sides, a good fifth of the suite's
 * fault time. The request and the answer are the same bytes dynalite reads and writes on the wire:
 * only the transport is skipped, so the SDK's serializers, signing and middleware (the fault
 * injector among them) all still run.
 */
import { EventEmitter } from 'node:events';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { setTimeout as nextTimer } from 'node:timers/promises';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

type RequestHandler = DynamoDBClient['config']['requestHandler'];
type SdkRequest = Parameters<RequestHandler['handle']>[0];
type SdkAnswer = Awaited<ReturnType<RequestHandler['handle']>>;
type Listener = (request: IncomingMessage, response: ServerResponse) => void;

/** A request handler for an SDK client that answers from the dynalite `server`'s own request listener. */
export function inProcessHandler(server: Server): RequestHandler {
  const [listener] = server.listeners('request') as Listener[];
  if (listener === undefined) throw new Error('The dynalite server has no request listener to call.');
  const handler = {
    metadata: { handlerProtocol: 'in-process' },
    handle: (request: SdkRequest) => answer(listener, request),
    updateHttpClientConfig: () => undefined,
    httpHandlerConfigs: () => ({}),
    destroy: () => undefined,
  };
  return handler as unknown as RequestHandler;
}

async function answer(listener: Listener, request: SdkRequest): Promise<SdkAnswer> {
  const body = bodyBytes(request.body);
  const incoming = Object.assign(new EventEmitter(), {
    method: request.method,
    url: request.path,
    headers: Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name.toLowerCase(), value])),
  });
  const headers: Record<string, string> = {};
  const written = new Promise<{ statusCode: number; text: string }>((resolve) => {
    const outgoing = {
      statusCode: 200,
      setHeader: (name: string, value: string | number) => {
        headers[name.toLowerCase()] = String(value);
      },
      end: (text?: string) => resolve({ statusCode: outgoing.statusCode, text: text ?? '' }),
    };
    listener(incoming as unknown as IncomingMessage, outgoing as unknown as ServerResponse);
  });
  // dynalite reads the body from events, as from a socket: they come after its listeners are on.
  incoming.emit('data', body);
  incoming.emit('end');
  const { statusCode, text } = await written;
  // dynalite makes a new or deleted table ACTIVE or gone on a timer set as it answers; over a
  // socket that timer has always fired before the next call, so the answer waits for it here too
  // (or the caller finds the table still CREATING and polls for it).
  if (/\.(Create|Delete|Update)Table$/.test(String(incoming.headers['x-amz-target']))) await nextTimer(0);
  return { response: { statusCode, reason: undefined, headers, body: Readable.from([Buffer.from(text)]) } } as unknown as SdkAnswer;
}

/** The request's bytes. (The SDK's JSON body is a Uint8Array that warns when read as a string: it is wrapped, not converted.) */
function bodyBytes(body: unknown): Buffer {
  if (typeof body === 'string') return Buffer.from(body);
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  return Buffer.alloc(0);
}
