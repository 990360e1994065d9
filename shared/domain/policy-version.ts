// Apart from policy.ts, which the web UI imports: node:crypto has no place in a browser bundle.
import { createHash } from 'node:crypto';
import { canonicalJson } from './audit';
import type { Policy } from './policy';

/**
 * A policy's version: the SHA-256 (hex) of its canonical JSON. A case is bound to the version it
 * was filed under, so anyone holding the document can check it is the one the case used, and a
 * later policy change (a new file, a new release) cannot alter a running case.
 */
export function policyVersionOf(policy: Policy): string {
  return createHash('sha256').update(canonicalJson(policy), 'utf8').digest('hex');
}
