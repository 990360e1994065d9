/**
 * An operator's domain claims every URL on that host and its subdomains, unassigned URLs included.
 * A public suffix (`co.kr`, `com`, `github.io`, `blogspot.com`: the ICANN and the private part of
 * the Public Suffix List, through tldts) is shared by unrelated owners, so no operator may claim one.
 * Pure: the list ships inside the library.
 */
import { parse } from 'tldts';

/** Why the domain cannot be an operator's, or null when it can. */
export function operatorDomainRefusal(domain: string): string | null {
  const parsed = parse(domain, { allowPrivateDomains: true });
  if (parsed.isIp) return 'is an IP address; register the host name the service uses';
  if (parsed.domain === null) {
    return `is a public suffix (${parsed.publicSuffix ?? domain}) shared by unrelated owners; register the operator's own domain under it`;
  }
  return null;
}
