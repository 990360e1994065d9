import { beforeEach, describe, expect, it } from 'vitest';
import { handler } from '../../../functions/api/cases';
import { handler as reportsHandler } from '../../../functions/api/reports';
import { caseIdFrom, ulidFrom } from '../../../shared/domain/ids';
import { type ReportRequest, reportRequestSchema } from '../../../shared/domain/model';
import { encodeCursor } from '../../../shared/domain/search';
import { fileReport } from '../../../shared/services/reports';
import { answerOf, apiEvent, type Caller, callers } from '../../support/api-event';
import { plant } from '../../support/given';
import { aCase, anOperator, OTHER_CASE_ID } from '../../support/records';
import { useWorld } from '../../support/world';

const world = useWorld();

interface Filing {
  readonly day: string;
  readonly urls: string[];
  readonly category: ReportRequest['category'];
  readonly reference?: string;
}

/** Five reports on five days of March 2026; URLs repeat across them, as they do in real life. */
const FILINGS = {
  first: {
    day: '01',
    urls: ['https://webhard.example/v/1', 'https://social.example/p/1'],
    category: 'ILLEGAL_FILMING',
    reference: 'POL-1',
  },
  second: { day: '02', urls: ['https://webhard.example/v/2'], category: 'SYNTHETIC_SEXUAL_IMAGERY', reference: 'POL-2' },
  third: { day: '03', urls: ['https://social.example/p/1'], category: 'NON_CONSENSUAL_DISTRIBUTION' },
  fourth: { day: '04', urls: ['https://other.example/x'], category: 'ILLEGAL_FILMING' },
  fifth: { day: '05', urls: ['https://webhard.example/v/1'], category: 'NON_CONSENSUAL_DISTRIBUTION' },
} as const satisfies Record<string, Filing>;
type Name = keyof typeof FILINGS;

const staff = { userId: callers.staffKim.userId, roles: [...callers.staffKim.roles] };
const filedAt = (day: string) => `2026-03-${day}T03:00:00.000Z`;

async function file(filing: Filing): Promise<string> {
  const body = reportRequestSchema.parse({
    urls: filing.urls,
    category: filing.category,
    reporter: { kind: 'POLICE', ...(filing.reference === undefined ? {} : { reference: filing.reference }) },
    victimConsent: true,
  });
  return (await fileReport(staff, body, undefined, filedAt(filing.day))).caseId;
}

/** Given the registry knows op-webhard, and the five reports were filed: their case ids by name. */
async function givenFiledReports(): Promise<Record<Name, string>> {
  await plant.operator(anOperator());
  const ids = {} as Record<Name, string>;
  for (const name of Object.keys(FILINGS) as Name[]) ids[name] = await file(FILINGS[name]);
  return ids;
}

async function search(query: Record<string, string>, caller: Caller = callers.staffKim) {
  return answerOf(await handler(apiEvent('GET /cases', { caller, query })));
}

async function idsFound(query: Record<string, string>): Promise<string[]> {
  const answer = await search(query);
  expect(answer.statusCode).toBe(200);
  return answer.body.cases.map((found: { caseId: string }) => found.caseId);
}

