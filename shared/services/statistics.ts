/**
 * Reads what the statistics count: the cases filed in the range (one query on the CASES index) and
 * their orders (one query per operator on its OPERATOR index partition, from the range's start), so
 * the cost grows with the records in the range and the number of operators, never with the table.
 */
import type { Policy } from '../domain/policy';
import { computeStatistics, publicStatistics, type MonthRange, type PublicStatistics, type Statistics } from '../domain/statistics';
import { listCasesFiledBetween, listOperators, listOrdersOfOperatorIssuedSince, listReferrals } from '../store/repository';

const DAY_MS = 86_400_000;

/**
 * UTC instants a day either side of the range's months: no time zone is a day away from UTC, and
 * the domain keeps exactly the cases whose month, in the policy's time zone, is in the range.
 */
function instantsAround(range: MonthRange): { from: string; to: string } {
  const [year, month] = range.to.split('-').map(Number) as [number, number];
  const start = Date.parse(`${range.from}-01T00:00:00.000Z`) - DAY_MS;
  const end = Date.UTC(year, month, 1) + DAY_MS;
  return { from: new Date(start).toISOString(), to: new Date(end).toISOString() };
}

export async function readStatistics(range: MonthRange, policy: Pick<Policy, 'timeZone' | 'currency'>): Promise<Statistics> {
  const around = instantsAround(range);
  const [cases, operators, referrals] = await Promise.all([
    listCasesFiledBetween(around.from, around.to),
    listOperators(),
    listReferrals(),
  ]);
  const orders = (await Promise.all(operators.map((o) => listOrdersOfOperatorIssuedSince(o.operatorId, around.from)))).flat();
  return computeStatistics(cases, orders, { range, timeZone: policy.timeZone, currency: policy.currency }, referrals);
}

export async function readPublicStatistics(range: MonthRange, policy: Pick<Policy, 'timeZone' | 'currency'>): Promise<PublicStatistics> {
  return publicStatistics(await readStatistics(range, policy), policy.currency);
}
