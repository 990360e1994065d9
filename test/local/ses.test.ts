import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSes, type LocalSes } from '../../infra/local/ses';
import { simulatedEvents } from '../../infra/local/ses/simulator';
import { NOTICE_KEY_HEADER, noticeKeyHeaderValue } from '../../shared/domain/delivery';
import { parseSesEvent } from '../../shared/notices/ses-events';

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ud-ses-'));
const journal = path.join(dataDir, 'ses', 'emails.jsonl');
let ses: LocalSes;
/** Small, so that one test can pass it; the runtime's is SES_STORE_LIMIT. */
const STORE_LIMIT = 4;
const published: Record<string, unknown>[] = [];
/** The first time each message's events are handed over, the handler fails: the stand-in tries again. */
const failedOnce = new Set<string>();

beforeAll(async () => {
  ses = await startSes({
    port: 0,
    host: '127.0.0.1',
    dataDir,
    onEvent: async (message) => {
      const event = JSON.parse(message) as { mail: { messageId: string } };
      if (!failedOnce.has(event.mail.messageId)) {
        failedOnce.add(event.mail.messageId);
        throw new Error('the handler is not ready yet');
      }
      published.push(event);
    },
    log: () => undefined,
    storeLimit: STORE_LIMIT,
  });
});

afterAll(async () => {
  await ses?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const client = () =>
  new SESv2Client({ endpoint: ses.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'l', secretAccessKey: 'l' } });

async function send(to: string[], subject: string): Promise<string> {
  const sent = await client().send(
    new SendEmailCommand({
      FromEmailAddress: 'notices@urgent-deliberation.example',
      Destination: { ToAddresses: to },
      Content: { Simple: { Subject: { Data: subject }, Body: { Text: { Data: 'Delete within 24 hours.' } } } },
    }),
  );
  return sent.MessageId ?? '';
}

async function eventsOf(messageId: string, count: number): Promise<string[]> {
  for (let waited = 0; waited < 20_000; waited += 50) {
    const types = published
      .filter((event) => (event.mail as { messageId: string }).messageId === messageId)
      .map((event) => String(event.eventType));
    if (types.length >= count) return types;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the events of ${messageId} were not published`);
}

describe('local SES', () => {
  it('shows a sent e-mail at /store, to every recipient, and writes it to DATA_DIR for the next start', async () => {
    // When a notice is sent with the SES v2 API the notices adapter uses
    const messageId = await send(['notices@webhard.example', 'legal@webhard.example'], 'Order O1');

    // Then the inbox shows it with both recipients, and the journal on disk holds it
    const store = (await (await fetch(`${ses.endpoint}/store`)).json()) as {
      emails: { messageId: string; destination: { to: string[] } }[];
    };
    expect(store.emails.find((email) => email.messageId === messageId)?.destination.to).toEqual([
      'notices@webhard.example',
      'legal@webhard.example',
    ]);
    const lines = readFileSync(journal, 'utf8').trim().split('\n');
    expect(JSON.parse(lines.at(-1) as string)).toMatchObject({ messageId, subject: 'Order O1' });
  });

  it('keeps the Reply-To a notice was sent with', async () => {
    // When a notice names where replies go
    const sent = await client().send(
      new SendEmailCommand({
        FromEmailAddress: 'notices@urgent-deliberation.example',
        Destination: { ToAddresses: ['notices@webhard.example'] },
        ReplyToAddresses: ['dsc-orders@kcsc.example'],
        Content: { Simple: { Subject: { Data: 'Order O2' }, Body: { Text: { Data: 'Delete within 24 hours.' } } } },
      }),
    );

    // Then the inbox shows it
    const store = (await (await fetch(`${ses.endpoint}/store`)).json()) as { emails: { messageId: string; replyTo: string[] }[] };
    expect(store.emails.find((email) => email.messageId === sent.MessageId)?.replyTo).toEqual(['dsc-orders@kcsc.example']);
  });

  it.each([
    ['success@simulator.amazonses.com', ['Send', 'Delivery']],
    ['notices@webhard.example', ['Send', 'Delivery']],
    ['bounce@simulator.amazonses.com', ['Send', 'Bounce']],
    ['suppressionlist@simulator.amazonses.com', ['Send', 'Bounce']],
    ['complaint@simulator.amazonses.com', ['Send', 'Delivery', 'Complaint']],
  ])(
    'publishes what became of a message to %s, like the mailbox simulator, to a handler that failed at first',
    async (address, expected) => {
      const messageId = await send([address], `to ${address}`);
      expect(await eventsOf(messageId, expected.length)).toEqual(expected);
      // Taken in the end: journaled, so a restart does not publish it again
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(readFileSync(path.join(dataDir, 'ses', 'events.jsonl'), 'utf8')).toContain(messageId);
    },
  );

  it("quotes a notice's key header in its Send event, as SES does, so the cloud handler knows the notice", async () => {
    const notice = { stream: 'CASE#C1', eventKey: 'order:O1-op-webhard' };
    const sent = await client().send(
      new SendEmailCommand({
        FromEmailAddress: 'notices@urgent-deliberation.example',
        Destination: { ToAddresses: ['notices@webhard.example'] },
        Content: {
          Simple: {
            Subject: { Data: 'Order O1' },
            Body: { Text: { Data: 'Delete within 24 hours.' } },
            Headers: [{ Name: NOTICE_KEY_HEADER, Value: noticeKeyHeaderValue(notice) }],
          },
        },
      }),
    );
    await eventsOf(sent.MessageId ?? '', 1);
    const send = published.find(
      (event) => event.eventType === 'Send' && (event.mail as { messageId: string }).messageId === sent.MessageId,
    );
    expect(parseSesEvent(JSON.stringify(send))).toEqual({ kind: 'event', event: expect.objectContaining({ type: 'SEND', notice }) });
  });

  it('publishes events the cloud handler reads, a bounce of every recipient as permanent', () => {
    const email = { messageId: 'm-1', from: 'n@x.example', destination: { to: ['bounce@simulator.amazonses.com'] }, subject: 's', at: 1 };
    const parsed = simulatedEvents(email, '2026-12-01T00:00:00.000Z').map((event) => parseSesEvent(JSON.stringify(event)));
    expect(parsed).toEqual([
      { kind: 'event', event: expect.objectContaining({ type: 'SEND', messageId: 'm-1' }) },
      { kind: 'event', event: expect.objectContaining({ type: 'BOUNCE', messageId: 'm-1', permanent: true }) },
    ]);
    // A message that reached one of its recipients did not bounce for good
    const some = simulatedEvents(
      { ...email, destination: { to: ['bounce@simulator.amazonses.com', 'legal@x.example'] } },
      '2026-12-01T00:00:00.000Z',
    );
    const bounce = some
      .map((event) => parseSesEvent(JSON.stringify(event)))
      .find((parsedEvent) => parsedEvent.kind === 'event' && parsedEvent.event.type === 'BOUNCE');
    expect(bounce).toEqual({ kind: 'event', event: expect.objectContaining({ permanent: false }) });
  });

  it('keeps only the latest e-mails in memory, and still shows every one at /store, from the journal', async () => {
    // When more e-mails are sent than memory keeps
    const sent: string[] = [];
    for (let index = 0; index < STORE_LIMIT + 2; index += 1) sent.push(await send(['notices@webhard.example'], `Order L${index}`));

    // Then GET /store answers with every one of them
    const storedIds = async (): Promise<string[]> =>
      ((await (await fetch(`${ses.endpoint}/store`)).json()) as { emails: { messageId: string }[] }).emails.map((email) => email.messageId);
    expect(await storedIds()).toEqual(expect.arrayContaining(sent));
    // And it read them from the journal, not from memory: a journal cut short shows
    const lines = readFileSync(journal, 'utf8').trim().split('\n');
    writeFileSync(journal, `${lines.slice(-1).join('\n')}\n`);
    expect(await storedIds()).toEqual(sent.slice(-1));
  });

  it('empties the journal too on POST /clear-store', async () => {
    await fetch(`${ses.endpoint}/clear-store`, { method: 'POST' });
    expect(readFileSync(journal, 'utf8')).toBe('');
  });

  it('serves its inbox page', async () => {
    const response = await fetch(`${ses.endpoint}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
  });
});
