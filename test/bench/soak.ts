/**
 * Figure 12, soak: cases arrive open-loop at SOAK_RATE a second for SOAK_SECONDS while the runtime
 * is killed with `kill -9` every SOAK_KILL_EVERY_SECONDS and restarted on the same DATA_DIR. Then
 * every case filed is looked for with its order, every notice counted in the SES store, every
 * deadline that passed checked for its enforcement, and the runtime's memory followed minute by
 * minute. A lost case, a notice missing or sent twice, or a deadline not enforced fails the figure.
 */
import type { CaseRecord, OrderRecord } from '../../shared/domain/model';
import type { LocalStack } from '../support/local-stack';
import { CLOUD_SWEEP, deadlinePolicy, ms, progress, withStack, type Figure, type FigureResult } from './lib/figure';
import {
  arrivalsDue,
  FLAT_MIB_PER_MINUTE,
  killTimesMs,
  latenessStart,
  kibPerCaseFiled,
  memoryByMinute,
  noticeCopies,
  type Outage,
  recordedMoreThanOnce,
  type RssSample,
  type SentNotice,
  slopeMiBPerMinute,
  soakSettings,
  startupFailureReason,
} from './lib/soak-checks';
import { distribution, sleep, waitFor } from './lib/stats';
import { Api, ApiError, lastApprovalAt, Mailbox, orderId, orderNoticeSentAt, runtimeRss, SEEDED_HOSTS, Table } from './lib/system';

const settings = soakSettings(process.env);
/** Short enough that deadlines fall throughout the soak, some while the runtime is down. */
const DEADLINE_SECONDS = 45;
/** How long the runtime stays down after each kill before its restart begins: deadlines fall into the gap. */
const DOWN_SECONDS = 5;
/** The generator's cap: when the system falls behind, arrivals wait in a backlog (a count) instead of piling up requests. */
const IN_FLIGHT = 100;
/** Every third case's operator reports compliance once its notice arrives; the others let the deadline pass. */
const COMPLYING_EVERY = 3;
const RSS_EVERY_MS = 10_000;
/** Memory's slope leaves out the first minutes: the runtime warms up (JIT, caches, V8's heap sizing). */
const WARM_UP_MINUTES = 2;
/** One request retried this long without landing means the system stayed unavailable: the case is reported, not hidden. */
const GIVE_UP_MS = 180_000;
/** After the arrivals: how long the notices of the last cases may take to be sent. */
const NOTICE_DRAIN_MS = 180_000;
/** A deadline that passed this long before a scan of the table must be enforced in it (the workflow's timer, else the sweeper's 60 s). */
const ENFORCEMENT_SLACK_MS = 75_000;
/** Start-ups tried after one kill before the soak gives up on the runtime. */
const RESTART_ATTEMPTS = 5;
/** Domestic hosts: their orders are binding and have a deadline (an overseas host gets a request without one). */
const HOSTS = SEEDED_HOSTS.filter((host) => host.operatorId !== 'op-overseas');
const FILER = 'staff-kim';
const APPROVERS = ['staff-lee', 'staff-park'] as const;
/** How many ids a failure message names before it only counts them. */
const NAMED_IDS = 20;

/** The system answered something that contradicts what it had already confirmed. */
class SoakInconsistencyError extends Error {
  override readonly name = 'SoakInconsistencyError';
}

/** The runtime refused the case for as long as the generator kept sending it: it was behind (admission control). */
class TurnedAwayError extends Error {
  override readonly name = 'TurnedAwayError';
}

/** A 503 with Retry-After: the runtime refused new work while behind; nothing was filed. */
function refusedWhileBehind(error: unknown): error is ApiError & { retryAfterSeconds: number } {
  return error instanceof ApiError && error.status === 503 && error.retryAfterSeconds !== undefined;
}

interface SoakCase {
  readonly index: number;
  readonly operatorId: string;
  readonly complies: boolean;
  /** When the open-loop schedule said it arrives (it may start later, from the backlog). */
  readonly arrivesAt: number;
  caseId?: string;
  /** When the system answered its filing. */
  filedAt?: number;
  /** Why the generator gave up on it: the request, and the system's last answer. */
  failure?: string;
  /** The runtime refused it (503 with Retry-After) every time it was sent, for GIVE_UP_MS. */
  turnedAway?: boolean;
}

