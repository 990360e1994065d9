/**
 * The services' metrics (shared/runtime/metrics.ts), on the in-process world: each is counted once
 * per thing that happened, however often the act that caused it runs (a retried task, the sweeper
 * finishing a follow-up), and notices go out with the configuration set whose events report them.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { OrderRecord, ReviewRecord } from '../../../shared/domain/model';
import { resetConfigForTests } from '../../../shared/runtime/config';
import { metrics } from '../../../shared/runtime/metrics';
import { sesClient } from '../../../shared/notices/index';
import { notifyOperator } from '../../../shared/services/acts';
import { enforceDeadline } from '../../../shared/services/deadlines';
import { sendOrderNotice } from '../../../shared/services/order-workflow';
import { closeReviewAtDeadline } from '../../../shared/services/reviews';
import { plant } from '../../support/given';
import { aCase, anOperator, anOrder, aReview, POST_REVIEW_ID, WEBHARD_ORDER_ID } from '../../support/records';
import { useWorld } from '../../support/world';

const NOW = '2026-03-05T00:00:00.000Z';

const world = useWorld();
let recorded: [string, number][];
let noticeCounts: [string, string][];

beforeEach(async () => {
  // In Lambda, where metrics are recorded; what would be published is captured instead.
  vi.stubEnv('AWS_LAMBDA_FUNCTION_NAME', 'urgent-deliberation-test');
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', undefined);
  recorded = [];
  noticeCounts = [];
  vi.spyOn(metrics, 'addMetric').mockImplementation((name, _unit, value) => {
    recorded.push([name, value]);
    return metrics;
  });
  vi.spyOn(metrics, 'singleMetric').mockImplementation(() => {
    const dimensions: string[] = [];
    const single = {
      addDimension(_name: string, value: string) {
        dimensions.push(value);
        return single;
      },
      addMetric(name: string) {
        noticeCounts.push([name, dimensions.join()]);
        return single;
      },
    };
    return single as unknown as ReturnType<typeof metrics.singleMetric>;
  });
  await plant.operator(anOperator());
  await plant.case(aCase({ status: 'ORDERS_ISSUED', ordersIssuedAt: '2026-03-02T01:00:00.000Z' }));
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  resetConfigForTests();
});

const givenOrder = (change: Partial<OrderRecord> = {}) => plant.order(anOrder(change));
/** An order as issued: no deadline until SES accepts its ORDER notice. */
const givenIssuedOrder = (change: Partial<OrderRecord> = {}) => {
  const { deadlineAt: _deadline, graceEndsAt: _grace, ...issued } = anOrder(change);
  return plant.order(issued);
};
const givenReview = async (change: Partial<ReviewRecord> = {}) => {
  await plant.case(aCase({ status: 'UNDER_POST_REVIEW', ordersIssuedAt: '2026-03-02T01:00:00.000Z' }));
  await plant.review(aReview(change));
};

