import { describe, expect, it } from 'vitest';
import { ConflictError } from '../../../shared/domain/errors';
import { errorResponse, identityFromClaims, parseGroups } from '../../../shared/runtime/http';
import { TransientError } from '../../../shared/runtime/transient';

const bodyOf = (response: ReturnType<typeof errorResponse>) =>
  JSON.parse((response as { body: string }).body) as { error: { code: string; message: string } };

describe('the HTTP edge', () => {
  it.each([
    ['an array', ['staff', 'committee']],
    ['a JSON string', '["staff","committee"]'],
    ["API Gateway's bracketed list", '[staff committee]'],
  ])('reads cognito:groups given as %s', (_label, raw) => {
    expect(parseGroups(raw)).toEqual(['staff', 'committee']);
  });

  it('drops groups that are not roles of the product', () => {
    expect(parseGroups('[staff admins]')).toEqual(['staff']);
  });

  it('takes the user id from cognito:username before sub, and the operator id', () => {
    const identity = identityFromClaims({
      sub: 'uuid-1',
      'cognito:username': 'op-webhard',
      'cognito:groups': '[operator]',
      'custom:operatorId': 'op-webhard',
    });
    expect(identity).toEqual({ userId: 'op-webhard', roles: ['operator'], operatorId: 'op-webhard' });
  });

  it.each([
    ['a typed domain error', new ConflictError('already approved'), 409, 'CONFLICT'],
    ['a transient failure (throttling, chain contention)', new TransientError('busy'), 503, 'UNAVAILABLE'],
    ['an unexpected fault', new TypeError('x is undefined'), 500, 'INTERNAL'],
  ])('answers %s with the contract error body', (_label, error, status, code) => {
    const response = errorResponse(error) as { statusCode: number };
    expect(response.statusCode).toBe(status);
    expect(bodyOf(errorResponse(error)).error.code).toBe(code);
  });

  it('never echoes an unexpected error message, which may carry data', () => {
    expect(bodyOf(errorResponse(new Error('https://victim.example/secret'))).error.message).not.toContain('victim');
  });
});
