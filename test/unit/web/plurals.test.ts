import { describe, expect, it } from 'vitest';
import { translator } from '../../../web/src/i18n';

describe('counted words on the screens', () => {
  const en = translator('en');
  const ko = translator('ko');

  it.each([
    { key: 'urlCount' as const, one: '1 URL', two: '2 URLs' },
    { key: 'batchVote' as const, one: 'Vote on 1 review', two: 'Vote on 2 reviews' },
    {
      key: 'auditVerified' as const,
      one: 'Verified: 1 event, hash-linked and intact.',
      two: 'Verified: 2 events, hash-linked and intact.',
    },
  ])('$key in English: "$one", "$two"', ({ key, one, two }) => {
    expect(en.t(key, { count: 1 })).toBe(one);
    expect(en.t(key, { count: 2 })).toBe(two);
  });

  it('names the one approval still needed, and the others', () => {
    expect(en.t('needsDifferent', { count: 1, who: 'kim' })).toBe('Needs 1 more approval from staff other than kim.');
    expect(en.t('needsDifferent', { count: 2, who: 'kim' })).toBe('Needs 2 more approvals from staff other than kim.');
  });

  it('leaves Korean counts as they are', () => {
    expect(ko.t('urlCount', { count: 1 })).toBe('URL 1개');
    expect(ko.t('batchVote', { count: 2 })).toBe('2건 표결');
  });

  it('leaves a parameter that was not given as it is written', () => {
    expect(en.t('urlCount')).toBe('{count} {count:URL|URLs}');
  });
});
