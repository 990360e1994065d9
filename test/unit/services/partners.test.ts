import { describe, expect, it } from 'vitest';
import type { Partner } from '../../../shared/domain/partners';
import { createPartner, listPartners, updatePartner } from '../../../shared/services/partners';
import { asTheTablesOnlyWriter } from '../../support/single-writer';
import { useWorld } from '../../support/world';

const NOW = '2026-03-02T09:00:00.000Z';
const world = useWorld();

const taiwan = { partnerId: 'partner-tw', name: 'NCC', countries: ['TW'], contact: 'referrals@ncc.example', language: 'zh-TW' };
const japan = { partnerId: 'partner-jp', name: 'IHC', countries: ['JP'], contact: 'referrals@ihc.example', language: 'ja' };

describe('listPartners', () => {
  it('lists the registered partners by id', async () => {
    await createPartner(taiwan, NOW, 'staff-kim');
    await createPartner(japan, NOW, 'staff-kim');

    expect((await listPartners()).map((partner) => partner.partnerId)).toEqual(['partner-jp', 'partner-tw']);
  });

  describe("in the process that is the table's only writer (npm start)", () => {
    asTheTablesOnlyWriter();

    it('reads them once until a partner changes, and a caller changing its copy changes nothing', async () => {
      // Given two partners, listed once
      await createPartner(taiwan, NOW, 'staff-kim');
      await createPartner(japan, NOW, 'staff-kim');
      const first = await listPartners();
      Object.assign(first[0] ?? expect.unreachable('two partners'), { contact: 'scribbled@example.org' });

      // When they are listed again, then once more after a partner's contact changed, and after a restore
      const [again, readsAgain] = await world.faults.callsOf(listPartners);
      await updatePartner('partner-tw', { contact: 'new@ncc.example' }, NOW, 'staff-lee');
      const [changed, readsChanged] = await world.faults.callsOf(listPartners);
      await world.restore(await world.snapshot());
      world.faults.reset();
      const restored = await listPartners();

      // Then the second listing read nothing and is the table's; the third read the index and has the change
      expect(readsAgain).toEqual([]);
      expect(again.map((partner) => [partner.partnerId, partner.contact])).toEqual([
        ['partner-jp', 'referrals@ihc.example'],
        ['partner-tw', 'referrals@ncc.example'],
      ]);
      expect(readsChanged).toEqual(['DynamoDB QueryCommand']);
      expect(changed.find((partner) => partner.partnerId === 'partner-tw')?.contact).toBe('new@ncc.example');
      expect(world.faults.log).toEqual(['DynamoDB QueryCommand']);
      expect(restored).toEqual(changed);
    });

    it.each([
      ['before', 'failed before it landed'],
      ['after', 'landed, its answer lost'],
    ] as const)('reads them again after a change whose projection %s (%s)', async (when, _how) => {
      // Given two partners, listed once
      await createPartner(taiwan, NOW, 'staff-kim');
      await createPartner(japan, NOW, 'staff-kim');
      await listPartners();

      // When a contact change fails at its projection (the partner's own item, its first update), then is retried
      world.faults.arm({ at: 1, service: 'DynamoDB UpdateItemCommand', when, crash: false });
      await expect(updatePartner('partner-tw', { contact: 'new@ncc.example' }, NOW, 'staff-lee')).rejects.toThrow();
      world.faults.disarm();
      const afterFault = await listPartners();
      await updatePartner('partner-tw', { contact: 'new@ncc.example' }, NOW, 'staff-lee');
      const afterRetry = await listPartners();

      // Then each listing is the table's: the change once it is projected, never the listing from before it
      const contact = (partners: readonly Partner[]) => partners.find((partner) => partner.partnerId === 'partner-tw')?.contact;
      expect(contact(afterFault)).toBe(when === 'after' ? 'new@ncc.example' : 'referrals@ncc.example');
      expect(contact(afterRetry)).toBe('new@ncc.example');
    });
  });
});
