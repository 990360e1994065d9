import { OAuthScope, ResourceServerScope, type UserPool, type UserPoolClient, UserPoolResourceServer } from 'aws-cdk-lib/aws-cognito';
import { Duration } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { MACHINE_SCOPE_MEANINGS } from '../../shared/api/routes';
import { MACHINE_SCOPES, type MachineScope } from '../../shared/domain/authz';

/** One operator's own system, and the scopes granted to it. */
export interface MachineClientSpec {
  readonly operatorId: string;
  readonly scopes: readonly MachineScope[];
}

export interface MachineClientsProps {
  readonly userPool: UserPool;
  readonly clients: readonly MachineClientSpec[];
}

/** The resource server's identifier: Cognito names its scopes `urgent-deliberation/orders.read`. */
export const RESOURCE_SERVER_IDENTIFIER = 'urgent-deliberation';

/**
 * Operators' systems sign in machine to machine (CONTRACT.md section 12): a resource server with
 * the API's scopes, and one app client per operator system with the client-credentials grant and a
 * generated secret (read it with `aws cognito-idp describe-user-pool-client`; it never leaves
 * Cognito through this stack). Its tokens carry `client_id` and `scope` but no custom attribute,
 * so `setting` (`MACHINE_CLIENTS`) tells the handlers which operator each client acts for.
 */
export class MachineClients extends Construct {
  readonly clients: readonly { readonly operatorId: string; readonly client: UserPoolClient }[];
  /** `clientId=operatorId,…` for the handlers' `MACHINE_CLIENTS`. */
  readonly setting: string;

  constructor(scope: Construct, id: string, props: MachineClientsProps) {
    super(scope, id);
    const scopes = Object.fromEntries(
      MACHINE_SCOPES.map((name) => [name, new ResourceServerScope({ scopeName: name, scopeDescription: MACHINE_SCOPE_MEANINGS[name] })]),
    ) as Record<MachineScope, ResourceServerScope>;
    const server = new UserPoolResourceServer(this, 'Api', {
      userPool: props.userPool,
      identifier: RESOURCE_SERVER_IDENTIFIER,
      userPoolResourceServerName: 'Urgent deliberation API',
      scopes: Object.values(scopes),
    });

    this.clients = props.clients.map((spec) => ({
      operatorId: spec.operatorId,
      client: props.userPool.addClient(`System-${spec.operatorId}`, {
        userPoolClientName: `${spec.operatorId}-system`,
        generateSecret: true,
        authFlows: {},
        oAuth: {
          flows: { clientCredentials: true },
          scopes: spec.scopes.map((name) => OAuthScope.resourceServer(server, scopes[name])),
        },
        accessTokenValidity: Duration.hours(1),
        enableTokenRevocation: true,
      }),
    }));
    this.setting = this.clients.map(({ operatorId, client }) => `${client.userPoolClientId}=${operatorId}`).join(',');
  }
}

/**
 * `-c machineClients=op-webhard:orders.read+orders.write,isp-kt:orders.read+blocklist.read`: each
 * operator's system and its scopes. A scope this API does not know stops the synth.
 */
export function parseMachineClients(items: readonly string[]): MachineClientSpec[] {
  return items.map((item) => {
    const [operatorId = '', scopeList = ''] = item.split(':');
    const scopes = scopeList.split('+').filter((name) => name !== '');
    const unknown = scopes.filter((name) => !(MACHINE_SCOPES as readonly string[]).includes(name));
    if (operatorId === '' || scopes.length === 0 || unknown.length > 0) {
      throw new Error(
        `machineClients entry "${item}" must be <operatorId>:<scope>+<scope> with scopes among ${MACHINE_SCOPES.join(', ')}.`,
      );
    }
    return { operatorId, scopes: scopes as MachineScope[] };
  });
}
