/**
 * A case's URL chunks, and what `npm start`'s process (the table's only writer) remembers of them:
 * read whole once, then answered from memory until a write of the case's chunks, which puts in what
 * it wrote once it landed. Each test compares the answer from memory with the table's own.
 */
import { describe, expect, it } from 'vitest';
import type { CaseUrl } from '../../../shared/domain/model';
import {
  expectNewCase,
  forgetRememberedItems,
  getCaseUrls,
  getOrderUrls,
  getUrlChunk,
  putUrlChunk,
  writeUrls,
} from '../../../shared/store/repository';
import { besideNext } from '../../support/beside';
import { asTheTablesOnlyWriter } from '../../support/single-writer';
import { useWorld } from '../../support/world';

const world = useWorld();
const CASE_ID = 'C01TESTURLS';
const QUERY = 'DynamoDB QueryCommand';
const PUT = 'DynamoDB PutItemCommand';
const GET = 'DynamoDB GetItemCommand';

const url = (path: string, host: string, operatorId: string | null): CaseUrl => ({ url: `https://${host}/${path}`, host, operatorId });
const FILED = [url('a', 'webhard.example', 'op-webhard'), url('b', 'social.example', 'op-social'), url('c', 'unknown.example', null)];

/** The case's URLs as the table holds them, whatever the process remembers. */
async function inTheTable(): Promise<{ all: CaseUrl[]; webhard: CaseUrl[]; unassigned: CaseUrl[] | undefined }> {
  forgetRememberedItems();
  const all = await getCaseUrls(CASE_ID);
  forgetRememberedItems();
  const webhard = await getCaseUrls(CASE_ID, 'op-webhard');
  const unassigned = await getUrlChunk(CASE_ID, null, 0);
  forgetRememberedItems();
  return { all, webhard, unassigned };
}

/** The same three reads, and the AWS calls they made. */
async function readAgain(): Promise<{ answers: Awaited<ReturnType<typeof inTheTable>>; calls: string[] }> {
  const [answers, calls] = await world.faults.callsOf(async () => ({
    all: await getCaseUrls(CASE_ID),
    webhard: await getCaseUrls(CASE_ID, 'op-webhard'),
    unassigned: await getUrlChunk(CASE_ID, null, 0),
  }));
  return { answers, calls };
}

