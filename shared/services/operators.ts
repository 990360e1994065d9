/**
 * The operators registry (CONTRACT.md section 4): who hosts which domains, whom to notify, and
 * what an order asks of them. A domain belongs to one operator, enforced by a claim item per domain.
 */
import type { z } from 'zod';
import { operatorDecider } from '../domain/deciders/operator';
import { operatorDomainRefusal } from '../domain/domains';
import { ConflictError, NotFoundError, ValidationError } from '../domain/errors';
import { operatorIdSchema, type Operator, type OperatorInput, type operatorPatchSchema } from '../domain/model';
import { logger } from '../runtime/logger';
import { refs } from '../store/keys';
import { claimDomain, getOperator, listOperators as listStoredOperators, releaseDomain } from '../store/repository';
import { act } from './acts';

export type OperatorPatch = z.infer<typeof operatorPatchSchema>;

export const listOperators = (): Promise<Operator[]> => listStoredOperators();

/** A readable id from a name: "Webhard Co." → "webhard-co". */
export function operatorIdFromName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+/, '')
    .slice(0, 63)
    .replace(/-+$/, '');
}

function defaultLanguage(jurisdiction: Operator['jurisdiction']): Operator['language'] {
  return jurisdiction === 'DOMESTIC' ? 'ko' : 'en';
}

/**
 * Refuses (400, the field named) a new domain no operator may hold: a public suffix, an IP address.
 * One the operator already holds (registered before the rule) is kept: its other fields stay editable.
 */
function assertClaimable(domains: readonly string[], held: readonly string[] = []): void {
  const refused = domains.flatMap((domain, index) => {
    const refusal = held.includes(domain) ? null : operatorDomainRefusal(domain);
    return refusal === null ? [] : [{ field: `domains.${index}`, message: `${domain} ${refusal}` }];
  });
  if (refused.length > 0) throw new ValidationError('A domain of this operator cannot be claimed by one operator.', refused);
}

/** Claims every domain or none: on a taken domain, the claims made here are released and the owner named. */
async function claimDomains(domains: readonly string[], operatorId: string): Promise<void> {
  const claimed: string[] = [];
  for (const domain of domains) {
    const claim = await claimDomain(domain, operatorId);
    if (claim.claimed) {
      claimed.push(domain);
      continue;
    }
    await Promise.all(claimed.map((mine) => releaseDomain(mine, operatorId)));
    throw new ConflictError(`The domain ${domain} belongs to operator ${claim.owner}; remove it there first.`);
  }
}

/** Registers a new operator; 409 when the id is taken or a domain belongs to another operator. */
export async function createOperator(input: OperatorInput, now: string, by: string): Promise<Operator> {
  const operatorId = input.operatorId ?? operatorIdFromName(input.name);
  if (!operatorIdSchema.safeParse(operatorId).success) {
    throw new ValidationError('No usable operator id can be made from this name; give an operatorId.', [
      { field: 'operatorId', message: 'lower-case letters, digits and hyphens, 2 to 63 characters' },
    ]);
  }
  if (await getOperator(operatorId)) throw new ConflictError(`Operator ${operatorId} already exists; change it with PATCH.`);
  const domains = [...new Set(input.domains)];
  assertClaimable(domains);
  await claimDomains(domains, operatorId);
  const operator: Operator = {
    operatorId,
    name: input.name,
    domains,
    contactEmails: input.contactEmails,
    jurisdiction: input.jurisdiction,
    language: input.language ?? defaultLanguage(input.jurisdiction),
    annualRevenue: input.annualRevenue,
    currency: input.currency,
    updatedAt: now,
    kind: input.kind ?? 'HOST',
    // Said from the start, so that its notices read no endpoint until it registers one (mayHaveActiveWebhook).
    webhookActive: false,
    ...(input.country === undefined ? {} : { country: input.country }),
  };
  try {
    const { state } = await act(operatorDecider, refs.operator(operatorId), { type: 'REGISTER', by, operator }, now);
    logger.info('operator registered', { operatorId });
    return state ?? operator;
  } catch (error) {
    // Another request registered the same id meanwhile: its domains are its own business.
    const winner = await getOperator(operatorId);
    await Promise.all(domains.filter((domain) => !winner?.domains.includes(domain)).map((domain) => releaseDomain(domain, operatorId)));
    throw error;
  }
}

/** Registers an operator unless it exists (start-up seeding): true when it was created now. */
export async function ensureOperator(input: OperatorInput & { operatorId: string }, now: string): Promise<boolean> {
  if (await getOperator(input.operatorId)) return false;
  try {
    await createOperator(input, now, 'system');
    return true;
  } catch (error) {
    if (error instanceof ConflictError && (await getOperator(input.operatorId))) return false;
    throw error;
  }
}

export async function updateOperator(operatorId: string, patch: OperatorPatch, now: string, by: string): Promise<Operator> {
  const existing = operatorIdSchema.safeParse(operatorId).success ? await getOperator(operatorId) : undefined;
  if (!existing) throw new NotFoundError(`Operator ${operatorId}`);
  const domains = patch.domains === undefined ? existing.domains : [...new Set(patch.domains)];
  const added = domains.filter((domain) => !existing.domains.includes(domain));
  assertClaimable(domains, existing.domains);
  await claimDomains(added, operatorId);
  let updated: Operator;
  try {
    const { state } = await act(operatorDecider, refs.operator(operatorId), { type: 'UPDATE', by, patch: { ...patch, domains } }, now);
    updated = state ?? existing;
  } catch (error) {
    await Promise.all(added.map((domain) => releaseDomain(domain, operatorId)));
    throw error;
  }
  const removed = existing.domains.filter((domain) => !updated.domains.includes(domain));
  await Promise.all(removed.map((domain) => releaseDomain(domain, operatorId)));
  logger.info('operator updated', { operatorId, domainsAdded: added.length, domainsRemoved: removed.length });
  return updated;
}