describe('metrics of the services', () => {
  it('order notice: sent once, with its time from issuance, however often the task runs', async () => {
    // Given an order issued at 01:00:00 whose notice goes out at 01:00:02.5
    await givenIssuedOrder({ issuedAt: '2026-03-02T01:00:00.000Z' });
    vi.useFakeTimers({ now: Date.parse('2026-03-02T01:00:02.500Z'), toFake: ['Date'] });
    try {
      // When the task runs, and runs again (a retry)
      await sendOrderNotice(WEBHARD_ORDER_ID, () => '2026-03-02T01:00:03.000Z');
      await sendOrderNotice(WEBHARD_ORDER_ID, () => '2026-03-02T01:00:04.000Z');
    } finally {
      vi.useRealTimers();
    }
    // Then
    expect(noticeCounts).toEqual([['NoticeSent', 'ORDER']]);
    expect(recorded).toEqual([['TimeToNoticeMs', 2500]]);
    expect(world.mails).toHaveLength(1);
  });

  it('order notice SES refuses for good: counted failed once, never sent, and no time to notice', async () => {
    // Given an issued order whose operator's address SES refuses
    await givenIssuedOrder();
    world.rejectAddress('notices@webhard.example');
    // When the task runs, and runs again
    const first = await sendOrderNotice(WEBHARD_ORDER_ID, () => NOW);
    const again = await sendOrderNotice(WEBHARD_ORDER_ID, () => NOW);
    // Then the order is UNDELIVERED, the failure counted once (the retry finds it UNDELIVERED), and only staff were mailed
    expect([first.state, again.state]).toEqual(['UNDELIVERED', 'UNDELIVERED']);
    expect(noticeCounts).toEqual([
      ['NoticeFailed', 'ORDER'],
      ['NoticeSent', 'STAFF'],
    ]);
    expect(recorded.filter(([name]) => name === 'TimeToNoticeMs')).toEqual([]);
    expect(world.mails.map((mail) => mail.to)).toEqual([['duty-officer@commission.example']]);
  });

  it('counts a failed sending attempt by kind, and the notice as sent once it goes out', async () => {
    // Given SES failing the first attempt
    await givenOrder();
    vi.spyOn(sesClient, 'send').mockRejectedValueOnce(
      Object.assign(new Error('SES is down'), { name: 'ServiceUnavailable', $metadata: { httpStatusCode: 503 } }),
    );
    // When the notice is sent, fails, and is sent again
    await expect(notifyOperator(WEBHARD_ORDER_ID, { kind: 'CONFIRMED' }, `confirmed:${WEBHARD_ORDER_ID}`)).rejects.toThrow('SES is down');
    await notifyOperator(WEBHARD_ORDER_ID, { kind: 'CONFIRMED' }, `confirmed:${WEBHARD_ORDER_ID}`);
    // Then
    expect(noticeCounts).toEqual([
      ['NoticeFailed', 'CONFIRMED'],
      ['NoticeSent', 'CONFIRMED'],
    ]);
    expect(world.mails).toHaveLength(1);
  });

  it('deadline: overdue and its lateness once, by whoever enforced it first; the notices it causes by kind', async () => {
    // Given an order due 1.5 s before now
    await givenOrder({ deadlineAt: '2026-03-04T23:59:58.500Z', graceEndsAt: '2026-03-06T00:00:00.000Z' });
    // When the workflow enforces it, and the sweeper again later
    await enforceDeadline(WEBHARD_ORDER_ID, NOW);
    await enforceDeadline(WEBHARD_ORDER_ID, '2026-03-05T00:01:00.000Z');
    // Then
    expect(recorded).toEqual([
      ['OrderOverdue', 1],
      ['DeadlineLatenessMs', 1500],
    ]);
    expect(noticeCounts).toEqual([
      ['NoticeSent', 'OVERDUE'],
      ['NoticeSent', 'STAFF'],
    ]);
  });

  it.each([
    ['extended', {}, 1],
    ['escalated after the extension', { extended: true }, 1],
    [
      'decided with a quorum',
      {
        votes: {
          'member-1': { decision: 'REVOKE', at: NOW },
          'member-2': { decision: 'REVOKE', at: NOW },
          'member-3': { decision: 'ABSTAIN', at: NOW },
        },
      },
      0,
    ],
  ] as const)(
    'review deadline %s: ReviewWithoutQuorum counted as it happened, once however often the task runs',
    async (_label, change, count) => {
      // Given
      await givenReview({ closesAt: NOW, ...(change as Partial<ReviewRecord>) });
      // When
      await closeReviewAtDeadline(POST_REVIEW_ID, NOW);
      await closeReviewAtDeadline(POST_REVIEW_ID, NOW);
      // Then
      expect(recorded.filter(([name]) => name === 'ReviewWithoutQuorum')).toHaveLength(count);
    },
  );

  it('review deadline: lifting an order for want of a quorum counts too', async () => {
    await world.reset({ unreviewedOrder: 'lift' });
    await givenReview({ closesAt: NOW, extended: true });
    await closeReviewAtDeadline(POST_REVIEW_ID, NOW);
    expect(recorded).toEqual([['ReviewWithoutQuorum', 1]]);
  });
});

describe('the configuration set', () => {
  it('is named in every notice when SES_CONFIGURATION_SET is set (the cloud)', async () => {
    vi.stubEnv('SES_CONFIGURATION_SET', 'UrgentDeliberation-NoticeEvents');
    resetConfigForTests();
    await givenIssuedOrder();
    await sendOrderNotice(WEBHARD_ORDER_ID, () => NOW);
    expect(world.mails.map((mail) => mail.configurationSet)).toEqual(['UrgentDeliberation-NoticeEvents']);
  });

  it('is not named without it (npm start: the SES stand-in has none)', async () => {
    await givenIssuedOrder();
    await sendOrderNotice(WEBHARD_ORDER_ID, () => NOW);
    expect(world.mails).toHaveLength(1);
    expect(world.mails[0]).not.toHaveProperty('configurationSet');
  });
});
