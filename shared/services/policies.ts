/**
 * Policy versions (docs/policies.md, "Versions"): the active policy is stored once under its
 * version (its content hash) before a case is bound to it, and every step of a case follows the
 * version the case was filed under, loaded through one in-process cache: a version's content never
 * changes, and a case's version never changes once it is filed. `config().policy` is the policy
 * for new cases only.
 */
import { NotFoundError } from '../domain/errors';
import { caseIdOf } from '../domain/ids';
import type { CaseRecord } from '../domain/model';
import { policySchema, type Policy } from '../domain/policy';
import { policyVersionOf } from '../domain/policy-version';
import { config, heldForTable } from '../runtime/config';
import { remember } from '../runtime/recent';
import { getCase, getPolicyVersion, putPolicyVersion } from '../store/repository';
import type { RecordRef } from '../store/keys';

const byVersion = new Map<string, Policy>();
/**
 * A filed case's policy version (`null` for a case filed before versions, which follows the
 * current policy), and the versions stored: facts about one table's contents, so kept per table,
 * as the block list's signing key is (a version's content is the same in every table).
 */
const versionOfCaseByTable = new Map<string, Map<string, string | null>>();
/** Cases whose version a process remembers, the most recently used: a case forgotten costs one read of its record. */
const CASES_REMEMBERED = 10_000;
const storedVersionsByTable = new Map<string, Set<string>>();
const versionOfCase = () => heldForTable(versionOfCaseByTable, () => new Map<string, string | null>());
const storedVersions = () => heldForTable(storedVersionsByTable, () => new Set<string>());

export interface ActivePolicy {
  readonly version: string;
  readonly policy: Policy;
}

/** The policy new cases are filed under, stored under its version (once per process: the put is idempotent anyway). */
export async function storeActivePolicy(now: string): Promise<ActivePolicy> {
  const { policy, version } = activePolicy();
  if (!storedVersions().has(version)) {
    await putPolicyVersion(version, policy, now);
    storedVersions().add(version);
  }
  byVersion.set(version, policy);
  return { version, policy };
}

/** The policy new cases are filed under, with its version (read only: start-up and filing store it). */
export function activePolicy(): ActivePolicy {
  const { policy } = config();
  return { version: policyVersionOf(policy), policy };
}

const VERSION_RE = /^[0-9a-f]{64}$/;

/** `GET /policies/{version}`: a stored version, or the active one; anything else is 404. */
export async function readPolicyVersion(version: string): Promise<ActivePolicy> {
  const active = activePolicy();
  if (version === active.version) return active;
  const policy = VERSION_RE.test(version) ? await policyByVersion(version) : undefined;
  if (!policy) throw new NotFoundError(`Policy version ${version}`);
  return { version, policy };
}

/** A stored policy version, or `undefined` when none is stored under it. */
export async function policyByVersion(version: string): Promise<Policy | undefined> {
  const cached = byVersion.get(version);
  if (cached) return cached;
  const stored = await getPolicyVersion(version);
  if (stored === undefined) return undefined;
  // Parsed again so that keys added to the schema after the version was stored get their defaults.
  const policy = policySchema.parse(stored);
  byVersion.set(version, policy);
  return policy;
}

/** The policy a case follows: the version it was filed under, or the current one for a case filed before versions. */
export async function policyOf(record: Pick<CaseRecord, 'caseId' | 'policyVersion'>): Promise<Policy> {
  const version = record.policyVersion ?? null;
  remember(versionOfCase(), record.caseId, version, CASES_REMEMBERED);
  if (version === null) return config().policy;
  const bound = await policyByVersion(version);
  if (!bound) throw new Error(`Case ${record.caseId} is bound to policy version ${version}, which is not stored.`);
  return bound;
}

/** The policy of the case `caseId`; the current policy while the case is not filed yet (its filing binds it). */
export async function policyOfCase(caseId: string): Promise<Policy> {
  const version = versionOfCase().get(caseId);
  if (version !== undefined) return policyOf({ caseId, ...(version === null ? {} : { policyVersion: version }) });
  const record = await getCase(caseId);
  return record ? policyOf(record) : config().policy;
}

/** The policy an act on the record follows: its case's, or the current one for an operator's record. */
export function policyForRecord(ref: RecordRef): Promise<Policy> {
  const caseId = ref.kind === 'operator' || ref.kind === 'partner' ? null : caseIdOf(ref.id);
  return caseId === null ? Promise.resolve(config().policy) : policyOfCase(caseId);
}
