/**
 * A partner regulator's endpoint on loopback for tests (docs/referrals.md): answers each request
 * with the next status given (the last one from then on), keeps what it got, and opens the
 * signed messages with this system's public key.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { compactVerify, importJWK } from 'jose';
import { publicSigningKey } from '../../shared/services/blocklist';

export interface PartnerEndpoint {
  /** The endpoint to register: `http://127.0.0.1:{port}/partners`. */
  readonly url: string;
  readonly received: { path: string; body: string }[];
  /** The statuses of the next answers; the last repeats. */
  answer(statuses: number[]): void;
  /** The payload of the `index`-th message, verified with this system's key. */
  message(index: number): Promise<unknown>;
  close(): Promise<void>;
}

export async function startPartnerEndpoint(): Promise<PartnerEndpoint> {
  const received: { path: string; body: string }[] = [];
  let statuses = [200];
  let answered = 0;
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    request.on('end', () => {
      received.push({ path: request.url ?? '', body });
      response.statusCode = statuses[Math.min(answered, statuses.length - 1)] ?? 200;
      answered += 1;
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/partners`,
    received,
    answer(next) {
      statuses = next;
      answered = 0;
    },
    async message(index) {
      const { jws } = JSON.parse(received[index]?.body ?? '{}') as { jws: string };
      const { payload } = await compactVerify(jws, await importJWK(await publicSigningKey(), 'ES256'));
      return JSON.parse(new TextDecoder().decode(payload));
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
