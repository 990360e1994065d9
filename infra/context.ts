import { Aws } from 'aws-cdk-lib';
import type { Node } from 'constructs';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DEFAULT_POLICY_ID, policyById, resolvePolicy } from '../shared/domain/policy';
import { parseMachineClients } from './constructs/machine-clients';
import type { UrgentDeliberationStackProps } from './stack';

/** The repository root, from this file's place in it. */
export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

export const DEFAULT_NOTICE_DOMAIN = 'urgent-deliberation.example';

/** `-c key=a,b` arrives as a string, cdk.json can give an array. */
function listContext(node: Node, key: string): string[] {
  const value: unknown = node.tryGetContext(key);
  const items = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : [];
  return items.map((item) => String(item).trim()).filter((item) => item.length > 0);
}

function stringContext(node: Node, key: string): string | undefined {
  const value: unknown = node.tryGetContext(key);
  return typeof value === 'string' && value.trim().length > 0 ? value.trim() : undefined;
}

/**
 * The stack's deploy-time choices from CDK context (`cdk.json` or `-c key=value`): the policy is
 * resolved and validated here, at synth, so a bad policy file stops `cdk synth` instead of every
 * Lambda's cold start.
 */
export function stackPropsFromContext(node: Node): UrgentDeliberationStackProps {
  const policyFile = stringContext(node, 'policyFile');
  const policy = policyFile
    ? resolvePolicy(JSON.parse(readFileSync(policyFile, 'utf8')))
    : policyById(stringContext(node, 'policyProfile') ?? DEFAULT_POLICY_ID);
  return {
    projectRoot: PROJECT_ROOT,
    policy,
    noticeDomain: stringContext(node, 'noticeDomain') ?? DEFAULT_NOTICE_DOMAIN,
    staffEmails: listContext(node, 'staffEmails'),
    committeeMembers: listContext(node, 'committeeMembers'),
    authDomainPrefix: stringContext(node, 'authDomainPrefix') ?? `urgent-deliberation-${Aws.ACCOUNT_ID}`,
    alarmEmails: listContext(node, 'alarmEmails'),
    machineClients: parseMachineClients(listContext(node, 'machineClients')),
  };
}
