/**
 * The operator guide's TypeScript client (docs/examples/operator-client.ts, docs/operators.md):
 * its types are what the OpenAPI document says of these routes (checked by the compiler against
 * the schemas the document is generated from), and it does an operator's job over HTTP through
 * the local API Gateway of `npm start` in front of the real handlers: list, acknowledge, report
 * compliance, appeal, and a refusal comes back as the contract's error code.
 */
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import {
  type Acknowledged,
  type AppealFiled,
  type UrlsReported,
  ApiError,
  type Complied,
  type OperatorOrder,
  operatorClient,
} from '../../../docs/examples/operator-client';
import type {
  acknowledgeAnswerSchema,
  appealAnswerSchema,
  complianceAnswerSchema,
  operatorOrderSchema,
  urlComplianceAnswerSchema,
} from '../../../shared/api/answers';
import { writeUrls } from '../../../shared/store/repository';
import { plant } from '../../support/given';
import { aCase, anOrder, CASE_ID, CASE_URLS, WEBHARD_ORDER_ID } from '../../support/records';
import { useWorld } from '../../support/world';
import { startMatrixGateway, type MatrixGateway } from './matrix/gateway';

useWorld();

const OPEN = { deadlineAt: '2999-01-01T00:00:00.000Z', graceEndsAt: '2999-01-08T00:00:00.000Z' };
const OP_WEBHARD = { userId: 'op-webhard', roles: ['operator'] as const, operatorId: 'op-webhard' };

const GROUNDS = 'The content is licensed and everyone in it consented.';

let gateway: MatrixGateway;

async function givenConfirmedOrder(appealDeadline: string): Promise<void> {
  await writeUrls(CASE_ID, CASE_URLS);
  await plant.case(aCase({ status: 'APPEAL_WINDOW', ordersIssuedAt: '2026-03-02T01:00:00.000Z' }));
  await plant.order(anOrder({ ...OPEN, status: 'CONFIRMED', decisionStatus: 'CONFIRMED', appealDeadline }));
}

beforeAll(async () => {
  gateway = await startMatrixGateway();
});

afterAll(async () => {
  await gateway?.close();
});

describe("the operator guide's client", () => {
  it('expects of each answer what the OpenAPI document says of it (checked when the tests compile)', () => {
    // Every answer the document allows is one the client's type accepts
    expectTypeOf<z.infer<typeof operatorOrderSchema>>().toExtend<OperatorOrder>();
    expectTypeOf<z.infer<typeof acknowledgeAnswerSchema>>().toExtend<Acknowledged>();
    expectTypeOf<z.infer<typeof complianceAnswerSchema>>().toExtend<Complied>();
    expectTypeOf<z.infer<typeof appealAnswerSchema>>().toExtend<AppealFiled>();
    expectTypeOf<z.infer<typeof urlComplianceAnswerSchema>>().toExtend<UrlsReported>();
  });

  it('lists its orders, acknowledges one and reports it complied', async () => {
    // Given an open order to op-webhard, and the client with op-webhard's token
    await writeUrls(CASE_ID, CASE_URLS);
    await plant.case(aCase({ status: 'ORDERS_ISSUED', ordersIssuedAt: '2026-03-02T01:00:00.000Z' }));
    await plant.order(anOrder(OPEN));
    const client = operatorClient(gateway.endpoint, await gateway.token(OP_WEBHARD));

    // When it lists, acknowledges and reports compliance
    const orders = await client.listOrders();
    const acknowledged = await client.acknowledge(WEBHARD_ORDER_ID);
    const complied = await client.reportCompliance(WEBHARD_ORDER_ID, 'DELETED', 'removed');

    // Then it saw its order with only its own URLs, and the order is complied
    expect(orders.map((order) => order.orderId)).toEqual([WEBHARD_ORDER_ID]);
    expect(orders[0]?.urls.every((url) => url.includes('webhard.example'))).toBe(true);
    expect(acknowledged).toMatchObject({ orderId: WEBHARD_ORDER_ID, status: 'ACKNOWLEDGED' });
    expect(complied).toMatchObject({ orderId: WEBHARD_ORDER_ID, status: 'COMPLIED' });
  });

  it('reports the order URL by URL until it is complied with', async () => {
    await writeUrls(CASE_ID, CASE_URLS);
    await plant.case(aCase({ status: 'ORDERS_ISSUED', ordersIssuedAt: '2026-03-02T01:00:00.000Z' }));
    await plant.order(anOrder(OPEN));
    const client = operatorClient(gateway.endpoint, await gateway.token(OP_WEBHARD));
    const [listed] = await client.listOrders();
    const [first = '', second = ''] = listed?.urls ?? [];
    const partly = await client.reportUrls(WEBHARD_ORDER_ID, [{ url: first, outcome: 'CANNOT_COMPLY', reason: 'held by a court order' }]);
    expect(partly).toMatchObject({ status: 'ISSUED', accounted: 1, urlCount: 2 });
    const done = await client.reportUrls(WEBHARD_ORDER_ID, [
      { url: first, outcome: 'DELETED' },
      { url: second, outcome: 'NOT_FOUND' },
    ]);
    expect(done).toMatchObject({ status: 'COMPLIED', accounted: 2 });
  });

  it('appeals a confirmed order inside its appeal window', async () => {
    // Given a confirmed order whose appeal window is open
    await givenConfirmedOrder('2999-02-01T00:00:00.000Z');
    const client = operatorClient(gateway.endpoint, await gateway.token(OP_WEBHARD));

    // When it appeals
    const filed = await client.appeal(WEBHARD_ORDER_ID, GROUNDS);

    // Then the appeal is filed
    expect(filed.appealId).toMatch(/\S/);
  });

  it("gets the contract's code, WINDOW_CLOSED, as an ApiError once the appeal window has passed", async () => {
    // Given a confirmed order whose appeal window has passed
    await givenConfirmedOrder('2000-01-01T00:00:00.000Z');
    const client = operatorClient(gateway.endpoint, await gateway.token(OP_WEBHARD));

    // When it appeals
    const refused = await client.appeal(WEBHARD_ORDER_ID, GROUNDS).catch((error: unknown) => error);

    // Then the refusal carries the status and the code
    expect(refused).toBeInstanceOf(ApiError);
    expect(refused).toMatchObject({ status: 409, code: 'WINDOW_CLOSED' });
  });
});
