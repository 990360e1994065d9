import { describe, expect, it } from 'vitest';
import { PolicyError } from '../../../shared/domain/errors';
import { builtInPolicies, durationToMs, policyById, policySchema, resolvePolicy } from '../../../shared/domain/policy';
import { policyVersionOf } from '../../../shared/domain/policy-version';

function policyErrorOf(input: unknown): PolicyError {
  try {
    resolvePolicy(input);
  } catch (error) {
    if (error instanceof PolicyError) return error;
    throw error;
  }
  throw new Error('expected a PolicyError');
}

describe('durationToMs', () => {
  it.each([
    ['PT24H', 86_400_000],
    ['P7D', 604_800_000],
    ['P15D', 1_296_000_000],
    ['PT3S', 3000],
    ['PT0.5S', 500],
    ['PT1,25S', 1250],
    ['PT0.001S', 1],
    ['P1W', 604_800_000],
    ['P1DT2H3M4S', 93_784_000],
    ['PT90M', 5_400_000],
    ['PT0S', 0],
  ])('%s is %d ms', (iso, ms) => {
    expect(durationToMs(iso)).toBe(ms);
  });

  it.each([['P1Y'], ['P2M'], ['P1Y2M3D'], ['P1MT2H']])('refuses %s because years and months have no fixed length', (iso) => {
    expect(() => durationToMs(iso)).toThrow(/years and months have no fixed length/);
  });

  it.each([['P'], ['PT'], ['24H'], ['PT1.5H'], ['PT0.0001S'], ['P1DT'], ['-PT1H'], ['pt1h'], ['']])('refuses the malformed %j', (iso) => {
    expect(() => durationToMs(iso)).toThrow(/not an ISO 8601 duration/);
  });
});

describe('built-in profiles', () => {
  it.each(Object.entries(builtInPolicies))('%s validates against the schema', (id, policy) => {
    expect(policy.id).toBe(id);
    expect(policySchema.parse(policy)).toEqual(policy);
  });

  it.each([
    ['kr-kcsc', 'PT24H', 'Asia/Seoul', 'KRW', 'ko'],
    ['eu-tco', 'PT1H', 'Europe/Brussels', 'EUR', 'en'],
    ['au-esafety', 'PT24H', 'Australia/Sydney', 'AUD', 'en'],
    ['us-take-it-down', 'PT48H', 'America/New_York', 'USD', 'en'],
    ['demo', 'PT5M', 'Asia/Seoul', 'KRW', 'ko'],
  ])('%s: deadline %s, zone %s, currency %s, language %s', (id, deadline, zone, currency, language) => {
    const policy = policyById(id);
    expect(policy).toMatchObject({ complianceDeadline: deadline, timeZone: zone, currency, language });
  });

  it('gives the Korean profile the values of CONTRACT.md section 7', () => {
    expect(policyById('kr-kcsc')).toMatchObject({
      jurisdiction: 'KR',
      urgentApprovals: 2,
      approvalSla: 'PT2H',
      reminders: ['PT12H', 'PT2H'],
      lateComplianceGrace: 'P7D',
      postReviewWindow: 'P7D',
      appealWindow: 'P15D',
      appealReviewWindow: 'P15D',
      procedure: 'interim-then-review',
      unreviewedOrder: 'escalate',
      fines: { capRate: 0.03 },
    });
    expect(policyById('kr-kcsc').legalBasis.ko).toContain('제44조의7');
  });

  it('gives the demo profile minutes on top of the Korean profile', () => {
    expect(policyById('demo')).toMatchObject({
      base: 'kr-kcsc',
      approvalSla: 'PT5M',
      reminders: ['PT2M', 'PT1M'],
      lateComplianceGrace: 'PT3M',
      postReviewWindow: 'PT4M',
      appealWindow: 'PT3M',
      appealReviewWindow: 'PT3M',
      urgentApprovals: 2,
    });
  });

  it('refuses an unknown profile id with the known ones named', () => {
    expect(() => policyById('xx')).toThrow(/unknown profile "xx".*kr-kcsc/);
    expect(() => policyById('toString')).toThrow(PolicyError);
  });
});

