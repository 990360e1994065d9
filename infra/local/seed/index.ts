/**
 * Writes the seed operators at start, only those not registered yet, so that a restart keeps
 * whatever staff changed since. Import this module only after the handlers' environment is set:
 * the store adapter reads it.
 */
import { operatorInputSchema, type Operator } from '../../../shared/domain/model';
import { claimDomain, getOperator, operatorItem, putIfAbsent } from '../../../shared/store/repository';
import { SEED_OPERATORS } from './operators';

export async function seedOperators(nowIso: string): Promise<string[]> {
  const created: string[] = [];
  for (const input of SEED_OPERATORS) {
    const valid = operatorInputSchema.parse(input);
    if (await getOperator(input.operatorId)) continue;
    for (const domain of valid.domains) {
      if (!(await claimDomain(domain, input.operatorId))) {
        throw new Error(`Seed operator ${input.operatorId}: domain ${domain} already belongs to another operator.`);
      }
    }
    const operator: Operator = {
      operatorId: input.operatorId,
      name: valid.name,
      domains: valid.domains,
      contactEmails: valid.contactEmails,
      jurisdiction: valid.jurisdiction,
      language: valid.language ?? (valid.jurisdiction === 'DOMESTIC' ? 'ko' : 'en'),
      annualRevenue: valid.annualRevenue,
      currency: valid.currency,
      updatedAt: nowIso,
    };
    if (await putIfAbsent(operatorItem(operator))) created.push(operator.operatorId);
  }
  return created;
}
