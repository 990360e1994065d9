/**
 * Policy as data (CONTRACT.md section 7): durations, approvals, review rules and the fine
 * schedule of one jurisdiction, validated by zod. A policy file may give only some keys; the rest
 * come from the built-in profile named by `base`. Pure.
 */
import { z } from 'zod';
import { PolicyError, type ErrorDetail } from './errors';
import { CATEGORIES, LANGUAGES, PROCEDURES, REVIEW_KINDS } from './model';

// ---------------------------------------------------------------- durations

// Fractions only on seconds, at most milliseconds: every legal time is a whole millisecond, so
// `deadline - issuedAt` equals the policy's duration exactly.
const DURATION_RE = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)(?:[.,](\d{1,3}))?S)?)?$/;
const MS = { W: 7 * 86_400_000, D: 86_400_000, H: 3_600_000, M: 60_000, S: 1000 } as const;

/** Why an ISO 8601 duration is not accepted, or `null` when it is. */
function durationProblem(iso: string): string | null {
  if (/^P(?:[^T]*Y|[^T]*M)/.test(iso)) {
    return `"${iso}": years and months have no fixed length; write weeks, days, hours, minutes or seconds (e.g. P30D)`;
  }
  if (iso === 'P' || iso.endsWith('T') || !DURATION_RE.test(iso)) {
    return `"${iso}" is not an ISO 8601 duration such as PT24H, P7D or PT0.5S (W, D, H, M, S; seconds to milliseconds)`;
  }
  return null;
}

/** Milliseconds in an ISO 8601 duration (W, D, H, M, S; a day is 24 hours: times are UTC). */
export function durationToMs(iso: string): number {
  const problem = durationProblem(iso);
  const m = problem === null ? DURATION_RE.exec(iso) : null;
  if (!m) throw new RangeError(problem ?? `not a duration: ${iso}`);
  const n = (s: string | undefined): number => (s === undefined ? 0 : Number(s));
  const fraction = m[6] === undefined ? 0 : Number(m[6].padEnd(3, '0'));
  return n(m[1]) * MS.W + n(m[2]) * MS.D + n(m[3]) * MS.H + n(m[4]) * MS.M + n(m[5]) * MS.S + fraction;
}

const durationFormat = z.string().superRefine((value, ctx) => {
  const problem = durationProblem(value);
  if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
});
/** A duration that must be longer than zero (a window, a deadline). */
const positiveDuration = durationFormat.refine((v) => durationProblem(v) !== null || durationToMs(v) > 0, {
  message: 'must be longer than zero',
  abort: true,
});

// ---------------------------------------------------------------- fine schedule (docs/fines.md)

const rate = z.number().min(0, 'a fraction between 0 and 1 (0.03 = 3 %)').max(1, 'a fraction between 0 and 1 (0.03 = 3 %)');
const grade = z.union([z.literal(1), z.literal(2), z.literal(3)]);
const gradeThresholds = z
  .strictObject({ grade2: z.number().int().min(0), grade3: z.number().int().min(0) })
  .refine((t) => t.grade2 <= t.grade3, { message: 'grade2 must not exceed grade3' });

export const FINE_FACTORS = ['gainObtained', 'harmCaused', 'harmRemedied', 'profitMotive', 'requestCount', 'distributionScale'] as const;
export type FineFactor = (typeof FINE_FACTORS)[number];