describe('resolvePolicy', () => {
  it('fills every absent key from the Korean profile', () => {
    // Prepare: a file that only shortens durations
    const input = { complianceDeadline: 'PT10S', postReviewWindow: 'PT20S' };
    // Act
    const policy = resolvePolicy(input);
    // Assess
    expect(policy).toEqual({ ...policyById('kr-kcsc'), ...input, base: 'kr-kcsc' });
  });

  it('merges over the profile named by base, and nested fines key by key', () => {
    const policy = resolvePolicy({ base: 'eu-tco', fines: { capRate: 0.06, weights: { gainObtained: 0.25, requestCount: 0.15 } } });
    expect(policy.complianceDeadline).toBe('PT1H');
    expect(policy.currency).toBe('EUR');
    expect(policy.fines.capRate).toBe(0.06);
    expect(policy.fines.weights).toEqual({ ...policyById('eu-tco').fines.weights, gainObtained: 0.25, requestCount: 0.15 });
    expect(policy.fines.tierRates).toEqual(policyById('eu-tco').fines.tierRates);
  });

  it('replaces arrays rather than merging them', () => {
    expect(resolvePolicy({ reminders: ['PT1H'] }).reminders).toEqual(['PT1H']);
  });

  it('names every bad field in one message', () => {
    // Act
    const error = policyErrorOf({
      complianceDeadline: 'P1M',
      urgentApprovals: 0,
      timeZone: 'Mars/Olympus',
      fines: { capRate: 1.5 },
      reminder: ['PT1H'],
    });
    // Assess
    expect(error.message).toMatch(/policy\.complianceDeadline: .*years and months/);
    expect(error.message).toMatch(/policy\.urgentApprovals: /);
    expect(error.message).toMatch(/policy\.timeZone: /);
    expect(error.message).toMatch(/policy\.fines\.capRate: /);
    expect(error.message).toMatch(/policy\.reminder: unknown key/);
    expect(error.issues.map((i) => i.field).sort()).toEqual([
      'policy.complianceDeadline',
      'policy.fines.capRate',
      'policy.reminder',
      'policy.timeZone',
      'policy.urgentApprovals',
    ]);
  });

  it.each([
    ['a zero compliance deadline', { complianceDeadline: 'PT0S' }, 'policy.complianceDeadline'],
    ['a malformed reminder', { reminders: ['12 hours'] }, 'policy.reminders.0'],
    ['an unknown procedure', { procedure: 'vote-later' }, 'policy.procedure'],
    ['an unknown unreviewed-order rule', { unreviewedOrder: 'ignore' }, 'policy.unreviewedOrder'],
    ['weights that do not add up to 1', { fines: { weights: { gainObtained: 0.9 } } }, 'policy.fines.weights'],
    ['a language other than ko and en', { language: 'fr' }, 'policy.language'],
    ['a lower-case currency', { currency: 'krw' }, 'policy.currency'],
    ['legal basis without English', { legalBasis: { en: '' } }, 'policy.legalBasis.en'],
    ['falling tier rates', { fines: { tierRates: { tier1: 0.02, tier2: 0.01, tier3: 0.03 } } }, 'policy.fines.tierRates'],
  ])('refuses %s', (_label, input, field) => {
    expect(policyErrorOf(input).issues.map((i) => i.field)).toContain(field);
  });

  it('accepts a zero grace period (late compliance closes with the deadline)', () => {
    expect(resolvePolicy({ lateComplianceGrace: 'PT0S' }).lateComplianceGrace).toBe('PT0S');
  });

  it.each([[null], [[]], ['kr-kcsc'], [42]])('refuses %j, which is not an object', (input) => {
    expect(policyErrorOf(input).message).toBe('policy: must be a JSON object');
  });

  it('refuses an unknown base', () => {
    expect(policyErrorOf({ base: 'mars' }).message).toMatch(/^policy\.base: unknown base profile "mars"/);
  });

  it('keeps a policy of its own id and choices', () => {
    const policy = resolvePolicy({ id: 'kr-test', base: 'demo', unreviewedOrder: 'lift', procedure: 'vote-first' });
    expect(policy).toMatchObject({
      id: 'kr-test',
      base: 'demo',
      unreviewedOrder: 'lift',
      procedure: 'vote-first',
      complianceDeadline: 'PT5M',
    });
  });
});

describe('policyVersionOf', () => {
  it('is the same for the same content however its keys are ordered', () => {
    const korea = policyById('kr-kcsc');
    const reordered = Object.fromEntries(Object.entries(korea).reverse()) as typeof korea;
    expect(policyVersionOf(reordered)).toBe(policyVersionOf(korea));
    expect(policyVersionOf(korea)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('changes when any value changes, so a case bound to a version cannot be altered by a new file', () => {
    const korea = policyById('kr-kcsc');
    const shorter = resolvePolicy({ complianceDeadline: 'PT23H' });
    expect(policyVersionOf(shorter)).not.toBe(policyVersionOf(korea));
    expect(new Set(Object.values(builtInPolicies).map(policyVersionOf)).size).toBe(Object.keys(builtInPolicies).length);
  });
});