describe('GET /cases search', () => {
  let ids: Record<Name, string>;
  beforeEach(async () => {
    ids = await givenFiledReports();
  });
  const named = (...names: Name[]) => names.map((name) => ids[name]);

  it.each<[string, Record<string, string>, Name[]]>([
    ['every case', {}, ['fifth', 'fourth', 'third', 'second', 'first']],
    ['an exact URL', { url: 'https://webhard.example/v/1' }, ['fifth', 'first']],
    ['a URL written differently, normalized first', { url: 'HTTPS://WEBHARD.example:443/v/1' }, ['fifth', 'first']],
    ['a URL nobody reported', { url: 'https://webhard.example/v/999' }, []],
    ['a host', { host: 'social.example' }, ['third', 'first']],
    ['a host in capitals', { host: 'WEBHARD.EXAMPLE' }, ['fifth', 'second', 'first']],
    ['an operator', { operatorId: 'op-webhard' }, ['fifth', 'second', 'first']],
    ['a reporter reference', { reference: 'POL-2' }, ['second']],
    ['a category', { category: 'ILLEGAL_FILMING' }, ['fourth', 'first']],
    ['a status', { status: 'PENDING_APPROVAL' }, ['fifth', 'fourth', 'third', 'second', 'first']],
    ['a status no case has', { status: 'CLOSED' }, []],
    ['dates from and to (both ends included)', { from: filedAt('02'), to: filedAt('04') }, ['fourth', 'third', 'second']],
    ['a date from, with an offset', { from: '2026-03-04T00:00:00+09:00' }, ['fifth', 'fourth']],
    ['a host within dates', { host: 'webhard.example', to: filedAt('02') }, ['second', 'first']],
    ['a host and a category', { host: 'webhard.example', category: 'NON_CONSENSUAL_DISTRIBUTION' }, ['fifth']],
    ['a URL and a status', { url: 'https://social.example/p/1', status: 'CLOSED' }, []],
  ])('finds the cases by %s, newest first', async (_, query, expected) => {
    // When
    const found = await idsFound(query);

    // Then
    expect(found).toEqual(named(...expected));
  });

  it.each([1, 2, 3])('pages through every case, %i at a time, with no case twice and none left out', async (limit) => {
    // When
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const answer = await search({ limit: String(limit), ...(cursor === undefined ? {} : { cursor }) });
      expect(answer.statusCode).toBe(200);
      expect(answer.body.cases.length).toBeLessThanOrEqual(limit);
      seen.push(...answer.body.cases.map((found: { caseId: string }) => found.caseId));
      cursor = answer.body.nextCursor;
      pages += 1;
    } while (cursor !== undefined);

    // Then
    expect(seen).toEqual(named('fifth', 'fourth', 'third', 'second', 'first'));
    expect(pages).toBe(Math.ceil(5 / limit));
  });

  it('pages through a filtered search', async () => {
    // When
    const first = await search({ operatorId: 'op-webhard', limit: '2' });
    const second = await search({ operatorId: 'op-webhard', limit: '2', cursor: first.body.nextCursor });

    // Then
    expect(first.body.cases.map((found: { caseId: string }) => found.caseId)).toEqual(named('fifth', 'second'));
    expect(second.body).toEqual({ cases: [expect.objectContaining({ caseId: ids.first })] });
  });

  it.each<[string, (ids: Record<Name, string>) => Record<string, string>]>([
    ['a cursor that is not base64 JSON', () => ({ cursor: 'not-a-cursor' })],
    [
      'a cursor of another search',
      (known) => ({ host: 'social.example', cursor: encodeCursor('FIND#HOST#webhard.example', `${filedAt('05')}#${known.fifth}`) }),
    ],
    ['a cursor whose position was edited', () => ({ cursor: Buffer.from(JSON.stringify({ p: 'x', s: 'CASE#1' })).toString('base64url') })],
    ['two of url, host, operatorId, reference', () => ({ host: 'webhard.example', operatorId: 'op-webhard' })],
    ['a limit over 200', () => ({ limit: '201' })],
    ['a date that is not ISO 8601', () => ({ from: 'yesterday' })],
    ['from after to', () => ({ from: filedAt('05'), to: filedAt('01') })],
    ['a URL that is not one', () => ({ url: 'webhard.example/v/1' })],
  ])('answers 400 VALIDATION_FAILED for %s', async (_, query) => {
    // When
    const answer = await search(query(ids));

    // Then
    expect(answer.statusCode).toBe(400);
    expect(answer.body.error.code).toBe('VALIDATION_FAILED');
  });

  it.each<[string, Record<string, string>]>([
    ['every case', {}],
    ['a URL', { url: 'https://webhard.example/v/1' }],
    ['a host and a status', { host: 'webhard.example', status: 'PENDING_APPROVAL' }],
    ['a reference', { reference: 'POL-1' }],
    ['a category and dates', { category: 'ILLEGAL_FILMING', from: filedAt('01') }],
  ])('reads %s with Query on an index, never a Scan', async (_, query) => {
    // When
    world.faults.reset();
    await search({ ...query, limit: '2' });

    // Then
    const calls = world.faults.log.filter((call) => call.startsWith('DynamoDB '));
    expect(calls).toContain('DynamoDB QueryCommand');
    expect(calls.filter((call) => !['DynamoDB QueryCommand', 'DynamoDB BatchGetItemCommand'].includes(call))).toEqual([]);
  });
});

describe('GET /cases reads a first page with one Query', () => {
  it('reads the newest ten of thirty cases with one Query and nothing else', async () => {
    // Given thirty cases, an hour apart
    for (let hour = 1; hour <= 30; hour += 1) {
      const at = Date.parse('2026-03-01T00:00:00.000Z') + hour * 3_600_000;
      await plant.case(aCase({ caseId: caseIdFrom(ulidFrom(at, new Uint8Array(10).fill(hour))), createdAt: new Date(at).toISOString() }));
    }

    // When
    world.faults.reset();
    const answer = await search({ limit: '10' });

    // Then
    expect(answer.body.cases).toHaveLength(10);
    expect(answer.body.nextCursor).toEqual(expect.any(String));
    expect(world.faults.log.filter((call) => call.startsWith('DynamoDB '))).toEqual(['DynamoDB QueryCommand']);
  });
});