/** A request that did not reach the system, or that the system could not serve at the moment, is sent again. */
function worthRetrying(error: unknown): boolean {
  if (error instanceof SoakInconsistencyError) return false;
  return !(error instanceof ApiError) || error.status >= 500 || error.status === 429;
}

class Generator {
  retries = 0;
  /** Filings the runtime refused while behind; each was sent again after its Retry-After. */
  refusals = 0;

  constructor(
    private readonly api: Api,
    private readonly table: Table,
  ) {}

  /** Sends until the system takes it: while the runtime is down every request fails, and the case must not be lost for that. */
  private async untilLanded<T>(what: string, send: () => Promise<T>): Promise<T> {
    const giveUpAt = Date.now() + GIVE_UP_MS;
    let pauseMs = 200;
    for (;;) {
      try {
        return await send();
      } catch (error) {
        if (!worthRetrying(error) || Date.now() > giveUpAt) {
          throw new (refusedWhileBehind(error) ? TurnedAwayError : Error)(`${what}: ${(error as Error).message}`);
        }
        if (refusedWhileBehind(error)) {
          // As a client should: back when the runtime says, and the backoff starts over.
          this.refusals += 1;
          pauseMs = 200;
          await sleep(error.retryAfterSeconds * 1000);
          continue;
        }
        this.retries += 1;
        await sleep(pauseMs);
        pauseMs = Math.min(pauseMs * 2, 2_000);
      }
    }
  }

  /** Files the case and gives it its two approvals; the same Idempotency-Key on every try. */
  async carry(soakCase: SoakCase, domain: string): Promise<string> {
    const caseId = await this.untilLanded(`filing case ${soakCase.index}`, () =>
      this.api.fileReport([`https://${domain}/bench/soak/${soakCase.index}`], FILER, `soak-${soakCase.index}`),
    );
    soakCase.caseId = caseId;
    soakCase.filedAt = Date.now();
    for (const user of APPROVERS) await this.untilLanded(`approval of ${caseId} by ${user}`, () => this.approve(caseId, user));
    return caseId;
  }

  /** A 409 after a retry means the approval landed before the crash took its answer: the case must show it. */
  private async approve(caseId: string, user: string): Promise<void> {
    try {
      await this.api.approve(caseId, [user]);
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 409)) throw error;
      const record = await this.table.caseRecord(caseId);
      if (record?.status === 'PENDING_APPROVAL' && !record.approvals.some((approval) => approval.by === user)) {
        throw new SoakInconsistencyError(`the approval of ${caseId} by ${user} answered 409, yet the case shows no approval by ${user}.`);
      }
    }
  }

  /**
   * The operator reports compliance once its order's notice is recorded sent (the SES store cannot
   * tell: it misses e-mails sent after a kill -9, see the notes); a 409 means an earlier try landed.
   */
  async comply(caseId: string, operatorId: string): Promise<void> {
    const id = orderId(caseId, operatorId);
    await waitFor(
      `the notice of ${id}`,
      async () => {
        const orders = await this.table.ordersOf(caseId).catch(() => []);
        return orders.some((order) => order.orderId === id && orderNoticeSentAt(order) !== undefined) ? true : undefined;
      },
      NOTICE_DRAIN_MS,
      3_000,
    );
    await this.untilLanded(`compliance with ${id}`, async () => {
      try {
        await this.api.request(operatorId, 'POST', `/operator/orders/${id}/compliance`, { action: 'DELETED', note: 'soak' });
      } catch (error) {
        if (!(error instanceof ApiError && error.status === 409)) throw error;
      }
    });
  }
}

/** Kills the runtime at each kill time, keeps it down a few seconds, restarts it on the same DATA_DIR. */
/**
 * Kills the runtime at each kill time, keeps it down a few seconds, restarts it on the same
 * DATA_DIR. A start-up that fails is tried again, as a supervisor would, and recorded in
 * `restartFailures`: the soak goes on, and the failure fails the figure.
 */