export const finesSchema = z.strictObject({
  /** The statutory ceiling as a fraction of the operator's relevant revenue. */
  capRate: rate,
  weights: z
    .strictObject({
      gainObtained: rate,
      harmCaused: rate,
      harmRemedied: rate,
      profitMotive: rate,
      requestCount: rate,
      distributionScale: rate,
    })
    .refine((w) => Math.abs(Object.values(w).reduce((a, b) => a + b, 0) - 1) < 1e-9, {
      message: 'the six weights must add up to 1',
    }),
  /** Weighted score (1..3) at or above which tier 2 and tier 3 apply. */
  tierThresholds: z
    .strictObject({ tier2: z.number().min(1).max(3), tier3: z.number().min(1).max(3) })
    .refine((t) => t.tier2 <= t.tier3, { message: 'tier2 must not exceed tier3' }),
  /** Base fine of each tier as a fraction of revenue. */
  tierRates: z
    .strictObject({ tier1: rate, tier2: rate, tier3: rate })
    .refine((r) => r.tier1 <= r.tier2 && r.tier2 <= r.tier3, { message: 'rates must not fall as the tier rises' }),
  lateSurchargeRatePerHour: rate,
  lateSurchargeMaxHours: z.number().int().min(0),
  /** In whole units of the fine's currency; never lifts a fine above the cap. */
  minimumFine: z.number().int().min(0).optional(),
  /** Grades the system cannot observe (what the operator gained, whether it sought profit). */
  defaultGrades: z.strictObject({ gainObtained: grade, profitMotive: grade }),
  harmByCategory: z.strictObject(
    Object.fromEntries(CATEGORIES.map((c) => [c, grade])) as Record<(typeof CATEGORIES)[number], typeof grade>,
  ),
  /** Late compliance within this many hours counts as promptly remedied (grade 1). */
  remediedPromptlyHours: z.number().int().min(0),
  /** Earlier orders to the same operator. */
  priorOrderGrades: gradeThresholds,
  /** URLs of the order. */
  urlCountGrades: gradeThresholds,
  /** The period over which an operator's fines together stay within the cap, in the policy's time zone. */
  capPeriod: z.enum(['CALENDAR_YEAR', 'CALENDAR_MONTH']),
  /** How long the operator may state its opinion on a proposed fine before staff decide. */
  opinionPeriod: positiveDuration,
  /** The remedies against a decided fine, counted from the decision notice. */
  administrativeAppealWindow: positiveDuration,
  litigationWindow: positiveDuration,
  /** `POLICY_CURRENCY`: every fine is in the policy's currency; `OPERATOR_CURRENCY`: in the operator's. */
  chargeIn: z.enum(['POLICY_CURRENCY', 'OPERATOR_CURRENCY']),
  /** Minor units of the fine's currency per minor unit of another currency an operator's revenue is registered in. */
  exchangeRates: z.record(z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as USD'), z.number().positive()),
});
export type FineSchedule = z.infer<typeof finesSchema>;

// ---------------------------------------------------------------- committee votes (docs/policies.md)

export const VOTE_MAJORITIES = ['VOTES_CAST', 'MEMBERS_PRESENT'] as const;
/** When neither side has the majority: the order stands (UPHOLD) or is lifted (LIFT). */
export const TIE_RULES = ['UPHOLD', 'LIFT'] as const;
export const POST_REVIEW_WITHOUT_DECISION = ['EXTEND_ONCE', 'REVOKE', 'ESCALATE'] as const;

export const voteRulesSchema = z.strictObject({
  /** Members who must be present (have voted) for the votes to decide, whatever the recusals. */
  minimumPresent: z.number().int().min(1),
  /** Whether an ABSTAIN vote counts towards the members present (and so towards the majority's base). */
  abstentionsCountAsPresent: z.boolean(),
  /** CONFIRM or REVOKE must exceed half of the CONFIRM and REVOKE votes, or half of the members present. */
  majorityOf: z.enum(VOTE_MAJORITIES),
  onTie: z.strictObject(
    Object.fromEntries(REVIEW_KINDS.map((kind) => [kind, z.enum(TIE_RULES)])) as Record<
      (typeof REVIEW_KINDS)[number],
      z.ZodEnum<{ UPHOLD: 'UPHOLD'; LIFT: 'LIFT' }>
    >,
  ),
});
export type VoteRules = z.infer<typeof voteRulesSchema>;

const KOREAN_VOTE_RULES: VoteRules = {
  minimumPresent: 3,
  abstentionsCountAsPresent: true,
  majorityOf: 'MEMBERS_PRESENT',
  onTie: { POST_REVIEW: 'LIFT', PRIOR_REVIEW: 'LIFT', APPEAL: 'UPHOLD' },
};

// ---------------------------------------------------------------- policy

const POST_MONITORING = { checksAfter: ['PT1H', 'P1D', 'P7D'], timeout: 'PT10S', maxRedirects: 5, maxBytes: 1024, concurrency: 8 };

export const DAY_COUNTS = ['EXACT', 'KR_CIVIL_ACT'] as const;

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** At most `limit` requests in each fixed window of `windowSeconds` (the public objection routes). */
const rateLimitSchema = z.strictObject({
  limit: z.number().int().min(1).max(1_000_000),
  windowSeconds: z
    .number()
    .int()
    .min(1)
    .max(31 * 86_400),
});

/**
 * The public objection routes' limits (docs/objections.md): a person objecting needs a handful of
 * tries; someone trying codes or references needs millions. Per client address, and per code (so
 * that a code passed to many people, or guessed at from many addresses, is not a flood into the
 * committee's work).
 */
export const DEFAULT_PUBLIC_OBJECTION_LIMITS = {
  filingsPerAddress: { limit: 10, windowSeconds: 3600 },
  filingsPerCode: { limit: 20, windowSeconds: 86_400 },
  lookupsPerAddress: { limit: 60, windowSeconds: 3600 },
};

export const policySchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lower-case letters, digits and hyphens, at most 63 characters'),
  /** The built-in profile this policy was merged over. */
  base: z.string().optional(),
  name: z.string().min(1).max(200),
  jurisdiction: z.string().regex(/^[A-Z]{2}$/, 'a two-letter region code such as KR or EU'),
  currency: z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as KRW'),
  timeZone: z.string().refine(isTimeZone, 'an IANA time zone such as Asia/Seoul'),
  /** The language people read by default (notices to operators without a preference). */
  language: z.enum(LANGUAGES),
  procedure: z.enum(PROCEDURES).default('interim-then-review'),
  urgentApprovals: z.number().int().min(1),
  approvalSla: positiveDuration,
  complianceDeadline: positiveDuration,
  /**
   * How long BEFORE the compliance deadline each reminder goes out. A reminder that would fall at
   * or before issuance is skipped rather than rejected, so a file that only shortens the deadline
   * stays valid.
   */
  reminders: z.array(positiveDuration).max(10),
  lateComplianceGrace: durationFormat,
  /**
   * How long an order notice that SES will not accept for now (throttling, an outage) is tried
   * again, with capped exponential backoff, before its order is UNDELIVERED.
   */
  noticeRetryWindow: positiveDuration.default('PT6H'),
  /**
   * How long an UNDELIVERED order waits for staff to fix the contact and resend before its
   * compliance track ends unfined (the rest of the case never waits for it).
   */
  resendWindow: positiveDuration.default('P7D'),
  postReviewWindow: positiveDuration,
  appealWindow: positiveDuration,
  appealReviewWindow: positiveDuration,
  /**
   * How long the operator and the poster of the content may object to an order, counted from when
   * its ORDER notice was accepted for delivery (Korea: 15 days from receiving the request). After
   * the committee confirms the order, the appeal window (`appealWindow`) applies instead.
   */
  objectionWindow: positiveDuration.default('P15D'),
  /** An order the committee left undecided after the one extension: staff decide, or it is lifted. */
  unreviewedOrder: z.enum(['escalate', 'lift']).default('escalate'),
  legalBasis: z.strictObject({ ko: z.string().min(1).max(2000), en: z.string().min(1).max(2000) }),
  /**
   * Who issues the orders, as every notice names it, and where an operator's reply goes (the
   * Reply-To of every e-mail: notices are sent from an address nobody reads).
   */
  authority: z.strictObject({
    name: z.strictObject({ ko: z.string().min(1).max(200), en: z.string().min(1).max(200) }),
    replyTo: z.email(),
  }),
  fines: finesSchema,
  votes: voteRulesSchema.default(KOREAN_VOTE_RULES),
  /**
   * A post-review without a decision at its close: extended once (then `unreviewedOrder`), or at
   * once revoked (an interim direction the committee did not approve lapses) or escalated.
   */
  postReview: z.strictObject({ withoutDecision: z.enum(POST_REVIEW_WITHOUT_DECISION) }).default({ withoutDecision: 'EXTEND_ONCE' }),
  /**
   * How day-based windows (post-review, appeal, appeal review, grace) are counted: EXACT, as
   * multiples of 24 hours; KR_CIVIL_ACT, by Korea's Civil Act Arts. 157, 159 and 161 (see
   * `dayWindowEnd` in deadlines.ts). Hour-based durations such as the compliance deadline stay exact.
   */
  dayCount: z.enum(DAY_COUNTS).default('EXACT'),
  /**
   * The remedies against an order beside the committee's own objection procedure (`appealWindow`),
   * as its statement of reasons lists them (shared/domain/reasons.ts): where to go, within how long
   * of learning of the order (absent: as the law of the forum says), on what basis.
   */
  remedies: z
    .array(
      z.strictObject({
        kind: z.enum(['ADMINISTRATIVE_APPEAL', 'LITIGATION']),
        window: positiveDuration.optional(),
        body: z.strictObject({ ko: z.string().min(1).max(300), en: z.string().min(1).max(300) }),
        basis: z.strictObject({ ko: z.string().min(1).max(500), en: z.string().min(1).max(500) }),
      }),
    )
    .max(5),
  /** How long after a reinstatement instruction an operator that has not answered it is reminded, once. */
  reinstatementReminder: positiveDuration.default('P3D'),
  publicObjectionLimits: z
    .strictObject({ filingsPerAddress: rateLimitSchema, filingsPerCode: rateLimitSchema, lookupsPerAddress: rateLimitSchema })
    .default(DEFAULT_PUBLIC_OBJECTION_LIMITS),
  /**
   * How many of a PDQ hash's 256 bits may differ from a listed one for `POST /hashes/match` to
   * answer it (docs/hashes.md); 31 is PDQ's own recommended threshold.
   */
  hashMatchDistance: z.number().int().min(0).max(128).default(31),
  /** Post-monitoring of complied DELETE orders (docs/policies.md): when each URL is checked again, and how. */
  postMonitoring: z
    .strictObject({
      /** Each round's time after compliance, ascending; `[]` checks nothing. */
      checksAfter: z
        .array(positiveDuration)
        .max(10)
        .refine((after) => after.every((each, i) => i === 0 || durationToMs(each) > durationToMs(after[i - 1] as string)), {
          message: 'must be ascending, each later than the one before',
        }),
      /** How long one URL's check may take, redirects included, before it is an ERROR. */
      timeout: positiveDuration,
      maxRedirects: z.number().int().min(0).max(20),
      /** The most body bytes a GET reads (and discards) before it closes the connection. */
      maxBytes: z.number().int().min(0).max(65_536),
      /** URLs checked at once by one run of the checker. */
      concurrency: z.number().int().min(1).max(64),
    })
    .default(POST_MONITORING),
  /**
   * Where orders for URLs go that no domestic host can delete. `unclaimedHostsToIsps`: URLs on hosts
   * no registered operator claims are blocked through every ISP (Korea blocks them as it blocks
   * overseas sites) instead of waiting UNASSIGNED for staff.
   */
  routing: z.strictObject({ unclaimedHostsToIsps: z.boolean() }).default({ unclaimedHostsToIsps: false }),
});
export type Policy = z.infer<typeof policySchema>;
export type PolicyRemedy = Policy['remedies'][number];

