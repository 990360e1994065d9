import { App } from 'aws-cdk-lib';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { noticeDomainRefusal, stackPropsFromContext } from '../../infra/context';
import { policyById } from '../../shared/domain/policy';
import { VALID_CONTEXT } from './valid-context';

// What `cdk synth` does with the context (infra/app.ts calls stackPropsFromContext before any
// construct): no stack is synthesized here, so these stay fast.
const propsFrom = (context: Record<string, unknown>) => stackPropsFromContext(new App({ context }).node);

describe('a context that can work', () => {
  it('resolves a partial policy file over its base profile and splits lists', () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'ud-policy-'));
    const file = join(dir, 'policy.json');
    writeFileSync(file, JSON.stringify({ id: 'short-test', base: 'au-esafety', complianceDeadline: 'PT1H' }));
    try {
      // Act
      const props = propsFrom({ ...VALID_CONTEXT, policyFile: file, staffEmails: ' a@x.go.kr ,,b@y.go.kr' });
      // Assess
      expect(props.policy).toMatchObject({
        id: 'short-test',
        complianceDeadline: 'PT1H',
        jurisdiction: policyById('au-esafety').jurisdiction,
      });
      expect(props.staffEmails).toEqual(['a@x.go.kr', 'b@y.go.kr']);
      expect(props.noticeDomain).toBe(VALID_CONTEXT.noticeDomain);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('takes lists from cdk.json as arrays and the domain in any case', () => {
    const props = propsFrom({ ...VALID_CONTEXT, noticeDomain: 'Notices.Regulator.GO.KR', committeeMembers: ['m-1', 'm-2', 'm-3', 4] });
    expect(props.noticeDomain).toBe('notices.regulator.go.kr');
    expect(props.committeeMembers).toEqual(['m-1', 'm-2', 'm-3', '4']);
    expect(props.alarmEmails).toEqual([]);
    expect(props.machineClients).toEqual([]);
  });
});

describe('a context that cannot work stops cdk synth, naming the key and how to set it', () => {
  it.each([
    ['the placeholder default', 'urgent-deliberation.example', /noticeDomain: "urgent-deliberation\.example" is a reserved placeholder/],
    ['a .test domain', 'notices.regulator.test', /reserved placeholder/],
    ['a .invalid domain', 'notices.invalid', /reserved placeholder/],
    ['a .localhost domain', 'mail.localhost', /reserved placeholder/],
    ['a documentation domain', 'notices.example.org', /reserved placeholder/],
    ['a private top-level domain', 'notices.corp', /not under a public top-level domain/],
    ['a public suffix', 'go.kr', /is a public suffix/],
    ['an address instead of a domain', 'notices@regulator.go.kr', /is not a domain name/],
    ['a URL instead of a domain', 'https://regulator.go.kr', /is not a domain name/],
  ])('noticeDomain: %s', (_name, noticeDomain, message) => {
    expect(() => propsFrom({ ...VALID_CONTEXT, noticeDomain })).toThrow(message);
  });

  it('names every missing key at once, with the flag that sets it', () => {
    // Act
    let message = '';
    try {
      propsFrom({});
    } catch (error) {
      message = (error as Error).message;
    }
    // Assess
    expect(message).toContain('docs/deploying.md#context-keys');
    expect(message).toMatch(/noticeDomain: not set\..*-c noticeDomain=/);
    expect(message).toMatch(/staffEmails: none given.*-c staffEmails=/);
    expect(message).toMatch(/committeeMembers: none given: every committee review would fail.*-c committeeMembers=/);
  });

  it('refuses an empty committee', () => {
    expect(() => propsFrom({ ...VALID_CONTEXT, committeeMembers: ' , ' })).toThrow(/committeeMembers: none given/);
  });

  it('refuses a committee smaller than the quorum of the policy', () => {
    expect(() => propsFrom({ ...VALID_CONTEXT, committeeMembers: 'member-1,member-2' })).toThrow(
      /committeeMembers: 2 member\(s\), but policy "kr-kcsc" needs 3 present/,
    );
  });

  it.each([
    ['an e-mail address', 'member-1,kim@regulator.go.kr,member-3', /"kim@regulator\.go\.kr" is not a Cognito user name/],
    ['a member twice', 'member-1,member-2,member-1', /a member is named twice/],
  ])('refuses a committee with %s', (_name, committeeMembers, message) => {
    expect(() => propsFrom({ ...VALID_CONTEXT, committeeMembers })).toThrow(message);
  });

  it('refuses a staff or alarm address that is not one', () => {
    expect(() => propsFrom({ ...VALID_CONTEXT, staffEmails: 'duty', alarmEmails: 'night@' })).toThrow(
      /staffEmails: "duty" is not an e-mail address\n {2}- alarmEmails: "night@" is not an e-mail address/,
    );
  });

  it('refuses a hosted sign-in prefix Cognito would refuse', () => {
    expect(() => propsFrom({ ...VALID_CONTEXT, authDomainPrefix: 'my-cognito-login' })).toThrow(
      /authDomainPrefix: "my-cognito-login" cannot be a Cognito domain prefix/,
    );
  });

  it('stops synthesis on an unknown policy profile', () => {
    expect(() => propsFrom({ ...VALID_CONTEXT, policyProfile: 'nowhere' })).toThrow(/policyProfile: .*unknown profile "nowhere"/);
  });

  it('refuses a policy file and a profile together', () => {
    expect(() => propsFrom({ ...VALID_CONTEXT, policyProfile: 'eu-tco', policyFile: 'policy.json' })).toThrow(
      /policyFile: set together with policyProfile/,
    );
  });
});

describe('noticeDomainRefusal', () => {
  it.each(['notices.regulator.go.kr', 'mail.esafety.gov.au', 'notices.kcsc.kr'])('accepts %s', (domain) => {
    expect(noticeDomainRefusal(domain)).toBeNull();
  });
});
