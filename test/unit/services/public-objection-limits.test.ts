import { describe, expect, it } from 'vitest';
import type { RateLimitedError } from '../../../shared/domain/errors';
import { DEFAULT_PUBLIC_OBJECTION_LIMITS, resolvePolicy } from '../../../shared/domain/policy';
import { filePosterObjection, posterObjectionStatus } from '../../../shared/services/public-objections';
import { useWorld } from '../../support/world';

const NOW = '2026-03-02T01:00:00.000Z';
const GROUNDS = 'I posted this myself and I am the person in it.';
const ADDRESS = '203.0.113.7';

const world = useWorld();

/** The error a call ends with (these codes name no order, so every call that is let through is a 404). */
async function failureOf(call: () => Promise<unknown>): Promise<unknown> {
  try {
    await call();
  } catch (error) {
    return error;
  }
  throw new Error('the call succeeded');
}

const fileWithUnknownCode = (attempt: number) => () =>
  filePosterObjection({ code: `ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZ${String(attempt).padStart(2, '0')}`, grounds: GROUNDS }, ADDRESS, NOW);

describe('the public objection routes’ rate limits come from the policy', () => {
  it('refuses the filing past the policy’s per-address limit, with the seconds to the window’s end', async () => {
    // Given a policy allowing two filings a minute from one address
    await world.reset({ publicObjectionLimits: { filingsPerAddress: { limit: 2, windowSeconds: 60 } } });

    // When one address files three times
    const answers = [
      await failureOf(fileWithUnknownCode(1)),
      await failureOf(fileWithUnknownCode(2)),
      await failureOf(fileWithUnknownCode(3)),
    ];

    // Then the first two are looked up (unknown code), the third is refused until the minute ends
    expect(answers.map((error) => (error as { code?: string }).code)).toEqual(['NOT_FOUND', 'NOT_FOUND', 'RATE_LIMITED']);
    expect((answers[2] as RateLimitedError).retryAfterSeconds).toBe(60);
  });

  it('refuses the look-up past the policy’s per-address limit', async () => {
    // Given a policy allowing one look-up an hour
    await world.reset({ publicObjectionLimits: { lookupsPerAddress: { limit: 1, windowSeconds: 3600 } } });
    const lookUp = () => posterObjectionStatus('OBJ-0000000000000000', ADDRESS, NOW);

    // When
    const answers = [await failureOf(lookUp), await failureOf(lookUp)];

    // Then
    expect(answers.map((error) => (error as { code?: string }).code)).toEqual(['NOT_FOUND', 'RATE_LIMITED']);
  });

  it('keeps the documented defaults in every built-in profile and takes a partial override', () => {
    // When a policy file changes one limit only
    const policy = resolvePolicy({ base: 'au-esafety', publicObjectionLimits: { filingsPerCode: { limit: 5, windowSeconds: 86_400 } } });

    // Then the others keep their defaults
    expect(policy.publicObjectionLimits).toEqual({
      ...DEFAULT_PUBLIC_OBJECTION_LIMITS,
      filingsPerCode: { limit: 5, windowSeconds: 86_400 },
    });
    expect(resolvePolicy({}).publicObjectionLimits).toEqual({
      filingsPerAddress: { limit: 10, windowSeconds: 3600 },
      filingsPerCode: { limit: 20, windowSeconds: 86_400 },
      lookupsPerAddress: { limit: 60, windowSeconds: 3600 },
    });
  });

  it('refuses a limit that would shut the route', () => {
    expect(() => resolvePolicy({ publicObjectionLimits: { filingsPerAddress: { limit: 0, windowSeconds: 60 } } })).toThrow(
      /publicObjectionLimits\.filingsPerAddress\.limit/,
    );
  });
});
