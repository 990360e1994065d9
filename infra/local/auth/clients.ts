/**
 * The seeded machine clients of CONTRACT.md section 12: an operator's own system signs in with a
 * client id and secret (the client-credentials grant), and acts for its operator within its scopes.
 * In the cloud these are Cognito app clients (infra/constructs/machine-clients.ts) with generated
 * secrets; on one machine the secret is the client id followed by `-secret`.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { MachineScope } from '../../../shared/domain/authz';

export interface LocalMachineClient {
  readonly clientId: string;
  readonly operatorId: string;
  readonly scopes: readonly MachineScope[];
}

export const LOCAL_MACHINE_CLIENTS: readonly LocalMachineClient[] = [
  { clientId: 'op-webhard-system', operatorId: 'op-webhard', scopes: ['orders.read', 'orders.write', 'hashes.match'] },
  { clientId: 'isp-kt-system', operatorId: 'isp-kt', scopes: ['orders.read', 'orders.write', 'blocklist.read', 'hashes.match'] },
];

/** `MACHINE_CLIENTS` as the handlers read it (shared/runtime/config.ts). */
export const LOCAL_MACHINE_CLIENTS_SETTING = LOCAL_MACHINE_CLIENTS.map((client) => `${client.clientId}=${client.operatorId}`).join(',');

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

/**
 * The client these credentials name, or undefined. Both sides are hashed to one length first, so
 * the comparison takes the same time whatever the secret sent, and tells nothing of the right one.
 */
export function authenticateLocalClient(clientId: string, clientSecret: string): LocalMachineClient | undefined {
  const client = LOCAL_MACHINE_CLIENTS.find((candidate) => candidate.clientId === clientId);
  const expected = digest(`${client?.clientId ?? 'no such client'}-secret`);
  const matches = timingSafeEqual(digest(clientSecret), expected);
  return client !== undefined && matches ? client : undefined;
}