async function crashes(stack: LocalStack, startMs: number, outages: Outage[], restartFailures: string[]): Promise<void> {
  for (const atMs of killTimesMs(settings)) {
    await sleep(startMs + atMs - Date.now());
    const killedAt = Date.now();
    await stack.kill9();
    await sleep(DOWN_SECONDS * 1000);
    const restartedAt = Date.now();
    for (let attempt = 1; ; attempt += 1) {
      try {
        await stack.restart();
        break;
      } catch (error) {
        const failure = `start-up ${attempt} after the kill at ${Math.round(atMs / 1000)} s: ${startupFailureReason((error as Error).message)}`;
        restartFailures.push(failure);
        progress(failure);
        if (attempt >= RESTART_ATTEMPTS) throw error;
      }
    }
    outages.push({ killedAt, restartedAt, readyAt: Date.now() });
    progress(`kill -9 at ${Math.round(atMs / 1000)} s; ready ${Date.now() - restartedAt} ms after the restart began`);
  }
}

interface TableState {
  scannedAt: number;
  cases: Map<string, CaseRecord>;
  orders: Map<string, OrderRecord>;
  notices: SentNotice[];
}

async function scan(table: Table): Promise<TableState> {
  const scannedAt = Date.now();
  const items = await table.itemsWhoseSortKeyBegins(['CASE', 'ORDER#', 'NOTICE#']);
  const cases = new Map<string, CaseRecord>();
  const orders = new Map<string, OrderRecord>();
  const notices: SentNotice[] = [];
  for (const item of items) {
    const sk = String(item.sk);
    if (sk === 'CASE') {
      const record = item.record as CaseRecord;
      cases.set(record.caseId, record);
    } else if (sk.startsWith('ORDER#')) {
      const record = item.record as OrderRecord;
      orders.set(record.orderId, record);
    } else if (sk.startsWith('NOTICE#') && typeof item.messageId === 'string' && typeof item.eventKey === 'string') {
      notices.push({ eventKey: item.eventKey, messageId: item.messageId });
    }
  }
  return { scannedAt, cases, orders, notices };
}

/** Orders whose deadline passed long enough before the scan, with no compliance and no enforcement. */
function unenforced(state: TableState): OrderRecord[] {
  return [...state.orders.values()].filter(
    (order) =>
      order.deadlineAt !== undefined &&
      Date.parse(order.deadlineAt) + ENFORCEMENT_SLACK_MS <= state.scannedAt &&
      order.overdueAt === undefined &&
      order.compliedAt === undefined,
  );
}

/**
 * Scans until every deadline that has passed is enforced and each overdue order's two notices are
 * recorded sent, or until the last deadline is well past and the drain over. A `kill -9` while
 * deadlines are being enforced leaves their notices to the sweeper, which takes an act's unfinished
 * follow-ups once they are a minute old, in a sweep that may itself start a minute later: a check
 * made before that would count as missing what is only late.
 */
async function settledState(table: Table, drainUntil: number): Promise<TableState> {
  let state = await scan(table);
  const lastDeadline = Math.max(0, ...[...state.orders.values()].map((order) => Date.parse(order.deadlineAt ?? '') || 0));
  const until = Math.max(lastDeadline + ENFORCEMENT_SLACK_MS + 15_000, drainUntil);
  while (Date.now() < until) {
    const recorded = new Set(state.notices.map((notice) => notice.eventKey));
    const waiting = [...state.orders.values()].some((order) =>
      order.overdueAt === undefined
        ? order.deadlineAt !== undefined && order.compliedAt === undefined
        : !recorded.has(`overdue:${order.orderId}`) || !recorded.has(`overdue-staff:${order.orderId}`),
    );
    if (!waiting) break;
    await sleep(15_000);
    state = await scan(table);
  }
  return state;
}

const named = (ids: readonly string[]): string =>
  `${ids.slice(0, NAMED_IDS).join(', ')}${ids.length > NAMED_IDS ? ` and ${ids.length - NAMED_IDS} more` : ''}`;

export const figure: Figure = {
  run: () =>
    withStack({ policy: deadlinePolicy('kr-bench-soak', DEADLINE_SECONDS), env: CLOUD_SWEEP }, (stack) =>
      soak(stack).catch((error: unknown) => {
        // After several restarts the runtime's own words are what tells a crash of the system from one of the figure.
        throw new Error(`${(error as Error).stack ?? String(error)}\nThe runtime's last output:\n${stack.output().slice(-4000)}`);
      }),
    ),
};