// ---------------------------------------------------------------- built-in profiles

type PlainObject = Record<string, unknown>;
function isPlainObject(value: unknown): value is PlainObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Objects merge key by key at every depth; arrays and scalars replace. */
function mergeOver(base: PlainObject, over: PlainObject): PlainObject {
  const out: PlainObject = { ...base };
  for (const [key, value] of Object.entries(over)) {
    if (value === undefined) continue;
    const current = out[key];
    out[key] = isPlainObject(current) && isPlainObject(value) ? mergeOver(current, value) : value;
  }
  return out;
}

const KR_KCSC: Policy = {
  id: 'kr-kcsc',
  name: 'Korea: Korea Media and Communications Standards Commission (pre-deletion, post-review)',
  jurisdiction: 'KR',
  currency: 'KRW',
  timeZone: 'Asia/Seoul',
  language: 'ko',
  procedure: 'interim-then-review',
  urgentApprovals: 2,
  approvalSla: 'PT2H',
  complianceDeadline: 'PT24H',
  reminders: ['PT12H', 'PT2H'],
  lateComplianceGrace: 'P7D',
  noticeRetryWindow: 'PT6H',
  resendWindow: 'P7D',
  postReviewWindow: 'P7D',
  appealWindow: 'P15D',
  appealReviewWindow: 'P15D',
  objectionWindow: 'P15D',
  unreviewedOrder: 'escalate',
  legalBasis: {
    ko: '「정보통신망 이용촉진 및 정보보호 등에 관한 법률」 제44조의7(불법정보의 유통금지 등) 및 「전기통신사업법」 제22조의5(부가통신사업자의 불법촬영물등 유통방지)에 따른 불법촬영물등의 삭제·접속차단 요청',
    en: 'Request to delete or block illegally filmed and similar sexual content under Article 44-7 (prohibition of the distribution of illegal information) of the Act on Promotion of Information and Communications Network Utilization and Information Protection, and Article 22-5 (duty of value-added telecommunications operators to prevent the distribution of illegally filmed material) of the Telecommunications Business Act',
  },
  authority: {
    name: { ko: '방송미디어통신심의위원회', en: 'Korea Media and Communications Standards Commission' },
    replyTo: 'dsc-orders@kmcsc.example',
  },
  fines: {
    capRate: 0.03,
    weights: {
      gainObtained: 0.3,
      harmCaused: 0.2,
      harmRemedied: 0.2,
      profitMotive: 0.15,
      requestCount: 0.1,
      distributionScale: 0.05,
    },
    tierThresholds: { tier2: 1.7, tier3: 2.4 },
    tierRates: { tier1: 0.002, tier2: 0.006, tier3: 0.015 },
    lateSurchargeRatePerHour: 0.0001,
    lateSurchargeMaxHours: 168,
    defaultGrades: { gainObtained: 2, profitMotive: 2 },
    harmByCategory: {
      CHILD_SEXUAL_EXPLOITATION: 3,
      ILLEGAL_FILMING: 3,
      NON_CONSENSUAL_DISTRIBUTION: 3,
      SYNTHETIC_SEXUAL_IMAGERY: 2,
    },
    remediedPromptlyHours: 24,
    priorOrderGrades: { grade2: 1, grade3: 3 },
    urlCountGrades: { grade2: 10, grade3: 100 },
    capPeriod: 'CALENDAR_YEAR',
    opinionPeriod: 'P10D',
    administrativeAppealWindow: 'P90D',
    litigationWindow: 'P90D',
    chargeIn: 'POLICY_CURRENCY',
    exchangeRates: {},
  },
  votes: KOREAN_VOTE_RULES,
  postReview: { withoutDecision: 'EXTEND_ONCE' },
  dayCount: 'KR_CIVIL_ACT',
  remedies: [
    {
      kind: 'ADMINISTRATIVE_APPEAL',
      window: 'P90D',
      body: { ko: '중앙행정심판위원회', en: 'Central Administrative Appeals Commission' },
      basis: {
        ko: '「행정심판법」 제27조: 처분이 있음을 알게 된 날부터 90일(처분이 있었던 날부터 180일) 이내',
        en: 'Administrative Appeals Act, Article 27: within 90 days of learning of the disposition (180 days of the disposition)',
      },
    },
    {
      kind: 'LITIGATION',
      window: 'P90D',
      body: { ko: '관할 행정법원(서울행정법원)', en: 'the competent administrative court (Seoul Administrative Court)' },
      basis: {
        ko: '「행정소송법」 제20조: 처분 등이 있음을 안 날부터 90일(처분 등이 있은 날부터 1년) 이내',
        en: 'Administrative Litigation Act, Article 20: within 90 days of learning of the disposition (one year of the disposition)',
      },
    },
  ],
  reinstatementReminder: 'P3D',
  publicObjectionLimits: DEFAULT_PUBLIC_OBJECTION_LIMITS,
  hashMatchDistance: 31,
  postMonitoring: POST_MONITORING,
  routing: { unclaimedHostsToIsps: true },
};

