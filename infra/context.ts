import { Aws } from 'aws-cdk-lib';
import type { Node } from 'constructs';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse as parseHost } from 'tldts';
import { z } from 'zod';
import { DEFAULT_POLICY_ID, type Policy, policyById, resolvePolicy } from '../shared/domain/policy';
import { parseMachineClients } from './constructs/machine-clients';
import type { UrgentDeliberationStackProps } from './stack';

/** The repository root, from this file's place in it. */
export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Where every key is explained, named in each message that stops `cdk synth`. */
const GUIDE = 'docs/deploying.md#context-keys';

/**
 * Top-level domains that can never be verified in SES (RFC 2606, RFC 6761, RFC 6762, the ICANN
 * `internal` reservation): a notice domain under one of them is a placeholder left in place.
 */
const RESERVED_TOP_LEVEL = ['example', 'test', 'invalid', 'localhost', 'local', 'internal'];
/** Second-level names reserved for documentation (RFC 2606). */
const RESERVED_DOMAINS = ['example.com', 'example.net', 'example.org'];

const HOST_NAME = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$/;

/** Why `domain` cannot be the verified SES identity notices are sent from, or null when it can. */
export function noticeDomainRefusal(domain: string): string | null {
  if (!HOST_NAME.test(domain)) return `"${domain}" is not a domain name (write it bare and lower-case: no scheme, "@" or path)`;
  const parsed = parseHost(domain);
  const placeholder = RESERVED_TOP_LEVEL.includes(parsed.publicSuffix ?? '') || RESERVED_DOMAINS.includes(parsed.domain ?? '');
  if (placeholder) return `"${domain}" is a reserved placeholder domain; SES can never verify it, so every notice would fail`;
  if (!parsed.isIcann) return `"${domain}" is not under a public top-level domain; SES verifies a domain through public DNS only`;
  if (parsed.domain === null) return `"${domain}" is a public suffix, not a domain anyone can verify`;
  return null;
}

/** `-c key=a,b` arrives as a string, cdk.json can give an array. */
const list = z.preprocess(
  (value) => (value === undefined ? [] : typeof value === 'string' ? value.split(',') : value),
  z
    .array(z.union([z.string(), z.number()]).transform((item) => String(item).trim()))
    .transform((items) => items.filter((item) => item !== '')),
);

const optionalText = z.preprocess(
  (value) => (typeof value === 'string' ? value.trim() || undefined : value),
  z.string({ error: 'must be a string' }).optional(),
);

const emails = list.pipe(z.array(z.email({ error: (issue) => `"${String(issue.input)}" is not an e-mail address` })));

/** Cognito's rule for a hosted-domain prefix; the words are reserved to AWS. */
const AUTH_DOMAIN_PREFIX = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const RESERVED_PREFIX_WORDS = ['aws', 'amazon', 'cognito'];

const contextSchema = z
  .object({
    policyProfile: optionalText,
    policyFile: optionalText,
    noticeDomain: optionalText.transform((domain, ctx) => {
      const refusal = domain === undefined ? 'not set' : noticeDomainRefusal(domain.toLowerCase());
      if (refusal === null && domain !== undefined) return domain.toLowerCase();
      ctx.addIssue({
        code: 'custom',
        message: `${refusal}. Set the domain you verified in SES (DKIM), e.g. \`-c noticeDomain=notices.your-agency.go.kr\``,
      });
      return z.NEVER;
    }),
    staffEmails: emails.pipe(
      z.array(z.string()).min(1, {
        error: 'none given: escalations, overdue orders and failed cases would reach no one. Set `-c staffEmails=duty@your-agency.go.kr,…`',
      }),
    ),
    committeeMembers: list.pipe(
      z
        .array(
          z.string().refine((name) => !/\s/.test(name) && !name.includes('@'), {
            error: (issue) =>
              `"${String(issue.input)}" is not a Cognito user name (no spaces; not an e-mail address, which Cognito refuses as a user name when e-mail is a sign-in alias)`,
          }),
        )
        .min(1, {
          error:
            "none given: every committee review would fail as soon as it opens. Set the members' Cognito user names, `-c committeeMembers=member-1,member-2,member-3`",
        })
        .refine((names) => new Set(names).size === names.length, { error: 'a member is named twice; each member votes once' }),
    ),
    authDomainPrefix: optionalText.refine(
      (prefix) => prefix === undefined || (AUTH_DOMAIN_PREFIX.test(prefix) && !RESERVED_PREFIX_WORDS.some((word) => prefix.includes(word))),
      {
        error: (issue) =>
          `"${String(issue.input)}" cannot be a Cognito domain prefix: lower-case letters, digits and inner hyphens, at most 63, without ${RESERVED_PREFIX_WORDS.join(', ')}`,
      },
    ),
    alarmEmails: emails,
    machineClients: list.transform((items, ctx) => {
      try {
        return parseMachineClients(items);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: error instanceof Error ? error.message : String(error) });
        return z.NEVER;
      }
    }),
  })
  .transform((context, ctx) => {
    if (context.policyFile !== undefined && context.policyProfile !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['policyFile'],
        message: 'set together with policyProfile; a policy file names its profile as `base`, so set only one of them',
      });
      return z.NEVER;
    }
    let policy: Policy;
    try {
      policy = context.policyFile
        ? resolvePolicy(JSON.parse(readFileSync(context.policyFile, 'utf8')))
        : policyById(context.policyProfile ?? DEFAULT_POLICY_ID);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      ctx.addIssue({ code: 'custom', path: [context.policyFile ? 'policyFile' : 'policyProfile'], message });
      return z.NEVER;
    }
    const quorum = policy.votes.minimumPresent;
    if (context.committeeMembers.length < quorum) {
      ctx.addIssue({
        code: 'custom',
        path: ['committeeMembers'],
        message: `${context.committeeMembers.length} member(s), but policy "${policy.id}" needs ${quorum} present to decide a review; no review could ever reach its quorum`,
      });
      return z.NEVER;
    }
    return { ...context, policy };
  });

/** The keys this app reads; every other context key belongs to the CDK itself. */
const CONTEXT_KEYS = Object.keys(contextSchema.in.shape) as (keyof typeof contextSchema.in.shape)[];

/**
 * The stack's deploy-time choices from CDK context (`cdk.json` or `-c key=value`), validated at
 * synth: a setting that could not work in the cloud (a placeholder notice domain, no committee,
 * a bad policy) stops `cdk synth` with every problem and how to set the key, instead of
 * deploying a system whose every notice or review fails.
 */
export function stackPropsFromContext(node: Node): UrgentDeliberationStackProps {
  const raw = Object.fromEntries(CONTEXT_KEYS.map((key) => [key, node.tryGetContext(key)]));
  const result = contextSchema.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `  - ${String(issue.path[0])}: ${issue.message}`);
    throw new Error(`The CDK context cannot make a working deployment (see ${GUIDE}):\n${problems.join('\n')}`);
  }
  const context = result.data;
  return {
    projectRoot: PROJECT_ROOT,
    policy: context.policy,
    noticeDomain: context.noticeDomain,
    staffEmails: context.staffEmails,
    committeeMembers: context.committeeMembers,
    authDomainPrefix: context.authDomainPrefix ?? `urgent-deliberation-${Aws.ACCOUNT_ID}`,
    alarmEmails: context.alarmEmails,
    machineClients: context.machineClients,
  };
}