async function soak(stack: LocalStack): Promise<FigureResult> {
  // Refusals are counted by the generator, which sends each again after its Retry-After.
  const api = new Api(stack, { honourRetryAfter: false });
  const table = new Table(stack);
  const mailbox = new Mailbox(stack, 250).start();
  const generator = new Generator(api, table);
  // Every user's token now: the first request of a user may otherwise fall while the runtime is down.
  for (const user of [FILER, ...APPROVERS, ...HOSTS.map((host) => host.operatorId)]) await api.request(user, 'GET', '/health');

  const cases: SoakCase[] = [];
  const carried = new Set<Promise<void>>();
  const compliances: Promise<void>[] = [];
  const outages: Outage[] = [];
  const rss: RssSample[] = [];
  let inFlight = 0;
  let largestBacklog = 0;
  let crashFailure: Error | undefined;

  const startMs = Date.now();
  const endMs = startMs + settings.seconds * 1000;
  const restartFailures: string[] = [];
  const crashing = crashes(stack, startMs, outages, restartFailures).catch((error: unknown) => {
    crashFailure = error as Error;
  });
  const sampler = setInterval(() => {
    const bytes = runtimeRss(stack);
    if (bytes !== undefined) rss.push({ atMs: Date.now(), bytes });
  }, RSS_EVERY_MS);
  const start = (index: number): void => {
    const host = HOSTS[index % HOSTS.length] as (typeof HOSTS)[number];
    const soakCase: SoakCase = {
      index,
      operatorId: host.operatorId,
      complies: index % COMPLYING_EVERY === 0,
      arrivesAt: startMs + (index / settings.rate) * 1000,
    };
    cases.push(soakCase);
    inFlight += 1;
    const work = generator
      .carry(soakCase, host.domain)
      .then((caseId) => {
        if (soakCase.complies) {
          compliances.push(
            generator.comply(caseId, soakCase.operatorId).catch((error: unknown) => {
              soakCase.failure = (error as Error).message;
            }),
          );
        }
      })
      .catch((error: unknown) => {
        if (error instanceof TurnedAwayError) soakCase.turnedAway = true;
        else soakCase.failure = (error as Error).message;
      })
      .finally(() => {
        inFlight -= 1;
        carried.delete(work);
      });
    carried.add(work);
  };

  let lastProgress = startMs;
  while (Date.now() < endMs && crashFailure === undefined) {
    const due = arrivalsDue(Date.now() - startMs, settings.rate);
    while (cases.length < due && inFlight < IN_FLIGHT) start(cases.length);
    largestBacklog = Math.max(largestBacklog, due - cases.length);
    if (Date.now() - lastProgress >= 30_000) {
      lastProgress = Date.now();
      progress(`${cases.length} cases started, ${inFlight} in flight, backlog ${due - cases.length}`);
    }
    await sleep(10);
  }
  const offered = arrivalsDue(endMs - startMs, settings.rate);
  const notStarted = offered - cases.length;
  progress(`arrivals over: ${cases.length} started of ${offered} due`);
  await crashing;
  if (crashFailure !== undefined) throw crashFailure;
  await Promise.all(carried);
  await Promise.all(compliances);

  const filed = cases.filter((soakCase): soakCase is SoakCase & { caseId: string } => soakCase.caseId !== undefined);
  const expectedOrders = filed.map((soakCase) => orderId(soakCase.caseId, soakCase.operatorId));
  const noticeDrainUntil = Date.now() + NOTICE_DRAIN_MS;
  while (Date.now() < noticeDrainUntil) {
    const { orders } = await scan(table);
    if (
      expectedOrders.every((id) => {
        const order = orders.get(id);
        return order !== undefined && orderNoticeSentAt(order) !== undefined;
      })
    )
      break;
    await sleep(15_000);
  }
  progress('every order notice recorded, or the drain is over: checking the table');
  const state = await settledState(table, noticeDrainUntil);
  clearInterval(sampler);
  await mailbox.settle();
  mailbox.stop();

  // What was filed and what the system holds.
  const lostCases = filed.filter((soakCase) => !state.cases.has(soakCase.caseId)).map((soakCase) => soakCase.caseId);
  const lostOrders = filed
    .filter((soakCase) => state.cases.has(soakCase.caseId))
    .map((soakCase) => orderId(soakCase.caseId, soakCase.operatorId))
    .filter((id) => !state.orders.has(id));
  const gaveUp = cases.filter((soakCase) => soakCase.failure !== undefined);
  const turnedAway = cases.filter((soakCase) => soakCase.turnedAway === true);
  // A refusal files nothing: every case in the table is one the generator was answered for, or one it
  // gave up on for another reason (its filing may have landed with the answer lost).
  const filedIds = new Set(filed.map((soakCase) => soakCase.caseId));
  const unknownCases = [...state.cases.keys()].filter((caseId) => !filedIds.has(caseId));

  // Each notice once per event: the order's notice for every order, the operator's and staff's overdue notices for every overdue one.
  // Sent means recorded sent (the notice's claim holds SES's message id); the SES store's copies are a cross-check only.
  const { copies, unrecorded } = noticeCopies(state.notices, mailbox.emails);
  const recorded = new Set(state.notices.map((notice) => notice.eventKey));
  const ours = expectedOrders.map((id) => state.orders.get(id)).filter((order): order is OrderRecord => order !== undefined);
  const expectedNotices = ours.flatMap((order) => [
    `order:${order.orderId}`,
    ...(order.overdueAt === undefined ? [] : [`overdue:${order.orderId}`, `overdue-staff:${order.orderId}`]),
  ]);
  const missingNotices = expectedNotices.filter((eventKey) => !recorded.has(eventKey));
  const notInStore = state.notices.filter((notice) => (copies.get(notice.eventKey) ?? 0) === 0).length;
  const duplicateNotices = [
    ...recordedMoreThanOnce(ours),
    ...[...copies.entries()].filter(([, count]) => count > 1).map(([eventKey, count]) => `${eventKey} ×${count} in the SES store`),
  ];
  const notEnforced = unenforced(state).map((order) => order.orderId);

  // Deadlines: lateness counted from the deadline, or from the restart when it fell while the runtime was down.
  const lateness = ours
    .filter((order) => order.overdueAt !== undefined && order.deadlineAt !== undefined)
    .map((order) => {
      const from = latenessStart(Date.parse(order.deadlineAt as string), outages);
      return { ms: Date.parse(order.overdueAt as string) - from.fromMs, fellWhileDown: from.fellWhileDown };
    });
  const compliedLateBeforeEnforcement = ours.filter(
    (order) =>
      order.overdueAt === undefined &&
      order.compliedAt !== undefined &&
      order.deadlineAt !== undefined &&
      Date.parse(order.compliedAt) > Date.parse(order.deadlineAt),
  ).length;

  // Time to notice: from the last approval (the system's own path), and from the scheduled arrival (what the backlog adds).
  const arrivalOf = new Map(filed.map((soakCase) => [soakCase.caseId, soakCase.arrivesAt]));
  const noticeTimes = ours.flatMap((order) => {
    const sentAt = orderNoticeSentAt(order);
    const record = state.cases.get(order.caseId);
    return sentAt === undefined || record === undefined
      ? []
      : [{ sentAt, fromApproval: sentAt - lastApprovalAt(record), fromArrival: sentAt - (arrivalOf.get(order.caseId) ?? sentAt) }];
  });
  const noticedInWindow = noticeTimes.filter((time) => time.sentAt <= endMs).length;
  const achievedRate = Math.round((noticedInWindow / settings.seconds) * 10) / 10;
  // Backlog included: every case filed over the time until the last one's notice.
  const lastNoticeAt = Math.max(startMs, ...noticeTimes.map((time) => time.sentAt));
  const drainedRate = Math.round((noticeTimes.length / ((lastNoticeAt - startMs) / 1000)) * 10) / 10;
  const noticesPerMinute = Array.from(
    { length: Math.ceil(settings.seconds / 60) },
    (_, minute) => noticeTimes.filter((time) => Math.floor((time.sentAt - startMs) / 60_000) === minute).length,
  );

  // Memory: per minute, the slope after the warm-up, and each life of the process between kills.
  const warmedUpAt = startMs + WARM_UP_MINUTES * 60_000;
  const slope = slopeMiBPerMinute(rss.filter((sample) => sample.atMs >= warmedUpAt));
  const perCaseFiled = kibPerCaseFiled(
    rss,
    filed.flatMap((soakCase) => soakCase.filedAt ?? []),
    warmedUpAt,
    endMs,
  );
  const lifeBounds = [startMs, ...outages.map((outage) => outage.readyAt)];
  const lives = lifeBounds.map((from, life) => {
    const to = outages[life]?.killedAt ?? Number.POSITIVE_INFINITY;
    const samples = rss.filter((sample) => sample.atMs >= from && sample.atMs < to);
    const mib = (sample: RssSample | undefined) => (sample === undefined ? undefined : Math.round((sample.bytes / 2 ** 20) * 10) / 10);
    return {
      life,
      samples: samples.length,
      firstMiB: mib(samples[0]),
      lastMiB: mib(samples.at(-1)),
      slopeMiBPerMinute: slopeMiBPerMinute(samples),
    };
  });
  const flat = Number.isFinite(slope) ? (Math.abs(slope) <= FLAT_MIB_PER_MINUTE ? 'flat' : 'not flat') : 'too short to tell';

  const fromApproval = distribution(noticeTimes.map((time) => time.fromApproval));
  const fromArrival = distribution(noticeTimes.map((time) => time.fromArrival));
  const whileRunning = distribution(lateness.filter((l) => !l.fellWhileDown).map((l) => l.ms));
  const whileDown = distribution(lateness.filter((l) => l.fellWhileDown).map((l) => l.ms));
  const problems = [
    restartFailures.length > 0 ? `${restartFailures.length} restart(s) failed:\n${restartFailures.join('\n')}` : '',
    lostCases.length > 0 ? `${lostCases.length} case(s) lost: ${named(lostCases)}` : '',
    lostOrders.length > 0 ? `${lostOrders.length} order(s) missing: ${named(lostOrders)}` : '',
    missingNotices.length > 0 ? `${missingNotices.length} notice(s) never recorded sent: ${named(missingNotices)}` : '',
    duplicateNotices.length > 0 ? `${duplicateNotices.length} notice(s) sent more than once: ${named(duplicateNotices)}` : '',
    notEnforced.length > 0 ? `${notEnforced.length} deadline(s) passed without enforcement: ${named(notEnforced)}` : '',
    unknownCases.length > gaveUp.length
      ? `${unknownCases.length} case(s) in the table the generator was never answered for, more than the ${gaveUp.length} it gave up on: a refused filing filed something: ${named(unknownCases)}`
      : '',
    gaveUp.length > 0
      ? `${gaveUp.length} case(s) the system did not take within ${GIVE_UP_MS / 1000} s of retries: ${named(gaveUp.map((c) => `#${c.index} (${c.failure})`))}`
      : '',
  ].filter((problem) => problem !== '');

  return {
    summary:
      `${filed.length} cases in ${settings.seconds} s (offered ${settings.rate}/s, achieved ${achievedRate}/s in the window and ${drainedRate}/s until the last notice, ${notStarted} never started), ` +
      `${turnedAway.length} turned away after ${GIVE_UP_MS / 1000} s of refusals (${generator.refusals} refusals with Retry-After), ` +
      `${outages.length} kill -9; lost ${lostCases.length + lostOrders.length}, notices missing ${missingNotices.length}, duplicated ${duplicateNotices.length}, ` +
      `deadlines unenforced ${notEnforced.length}; approval → notice p50 ${ms(fromApproval.p50)}, p99 ${ms(fromApproval.p99)}; ` +
      `lateness p50 ${ms(whileRunning.p50)}, p99 ${ms(whileRunning.p99)} (fell while down: p50 ${ms(whileDown.p50)}, p99 ${ms(whileDown.p99)}); ` +
      `RSS ${Number.isFinite(slope) ? `${slope} MiB/min after ${WARM_UP_MINUTES} min` : 'n/a'} (${flat}), ` +
      `${Number.isFinite(perCaseFiled) ? `${perCaseFiled} KiB per case filed` : 'per case filed n/a'}`,
    details: {
      settings,
      deadlineSeconds: DEADLINE_SECONDS,
      downSecondsPerKill: DOWN_SECONDS,
      inFlightCap: IN_FLIGHT,
      arrivals: { offered, started: cases.length, filed: filed.length, notStarted, largestBacklog, turnedAway: turnedAway.length },
      admission: { refusals: generator.refusals, turnedAway: turnedAway.length, casesNotAnsweredFor: unknownCases.length },
      achievedCasesPerSecond: achievedRate,
      casesPerSecondUntilLastNotice: drainedRate,
      lastNoticeAfterStartS: Math.round((lastNoticeAt - startMs) / 100) / 10,
      noticesPerMinute,
      requestRetries: generator.retries,
      restartFailures,
      outages: outages.map((outage) => ({
        killedAtS: Math.round((outage.killedAt - startMs) / 100) / 10,
        restartToReadyMs: outage.readyAt - outage.restartedAt,
      })),
      lost: { cases: lostCases, orders: lostOrders, gaveUp: gaveUp.map((c) => ({ index: c.index, caseId: c.caseId, failure: c.failure })) },
      notices: {
        expected: expectedNotices.length,
        recorded: state.notices.length,
        emailsInStore: mailbox.emails.length,
        recordedButNotInStore: notInStore,
        missing: missingNotices,
        duplicated: duplicateNotices,
        unrecordedEmails: unrecorded.length,
      },
      deadlines: {
        orders: ours.length,
        overdue: ours.filter((order) => order.overdueAt !== undefined).length,
        complied: ours.filter((order) => order.compliedAt !== undefined).length,
        compliedLateBeforeEnforcement,
        unenforced: notEnforced,
        latenessWhileRunningMs: whileRunning,
        latenessFellWhileDownFromRestartMs: whileDown,
      },
      timeToNoticeMs: { fromLastApproval: fromApproval, fromScheduledArrival: fromArrival },
      memory: {
        byMinute: memoryByMinute(rss, startMs),
        slopeMiBPerMinuteAfterWarmUp: slope,
        verdict: flat,
        kibPerCaseFiled: perCaseFiled,
        lives,
      },
    },
    notes: [
      `Open loop: case i is due ${1000 / settings.rate} ms × i after the start; at most ${IN_FLIGHT} in flight, the rest wait as a backlog (largestBacklog) and those still waiting when the arrivals end are never filed (notStarted).`,
      `Admission control: while the runtime is behind it answers a filing 503 with Retry-After and files nothing; the generator sends it again after that many seconds, and a case refused for ${GIVE_UP_MS / 1000} s is turned away (counted, not a failure: the client was told). A case in the table the generator was never answered for, beyond those it gave up on, fails the figure.`,
      'A case: POST /reports with an Idempotency-Key, two approvals; every third operator reports compliance once its notice is in the store. Every request is retried until it lands (same key; a 409 on a retried approval is checked against the case).',
      `kill -9 of the whole runtime, ${DOWN_SECONDS} s down, restart on the same DATA_DIR. Lateness = overdueAt minus the deadline, or minus the moment the restart began when the deadline fell while down.`,
      "A notice counts as sent when its claim item holds SES's message id (one per event key) and its order lists it once per kind. The SES emulator's store is a cross-check only: e-mails sent after a kill -9 restart do not reach it (recordedButNotInStore; reproduced with one SendEmail after kill -9 and restart), so it cannot prove each notice went out once. Where copies do reach it, more than one copy of a notice (same subject and recipients) counts as a duplicate.",
      `Memory: the runtime's VmRSS every ${RSS_EVERY_MS / 1000} s; the slope is a least-squares fit after the first ${WARM_UP_MINUTES} minutes, across restarts (each restart starts a fresh process: see lives). Flat: at most ${FLAT_MIB_PER_MINUTE} MiB a minute. Every case stays open through the soak (its post-review and appeal window last days), so an open case's memory adds to the slope: KiB per case filed is the slope from the warm-up to the end of the arrivals over the cases filed then, beside the goal of 30 KB per open case; across restarts it reads low, as each restart starts a fresh process.`,
    ],
    ...(problems.length === 0 ? {} : { failure: problems.join('\n') }),
  };
}
