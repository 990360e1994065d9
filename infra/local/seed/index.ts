/**
 * Registers the seed operators and partners at start through the product's own use cases, only
 * those not registered yet, so that a restart keeps whatever staff changed since. Import this
 * module only after the handlers' environment is set: the store adapter reads it.
 */
import { ensureOperator } from '../../../shared/services/operators';
import { ensurePartner } from '../../../shared/services/partners';
import { SEED_OPERATORS } from './operators';
import { SEED_PARTNERS } from './partners';

/**
 * The ids of the seeds registered now (the others were already). All at once: each seed is a
 * record of its own with its own domains, and every start on a fresh DATA_DIR (each test stack's) waits for them.
 */
async function seedEach<Seed>(
  seeds: readonly Seed[],
  ensure: (seed: Seed) => Promise<boolean>,
  idOf: (seed: Seed) => string,
): Promise<string[]> {
  const created = await Promise.all(seeds.map(ensure));
  return seeds.filter((_, index) => created[index]).map(idOf);
}

export const seedOperators = (nowIso: string): Promise<string[]> =>
  seedEach(
    SEED_OPERATORS,
    (operator) => ensureOperator(operator, nowIso),
    (operator) => operator.operatorId,
  );

export const seedPartners = (nowIso: string): Promise<string[]> =>
  seedEach(
    SEED_PARTNERS,
    (partner) => ensurePartner(partner, nowIso),
    (partner) => partner.partnerId,
  );