/** Profiles other than Korea give the shape of the jurisdiction; their fine schedule is Korea's model. */
const PROFILE_OVERRIDES: Record<string, PlainObject> = {
  'eu-tco': {
    // The TCO Regulation (EU) 2021/784 covers terrorist content only; this id is kept for policy
    // files that name it, with its one-hour timings and the legal basis of `eu-dsa-9`.
    base: 'eu-dsa-9',
    id: 'eu-tco',
    name: 'European Union: one-hour removal orders on the TCO timetable (national law, DSA Art. 9)',
    complianceDeadline: 'PT1H',
    approvalSla: 'PT30M',
    reminders: ['PT30M', 'PT10M'],
  },
  'au-esafety': {
    id: 'au-esafety',
    // Only Korea blocks sites no registered operator claims through its ISPs.
    routing: { unclaimedHostsToIsps: false },
    dayCount: 'EXACT',
    name: 'Australia: eSafety Commissioner removal notices',
    jurisdiction: 'AU',
    currency: 'AUD',
    timeZone: 'Australia/Sydney',
    language: 'en',
    complianceDeadline: 'PT24H',
    authority: {
      name: { ko: '호주 eSafety 위원회(eSafety Commissioner)', en: 'eSafety Commissioner' },
      replyTo: 'removal-notices@esafety.example',
    },
    legalBasis: {
      ko: '호주 「온라인안전법 2021」(Online Safety Act 2021) 제77조에 따른 삭제 통지(동의 없이 공유된 친밀한 이미지)',
      en: 'Removal notice under section 77 of the Online Safety Act 2021 (Cth) (intimate images shared without consent)',
    },
    remedies: [
      {
        kind: 'ADMINISTRATIVE_APPEAL',
        window: 'P28D',
        body: { ko: '호주 행정심판소(Administrative Review Tribunal)', en: 'Administrative Review Tribunal' },
        basis: {
          ko: '「온라인안전법 2021」 제220조: 신청 기간은 행정심판소법에 따름(28일)',
          en: 'Online Safety Act 2021 (Cth), section 220; the application period is that of the Administrative Review Tribunal Act 2024 (28 days)',
        },
      },
    ],
  },
  'us-take-it-down': {
    id: 'us-take-it-down',
    // Only Korea blocks sites no registered operator claims through its ISPs.
    routing: { unclaimedHostsToIsps: false },
    dayCount: 'EXACT',
    name: 'United States: TAKE IT DOWN Act notice and removal',
    jurisdiction: 'US',
    currency: 'USD',
    timeZone: 'America/New_York',
    language: 'en',
    complianceDeadline: 'PT48H',
    reminders: ['PT24H', 'PT6H'],
    authority: {
      name: { ko: '미국 연방거래위원회(FTC)', en: 'Federal Trade Commission' },
      replyTo: 'take-it-down@ftc.example',
    },
    legalBasis: {
      ko: '미국 TAKE IT DOWN Act의 통지 및 삭제 절차(동의 없는 친밀한 영상물은 유효한 요청 후 48시간 이내 삭제)',
      en: 'Notice and removal under the TAKE IT DOWN Act: nonconsensual intimate visual depictions must be removed within 48 hours of a valid request',
    },
    // The Act gives no review of a removal request and no counter-notice; enforcement is the FTC's.
    remedies: [],
  },
  'eu-dsa-9': {
    id: 'eu-dsa-9',
    // Only Korea blocks sites no registered operator claims through its ISPs.
    routing: { unclaimedHostsToIsps: false },
    dayCount: 'EXACT',
    name: 'European Union: national orders against illegal sexual content (DSA Art. 9; Directive 2011/93/EU Art. 25)',
    jurisdiction: 'EU',
    currency: 'EUR',
    timeZone: 'Europe/Brussels',
    language: 'en',
    complianceDeadline: 'PT24H',
    approvalSla: 'PT2H',
    reminders: ['PT12H', 'PT2H'],
    authority: {
      name: { ko: 'EU 회원국 관할 당국(디지털서비스법 제9조 명령)', en: 'competent national authority (order under Article 9 DSA)' },
      replyTo: 'dsa-orders@authority.example',
    },
    legalBasis: {
      ko: '아동 성적 학대·착취 및 아동 성착취물 대응에 관한 지침 2011/93/EU 제25조를 이행하는 회원국 법률과 디지털서비스법(규칙 (EU) 2022/2065) 제9조(불법 콘텐츠 대응 명령)에 따른 삭제 명령',
      en: 'Order to act against illegal content under Article 9 of Regulation (EU) 2022/2065 (Digital Services Act), issued under the national law that makes the content illegal, including the law transposing Article 25 of Directive 2011/93/EU on combating the sexual abuse and sexual exploitation of children and child pornography',
    },
    remedies: [
      {
        kind: 'LITIGATION',
        body: { ko: '발령 당국 소속 회원국의 법원', en: 'the courts of the Member State of the issuing authority' },
        basis: {
          ko: '규칙(EU) 2022/2065(디지털서비스법) 제9조 제2항: 명령에는 이용할 수 있는 구제 수단이 적혀야 하며, 기간은 그 회원국 법에 따름',
          en: 'Regulation (EU) 2022/2065 (Digital Services Act), Article 9(2): the order states the redress available; the time limit is that of national law',
        },
      },
    ],
  },
  demo: {
    id: 'demo',
    base: 'kr-kcsc',
    name: 'Demonstration: the Korean profile in minutes',
    approvalSla: 'PT5M',
    complianceDeadline: 'PT5M',
    reminders: ['PT2M', 'PT1M'],
    lateComplianceGrace: 'PT3M',
    noticeRetryWindow: 'PT2M',
    resendWindow: 'PT10M',
    postReviewWindow: 'PT4M',
    appealWindow: 'PT3M',
    appealReviewWindow: 'PT3M',
    objectionWindow: 'PT5M',
    postMonitoring: { checksAfter: ['PT2M', 'PT5M', 'PT10M'] },
    // Windows of minutes: the Civil Act's days would stretch a demonstration to days.
    dayCount: 'EXACT',
  },
  'in-it-rules-9': {
    id: 'in-it-rules-9',
    // Only Korea blocks sites no registered operator claims through its ISPs.
    routing: { unclaimedHostsToIsps: false },
    name: 'India: emergency blocking by interim direction, then the committee (IT Blocking Rules 2009, Rule 9)',
    jurisdiction: 'IN',
    currency: 'INR',
    timeZone: 'Asia/Kolkata',
    language: 'en',
    dayCount: 'EXACT',
    procedure: 'interim-then-review',
    complianceDeadline: 'PT24H',
    postReviewWindow: 'PT48H',
    unreviewedOrder: 'lift',
    // Rule 9: the interim direction is revoked unless the committee approves it within 48 hours,
    // so a review that ends without an approving majority (no quorum, or a tie) lifts the order.
    postReview: { withoutDecision: 'REVOKE' },
    votes: { onTie: { POST_REVIEW: 'LIFT', PRIOR_REVIEW: 'LIFT', APPEAL: 'UPHOLD' } },
    authority: {
      name: {
        ko: '인도 전자정보기술부 지정관(Designated Officer)',
        en: 'Designated Officer, Ministry of Electronics and Information Technology',
      },
      replyTo: 'blocking-directions@meity.example',
    },
    legalBasis: {
      ko: '인도 「정보기술법 2000」 제69A조 및 「정보 접근 차단 절차·보호 규칙 2009」 제9조(긴급 시 차단)에 따른 임시 차단 지시',
      en: 'Interim direction under section 69A of the Information Technology Act, 2000 and Rule 9 (blocking of information in cases of emergency) of the Information Technology (Procedure and Safeguards for Blocking for Access of Information by Public) Rules, 2009',
    },
    remedies: [
      {
        kind: 'LITIGATION',
        body: { ko: '관할 고등법원(영장 청구)', en: 'the High Court (writ petition)' },
        basis: {
          ko: '인도 헌법 제226조: 기간은 법원이 정함',
          en: 'Constitution of India, Article 226; no fixed time limit',
        },
      },
    ],
  },
};

