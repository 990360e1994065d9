/**
 * A CDK context that `cdk synth` accepts (infra/context.ts refuses a placeholder notice domain, no
 * staff address and a committee below the policy's quorum): the base of every infra test's app.
 */
export const VALID_CONTEXT = {
  noticeDomain: 'notices.regulator.go.kr',
  staffEmails: 'duty@regulator.go.kr',
  committeeMembers: 'member-1,member-2,member-3',
} as const;