describe("a case's URL chunks, in the process that is the table's only writer (npm start)", () => {
  asTheTablesOnlyWriter();

  it('are read once, then answered from memory as the table holds them, by operator, chunk and order', async () => {
    // Given the case's URLs filed and listed once
    await writeUrls(CASE_ID, FILED);
    const [, firstReads] = await world.faults.callsOf(() => getCaseUrls(CASE_ID));

    // When they are read again, whole, by operator, by chunk and for an ISP's order of two owners
    const again = await readAgain();
    const ispOrder = await getOrderUrls({ caseId: CASE_ID, operatorId: 'isp-kt', urlOwners: [null, 'op-social'] });

    // Then the first listing queried, the rest read nothing, and every answer is the table's
    expect(firstReads).toEqual([QUERY]);
    expect(again.calls).toEqual([]);
    expect(world.faults.log).toEqual([]);
    expect(again.answers).toEqual(await inTheTable());
    expect(ispOrder.map((each) => each.url)).toEqual(['https://unknown.example/c', 'https://social.example/b']);
  });

  it('of a case id made for the request are known from its filing: none are read', async () => {
    // Given a case id made for the request, declared new, its URLs written
    expectNewCase(CASE_ID);
    await writeUrls(CASE_ID, FILED);

    // When they are read
    const again = await readAgain();

    // Then nothing was read, and the answers are the table's
    expect(again.calls).toEqual([]);
    expect(again.answers).toEqual(await inTheTable());
  });

  it('take in a chunk written after they were read, without reading it back', async () => {
    // Given the case's URLs read once
    await writeUrls(CASE_ID, FILED);
    await getCaseUrls(CASE_ID);

    // When the unassigned URL is matched (its operator's chunk rewritten, the unassigned one emptied)
    await writeUrls(CASE_ID, [url('a', 'webhard.example', 'op-webhard'), url('c', 'unknown.example', 'op-webhard')]);
    await putUrlChunk(CASE_ID, null, 0, []);
    const again = await readAgain();

    // Then nothing was read, and the answers are the table's
    expect(again.calls).toEqual([]);
    expect(again.answers.webhard.map((each) => each.url)).toEqual(['https://webhard.example/a', 'https://unknown.example/c']);
    expect(again.answers).toEqual(await inTheTable());
  });

  it.each([
    ['before', false],
    ['after', false],
    ['after', true],
  ] as const)('are read from the table again after a write that failed %s DynamoDB acted (crash: %s)', async (when, crash) => {
    // Given the case's URLs read once
    await writeUrls(CASE_ID, FILED);
    await getCaseUrls(CASE_ID);

    // When a referral's mark on the unassigned chunk fails
    world.faults.arm({ at: 1, service: PUT, when, crash });
    const write = putUrlChunk(CASE_ID, null, 0, [{ ...url('c', 'unknown.example', null), referredTo: 'C01FOLLOWUP' }]);
    await expect(write).rejects.toThrow();
    world.faults.disarm();
    const again = await readAgain();

    // Then the next listing queried, and every answer is what the table holds, landed or not
    expect(again.calls[0]).toBe(QUERY);
    expect(again.answers).toEqual(await inTheTable());
    expect(again.answers.unassigned?.[0]?.referredTo).toBe(when === 'after' ? 'C01FOLLOWUP' : undefined);
  });

  it.each([
    ['answered before a write of the case that ended before the answer came back', 'QueryCommand', 'after'],
    ['read while a write of the case was on its way', 'PutItemCommand', 'before'],
  ] as const)('are not kept from a listing %s', async (_when, commandName, when) => {
    // Given the case's URLs, not read yet
    await writeUrls(CASE_ID, FILED);

    // When they are listed beside the unassigned chunk's write
    const done = besideNext(commandName, when, async () => {
      if (commandName === 'QueryCommand') await putUrlChunk(CASE_ID, null, 0, []);
      else await getCaseUrls(CASE_ID);
    });
    try {
      if (commandName === 'QueryCommand') await getCaseUrls(CASE_ID);
      else await putUrlChunk(CASE_ID, null, 0, []);
    } finally {
      done();
    }
    const again = await readAgain();

    // Then the listing was not kept: the next one read the table, which holds the write
    expect(again.calls[0]).toBe(QUERY);
    expect(again.answers.all.map((each) => each.url)).toEqual(['https://social.example/b', 'https://webhard.example/a']);
    expect(again.answers).toEqual(await inTheTable());
  });

  it("keep a caller's change to its copy out of what they answer next", async () => {
    await writeUrls(CASE_ID, FILED);
    const first = await getCaseUrls(CASE_ID);
    Object.assign(first[0] ?? expect.unreachable('three URLs'), { operatorId: 'scribbled' });
    (await getUrlChunk(CASE_ID, null, 0))?.push(url('d', 'scribbled.example', null));

    const again = await readAgain();

    expect(again.calls).toEqual([]);
    expect(again.answers).toEqual(await inTheTable());
  });

  it('are read from the table every time for a case of more URLs than a chunk holds', async () => {
    const many = Array.from({ length: 101 }, (_, index) => url(String(index), 'webhard.example', 'op-webhard'));
    await writeUrls(CASE_ID, many);
    await getCaseUrls(CASE_ID);

    const again = await readAgain();

    expect(again.calls).toEqual([QUERY, QUERY, GET]);
    expect(again.answers.all).toHaveLength(101);
  });

  it('are read from the table again after a restore put it back behind the process', async () => {
    await writeUrls(CASE_ID, FILED);
    const before = await world.snapshot();
    await getCaseUrls(CASE_ID);
    await putUrlChunk(CASE_ID, null, 0, []);

    await world.restore(before);
    const again = await readAgain();

    expect(again.calls[0]).toBe(QUERY);
    expect(again.answers.unassigned?.map((each) => each.url)).toEqual(['https://unknown.example/c']);
  });
});

describe("a case's URL chunks where other processes write too (Lambda)", () => {
  it('are read from the table at every call, a new case declared or not', async () => {
    expectNewCase(CASE_ID);
    await writeUrls(CASE_ID, FILED);
    await getCaseUrls(CASE_ID);

    const again = await readAgain();

    expect(again.calls).toEqual([QUERY, QUERY, GET]);
    expect(again.answers).toEqual(await inTheTable());
  });
});
