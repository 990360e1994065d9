/**
 * Operator domains (shared/domain/domains.ts): a public suffix (ICANN or private section of the
 * Public Suffix List) or an IP address cannot be an operator's, since its URLs belong to unrelated
 * owners; a registrable domain, or a host under one, can.
 */
import { describe, expect, it } from 'vitest';
import { operatorDomainRefusal } from '../../../shared/domain/domains';

describe('operatorDomainRefusal', () => {
  it.each([
    ['co.kr', 'an ICANN suffix of a country', 'co.kr'],
    ['or.kr', 'another second-level suffix of .kr', 'or.kr'],
    ['com', 'a top-level domain', 'com'],
    ['kr', 'a country-code top-level domain', 'kr'],
    ['github.io', 'a private suffix: every user has a site under it', 'github.io'],
    ['blogspot.com', 'a private suffix of a blog host', 'blogspot.com'],
    ['s3.amazonaws.com', 'a private suffix of a storage host', 's3.amazonaws.com'],
  ])('refuses %s (%s) as a public suffix, naming it', (domain, _why, suffix) => {
    // When / Then
    const refusal = operatorDomainRefusal(domain);
    expect(refusal).toMatch(/is a public suffix/);
    expect(refusal).toContain(`(${suffix})`);
  });

  it.each([
    ['192.168.10.20', 'an IPv4 address'],
    ['203.0.113.7', 'a documentation IPv4 address'],
  ])('refuses %s (%s): register the host name instead', (domain) => {
    expect(operatorDomainRefusal(domain)).toMatch(/is an IP address/);
  });

  it.each([
    ['webhard.co.kr', 'a domain registered under co.kr'],
    ['cdn.webhard.co.kr', 'a host under it'],
    ['a.github.io', "one user's site under github.io"],
    ['myblog.blogspot.com', 'one blog under blogspot.com'],
    ['webhard.example', 'a domain under the reserved .example'],
    ['social.example', 'another one'],
    ['webhard.com', 'a .com domain'],
    ['xn--3e0b707e.kr', 'an internationalized domain, as punycode'],
  ])('accepts %s (%s)', (domain) => {
    expect(operatorDomainRefusal(domain)).toBeNull();
  });
});
