/**
 * Registers the seed operators at start through the product's own use case, only those not
 * registered yet, so that a restart keeps whatever staff changed since. Import this module only
 * after the handlers' environment is set: the store adapter reads it.
 */
import { ensureOperator } from '../../../shared/services/operators';
import { SEED_OPERATORS } from './operators';

export async function seedOperators(nowIso: string): Promise<string[]> {
  const created: string[] = [];
  for (const operator of SEED_OPERATORS) {
    if (await ensureOperator(operator, nowIso)) created.push(operator.operatorId);
  }
  return created;
}
