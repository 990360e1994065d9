/**
 * A reporter that asks for outcome e-mails hears, through the local SES emulator, that its URLs
 * were removed once the operator complied: one e-mail, in its language, about its own URLs, with
 * the link to My reports and nothing of the operator.
 */
import { describe, expect, it } from 'vitest';
import {
  approveCase,
  E2E_DURATIONS,
  emails,
  eventually,
  fileReport,
  orderIdFor,
  uniqueUrl,
  untilOrderStatus,
  useLocalStack,
} from './support';

const POLICY = { id: 'kr-e2e-reporter-email', ...E2E_DURATIONS, complianceDeadline: 'PT10M', postReviewWindow: 'PT10M' };
const ADDRESS = 'survivor.e2e@example.org';

const { stack, api } = useLocalStack({ policy: POLICY });

describe('the reporter outcome e-mail', () => {
  it('reaches the reporter once, in English, after the operator complies', async () => {
    // Given a support centre's report with e-mail updates in English, approved and ordered
    const urls = [uniqueUrl('op-webhard'), uniqueUrl('op-social')];
    const caseId = await fileReport(api, urls, 'support-center', { notify: { email: ADDRESS, language: 'en' } });
    await approveCase(api, caseId);
    const orderId = orderIdFor(caseId, 'op-webhard');
    await untilOrderStatus(api, 'op-webhard', orderId, 'ISSUED');

    // When op-webhard reports its URL deleted
    const complied = await api.post('op-webhard', `/operator/orders/${orderId}/compliance`, { action: 'DELETED', note: 'ticket 42' });
    expect(complied.status).toBe(200);

    // Then the SES emulator holds one e-mail to the reporter about op-webhard's URL
    const mail = await eventually(async () => {
      const toReporter = (await emails(stack)).filter((email) => email.destination.to.includes(ADDRESS));
      if (toReporter.length === 0) throw new Error('no e-mail to the reporter yet');
      return toReporter;
    }, 30_000);
    expect(mail).toHaveLength(1);
    const [email] = mail;
    expect(email?.subject).toBe('[Report update] 1 address you reported: Removed');
    expect(email?.body.text).toContain(`- ${urls[0]}: Removed`);
    expect(email?.body.text).not.toContain(urls[1]);
    expect(email?.body.text).toContain('/#/reporter/reports');
    expect(email?.body.text).not.toMatch(/op-webhard|ticket 42/);
    // And My reports says updates are on, never the address
    const mine = await api.get('support-center', '/reports?language=en');
    const report = (mine.body.reports as { caseId: string; emailUpdates?: boolean }[]).find((entry) => entry.caseId === caseId);
    expect(report?.emailUpdates).toBe(true);
    expect(JSON.stringify(mine.body)).not.toContain(ADDRESS);
  }, 120_000);
});