export const DEFAULT_POLICY_ID = 'kr-kcsc';

/** A profile merged over the profile its `base` names (Korea's when none), at any depth. */
function builtInProfile(id: string): PlainObject {
  const over = PROFILE_OVERRIDES[id];
  if (over === undefined) return KR_KCSC as unknown as PlainObject;
  const baseId = typeof over.base === 'string' && over.base !== id ? over.base : DEFAULT_POLICY_ID;
  return mergeOver(builtInProfile(baseId), over);
}

export const builtInPolicies: Record<string, Policy> = {
  [KR_KCSC.id]: policySchema.parse(KR_KCSC),
  ...Object.fromEntries(Object.keys(PROFILE_OVERRIDES).map((id) => [id, policySchema.parse(builtInProfile(id))])),
};

/** A built-in profile by id; throws PolicyError naming the known ones. */
export function policyById(id: string): Policy {
  const policy = Object.hasOwn(builtInPolicies, id) ? builtInPolicies[id] : undefined;
  if (!policy) {
    throw new PolicyError(`policy: unknown profile "${id}"; choose one of ${Object.keys(builtInPolicies).join(', ')}`, [
      { field: 'policy', message: `unknown profile "${id}"` },
    ]);
  }
  return policy;
}

function issuePath(path: readonly PropertyKey[]): string {
  return ['policy', ...path.map(String)].join('.');
}

/**
 * A complete policy from a partial one: merged over the profile named by `base` (Korea by
 * default), then validated. The PolicyError's message names every bad field.
 */
export function resolvePolicy(input: unknown): Policy {
  if (!isPlainObject(input)) {
    throw new PolicyError('policy: must be a JSON object', [{ field: 'policy', message: 'must be a JSON object' }]);
  }
  const baseId = input.base ?? DEFAULT_POLICY_ID;
  if (typeof baseId !== 'string' || !Object.hasOwn(builtInPolicies, baseId)) {
    const message = `unknown base profile ${JSON.stringify(baseId)}; choose one of ${Object.keys(builtInPolicies).join(', ')}`;
    throw new PolicyError(`policy.base: ${message}`, [{ field: 'policy.base', message }]);
  }
  const merged = mergeOver(policyById(baseId), { ...input, base: baseId });
  const result = policySchema.safeParse(merged);
  if (result.success) return result.data;

  const issues: ErrorDetail[] = result.error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ field: issuePath([...issue.path, key]), message: 'unknown key' }))
      : [{ field: issuePath(issue.path), message: issue.message }],
  );
  throw new PolicyError(`Policy is invalid: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`, issues);
}
