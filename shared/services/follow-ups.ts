/**
 * A follow-up case for the URLs a case left UNASSIGNED once its orders were issued (URLs are
 * matched to operators only at issuance): staff assign the hosts to operators, then file the
 * follow-up, which runs its own urgent approval and workflow. The act is an event on the original
 * case; filing the follow-up case is that event's follow-up, so it is done once even after a fault.
 */
import type { Identity } from '../domain/authz';
import type { FollowUp } from '../domain/decider';
import { caseDecider } from '../domain/deciders/case';
import { NotFoundError } from '../domain/errors';
import { caseIdOf } from '../domain/ids';
import type { CaseStatus, CaseUrl } from '../domain/model';
import { assignUrls, operatorForHost } from '../domain/orders';
import { newCaseId } from '../runtime/ids';
import { logger } from '../runtime/logger';
import { refs } from '../store/keys';
import { getCase, getCaseUrls, getUrlChunk, listOperators, putUrlChunk } from '../store/repository';
import { actOnRequest } from './acts';
import { distinctByUrl } from './order-workflow';
import { storeActivePolicy } from './policies';
import { fileCase, newCaseRecord } from './reports';
import { requireCase } from './records';

export interface FiledFollowUp {
  /** false when the follow-up had been filed before (a retry, a double click). */
  readonly created: boolean;
  readonly caseId: string;
  readonly followUpCaseId: string;
  readonly status: CaseStatus;
}

/** The unassigned URLs that no follow-up took over yet, or took over as `followUpCaseId`. */
async function urlsToRefer(caseId: string, followUpCaseId?: string): Promise<CaseUrl[]> {
  const unassigned = distinctByUrl(await getCaseUrls(caseId, null));
  return unassigned.filter((url) => url.referredTo === undefined || url.referredTo === followUpCaseId);
}

export async function fileFollowUp(identity: Identity, caseId: string, now: string): Promise<FiledFollowUp> {
  if (caseIdOf(caseId) !== caseId || !(await getCase(caseId))) throw new NotFoundError(`Case ${caseId}`);
  const operators = await listOperators();
  const unassigned = (await urlsToRefer(caseId)).map((url) => ({ host: url.host, operatorId: operatorForHost(url.host, operators) }));
  const ref = refs.case(caseId);
  // A retry of an act a fault cut short finishes it here rather than waiting for the sweeper.
  const { state, committed } = await actOnRequest(
    caseDecider,
    ref,
    { type: 'FILE_FOLLOW_UP', identity, followUpCaseId: newCaseId(), unassigned },
    now,
  );
  const followUpCaseId = state?.followUps?.at(-1);
  if (followUpCaseId === undefined) throw new NotFoundError(`Case ${caseId}`);
  const followUp = await getCase(followUpCaseId);
  logger.info('follow-up case filed', { caseId, followUpCaseId, created: committed !== null });
  return { created: committed !== null, caseId, followUpCaseId, status: followUp?.status ?? 'PENDING_APPROVAL' };
}

/**
 * The FILE_FOLLOW_UP follow-up: files the follow-up case (the original's category, reporter,
 * consent, summary and hash; its URLs matched to operators now), then marks the original's URLs
 * as referred to it. Each step is safe to repeat.
 */
export async function fileFollowUpCase(followUp: Extract<FollowUp, { type: 'FILE_FOLLOW_UP' }>, at: string): Promise<void> {
  const { caseId, followUpCaseId } = followUp;
  const original = await requireCase(caseId);
  const urls = assignUrls(
    (await urlsToRefer(caseId, followUpCaseId)).map((url) => url.url),
    await listOperators(),
  );
  const record = newCaseRecord(
    {
      caseId: followUpCaseId,
      category: original.category,
      createdAt: at,
      createdBy: followUp.filedBy,
      reporter: original.reporter,
      victimConsent: original.victimConsent,
      ...(original.summary === undefined ? {} : { summary: original.summary }),
      ...(original.contentSha256 === undefined ? {} : { contentSha256: original.contentSha256 }),
      ...(original.hashes === undefined ? {} : { hashes: original.hashes }),
      ...(original.reporterContact === undefined ? {} : { reporterContact: original.reporterContact }),
      followUpOf: caseId,
    },
    urls.length,
    await storeActivePolicy(at),
  );
  await fileCase(record, urls, at);
  for (let index = 0; ; index += 1) {
    const chunk = await getUrlChunk(caseId, null, index);
    if (!chunk) break;
    if (chunk.every((url) => url.referredTo !== undefined)) continue;
    await putUrlChunk(
      caseId,
      null,
      index,
      chunk.map((url) => ({ ...url, referredTo: url.referredTo ?? followUpCaseId })),
    );
  }
}
