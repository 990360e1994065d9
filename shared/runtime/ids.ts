import { randomBytes } from 'node:crypto';
import { caseIdFrom, ulidFrom } from '../domain/ids';
import { nowMs } from './clock';

/** A new case id: time-ordered so that listings sort by filing time. */
export function newCaseId(): string {
  return caseIdFrom(ulidFrom(nowMs(), randomBytes(10)));
}