describe('GET /cases keeps the contract', () => {
  it('answers ?status= with {"cases":[...]} of that status', async () => {
    // Given
    await plant.case(aCase({ caseId: OTHER_CASE_ID, status: 'CLOSED', closedAt: '2026-03-20T00:00:00.000Z' }));
    await plant.case(aCase());

    // When
    const answer = await search({ status: 'CLOSED' }, callers.auditor);

    // Then
    expect(answer).toEqual({ statusCode: 200, body: { cases: [expect.objectContaining({ caseId: OTHER_CASE_ID, status: 'CLOSED' })] } });
  });
});

describe('duplicate URLs', () => {
  async function post(caller: Caller, urls: string[]) {
    return answerOf(
      await reportsHandler(
        apiEvent('POST /reports', {
          caller,
          body: { urls, category: 'ILLEGAL_FILMING', reporter: { kind: 'VICTIM' }, victimConsent: true },
        }),
      ),
    );
  }

  it('warns staff at filing of the cases going on that hold the same URL, naming the URLs shared', async () => {
    // Given
    const ids = await givenFiledReports();

    // When
    const answer = await post(callers.staffLee, ['https://social.example/p/1', 'https://new.example/a']);

    // Then
    expect(answer.statusCode).toBe(201);
    expect(answer.body.duplicates).toEqual([
      {
        caseId: ids.third,
        status: 'PENDING_APPROVAL',
        category: 'NON_CONSENSUAL_DISTRIBUTION',
        createdAt: filedAt('03'),
        urls: ['https://social.example/p/1'],
      },
      {
        caseId: ids.first,
        status: 'PENDING_APPROVAL',
        category: 'ILLEGAL_FILMING',
        createdAt: filedAt('01'),
        urls: ['https://social.example/p/1'],
      },
    ]);
  });

  async function check(caller: Caller, urls: string[]) {
    return answerOf(await reportsHandler(apiEvent('POST /reports/duplicates', { caller, body: { urls } })));
  }

  it('tells staff before filing which URLs open or recent cases hold, and those cases', async () => {
    // Given
    const ids = await givenFiledReports();

    // When
    const answer = await check(callers.staffLee, ['https://new.example/a', 'HTTPS://WEBHARD.EXAMPLE/v/2']);

    // Then
    expect(answer).toEqual({
      statusCode: 200,
      body: {
        urls: ['https://webhard.example/v/2'],
        duplicates: [
          {
            caseId: ids.second,
            status: 'PENDING_APPROVAL',
            category: 'SYNTHETIC_SEXUAL_IMAGERY',
            createdAt: filedAt('02'),
            urls: ['https://webhard.example/v/2'],
          },
        ],
      },
    });
  });

  it('tells a reporter before filing only which URLs are already being handled', async () => {
    // Given
    await givenFiledReports();

    // When
    const answer = await check(callers.supportCenter, ['https://social.example/p/1', 'https://new.example/a']);

    // Then
    expect(answer).toEqual({ statusCode: 200, body: { urls: ['https://social.example/p/1'] } });
  });

  it('looks up a thousand URLs by key, a hundred a call, with no Query', async () => {
    // Given a bulk report of a thousand URLs
    const urls = Array.from({ length: 1000 }, (_, index) => `https://webhard.example/bulk/${index}`);
    const filed = await fileReport(
      staff,
      reportRequestSchema.parse({ urls, category: 'ILLEGAL_FILMING', reporter: { kind: 'MONITORING' }, victimConsent: true }),
      undefined,
      filedAt('06'),
    );

    // When
    world.faults.reset();
    const answer = await check(callers.staffLee, urls);

    // Then
    expect(answer.body.urls).toHaveLength(1000);
    expect(answer.body.duplicates.map((other: { caseId: string }) => other.caseId)).toEqual([filed.caseId]);
    const calls = world.faults.log.filter((call) => call.startsWith('DynamoDB '));
    expect(calls).toEqual(Array.from({ length: 11 }, () => 'DynamoDB BatchGetItemCommand'));
  });

  it('tells a reporter nothing about other people’s cases', async () => {
    // Given
    await givenFiledReports();

    // When
    const answer = await post(callers.supportCenter, ['https://social.example/p/1']);

    // Then
    expect(answer.statusCode).toBe(201);
    expect(answer.body).not.toHaveProperty('duplicates');
  });

  it('shows on the case page which other cases hold its URLs', async () => {
    // Given
    const ids = await givenFiledReports();

    // When
    const answer = answerOf(
      await handler(apiEvent('GET /cases/{caseId}', { caller: callers.member1, pathParameters: { caseId: ids.first } })),
    );

    // Then
    expect(answer.body.duplicates.map((other: { caseId: string; urls: string[] }) => [other.caseId, other.urls])).toEqual([
      [ids.fifth, ['https://webhard.example/v/1']],
      [ids.third, ['https://social.example/p/1']],
    ]);
  });
});
