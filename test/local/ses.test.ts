import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SendEmailCommand, SESClient } from '@aws-sdk/client-ses';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSes, type LocalSes } from '../../infra/local/ses';

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ud-ses-'));
const journal = path.join(dataDir, 'ses', 'emails.jsonl');
let ses: LocalSes;

beforeAll(async () => {
  ses = await startSes({ port: 0, host: '127.0.0.1', dataDir });
});

afterAll(async () => {
  await ses?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('local SES', () => {
  it('shows a sent e-mail at /store and writes it to DATA_DIR for the next start', async () => {
    // Given the SES client the notices adapter uses, pointed at the emulator
    const client = new SESClient({ endpoint: ses.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'l', secretAccessKey: 'l' } });

    // When a notice is sent
    const sent = await client.send(
      new SendEmailCommand({
        Source: 'notices@urgent-deliberation.example',
        Destination: { ToAddresses: ['notices@webhard.example'] },
        Message: { Subject: { Data: 'Order O1' }, Body: { Text: { Data: 'Delete within 24 hours.' } } },
      }),
    );

    // Then the inbox shows it and the journal on disk holds it
    const store = (await (await fetch(`${ses.endpoint}/store`)).json()) as { emails: { messageId: string; subject: string }[] };
    expect(store.emails.map((email) => email.messageId)).toContain(sent.MessageId);
    const lines = readFileSync(journal, 'utf8').trim().split('\n');
    expect(JSON.parse(lines.at(-1) as string)).toMatchObject({ messageId: sent.MessageId, subject: 'Order O1' });
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
