/**
 * The soak figure's arithmetic, free of I/O: its settings, the open-loop arrival schedule, when a
 * deadline's lateness starts counting across crashes, memory per minute and its slope, and how many
 * copies of each notice reached the SES store.
 */

export class SoakSettingsError extends Error {
  override readonly name = 'SoakSettingsError';
}

export interface SoakSettings {
  /** How long cases arrive. */
  readonly seconds: number;
  /** Arrivals per second offered, whatever the system manages. */
  readonly rate: number;
  /** A `kill -9` this often, from the start; as long as `seconds` or longer: none. */
  readonly killEverySeconds: number;
}

export const SOAK_DEFAULTS: SoakSettings = { seconds: 600, rate: 50, killEverySeconds: 120 };

function positiveNumber(env: Readonly<Record<string, string | undefined>>, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new SoakSettingsError(`${name} must be a positive number, got "${raw}".`);
  return value;
}

/** SOAK_SECONDS, SOAK_RATE and SOAK_KILL_EVERY_SECONDS, or the 10 minutes at 50 cases/s with a kill every 2 minutes. */
export function soakSettings(env: Readonly<Record<string, string | undefined>>): SoakSettings {
  return {
    seconds: positiveNumber(env, 'SOAK_SECONDS', SOAK_DEFAULTS.seconds),
    rate: positiveNumber(env, 'SOAK_RATE', SOAK_DEFAULTS.rate),
    killEverySeconds: positiveNumber(env, 'SOAK_KILL_EVERY_SECONDS', SOAK_DEFAULTS.killEverySeconds),
  };
}

/** When each `kill -9` falls, in ms from the start: every interval strictly inside the run. */
export function killTimesMs(settings: SoakSettings): number[] {
  const times: number[] = [];
  for (let at = settings.killEverySeconds; at < settings.seconds; at += settings.killEverySeconds) times.push(at * 1000);
  return times;
}

/** Open loop: how many cases should have arrived `elapsedMs` into the run, whether or not the system kept up. */
export function arrivalsDue(elapsedMs: number, rate: number): number {
  return elapsedMs <= 0 ? 0 : Math.floor((elapsedMs / 1000) * rate);
}

/** One `kill -9` and the restart after it, in ms since the epoch. */
export interface Outage {
  readonly killedAt: number;
  /** When the restart began: nothing could act on a deadline before it. */
  readonly restartedAt: number;
  /** When the runtime printed "ready". */
  readonly readyAt: number;
}

/**
 * Where an order's lateness starts: its deadline, or, when the deadline fell while the runtime was
 * down, the moment the restart began (as figure 2 counts it).
 */
export function latenessStart(deadlineMs: number, outages: readonly Outage[]): { fromMs: number; fellWhileDown: boolean } {
  const outage = outages.find((o) => deadlineMs >= o.killedAt && deadlineMs < o.restartedAt);
  return outage === undefined ? { fromMs: deadlineMs, fellWhileDown: false } : { fromMs: outage.restartedAt, fellWhileDown: true };
}

export interface RssSample {
  readonly atMs: number;
  readonly bytes: number;
}

const MIB = 2 ** 20;
const roundTenth = (value: number): number => Math.round(value * 10) / 10;

/** Resident memory by minute of the run: the mean and the largest sample of each minute that has any. */
export function memoryByMinute(
  samples: readonly RssSample[],
  startMs: number,
): { minute: number; meanMiB: number; maxMiB: number; samples: number }[] {
  const minutes = new Map<number, number[]>();
  for (const sample of samples) {
    const minute = Math.floor((sample.atMs - startMs) / 60_000);
    minutes.set(minute, [...(minutes.get(minute) ?? []), sample.bytes / MIB]);
  }
  return [...minutes.entries()]
    .sort(([a], [b]) => a - b)
    .map(([minute, values]) => ({
      minute,
      meanMiB: roundTenth(values.reduce((sum, value) => sum + value, 0) / values.length),
      maxMiB: roundTenth(Math.max(...values)),
      samples: values.length,
    }));
}

/** Least-squares slope of resident memory in MiB per minute; NaN with fewer than two samples at distinct times. */
export function slopeMiBPerMinute(samples: readonly RssSample[]): number {
  const n = samples.length;
  if (n < 2) return Number.NaN;
  const xs = samples.map((sample) => sample.atMs / 60_000);
  const ys = samples.map((sample) => sample.bytes / MIB);
  const meanX = xs.reduce((sum, x) => sum + x, 0) / n;
  const meanY = ys.reduce((sum, y) => sum + y, 0) / n;
  let covariance = 0;
  let variance = 0;
  for (let i = 0; i < n; i += 1) {
    const dx = (xs[i] as number) - meanX;
    covariance += dx * ((ys[i] as number) - meanY);
    variance += dx * dx;
  }
  return variance === 0 ? Number.NaN : roundTenth(covariance / variance);
}

/**
 * What resident memory grew by per case filed between `fromMs` and `toMs`: the slope of the
 * samples taken then, over the cases filed then, both a minute; NaN when either is unknown. A
 * soak's cases all stay open (their post-review and appeal window outlast it), so this puts the
 * slope beside the goal for an open case's memory.
 */
export function kibPerCaseFiled(samples: readonly RssSample[], filedAtMs: readonly number[], fromMs: number, toMs: number): number {
  const within = (atMs: number) => atMs >= fromMs && atMs <= toMs;
  const slope = slopeMiBPerMinute(samples.filter((sample) => within(sample.atMs)));
  const casesPerMinute = filedAtMs.filter(within).length / ((toMs - fromMs) / 60_000);
  return Number.isFinite(slope) && casesPerMinute > 0 ? Math.round((slope * 1024) / casesPerMinute) : Number.NaN;
}

/**
 * A slope this small or smaller counts as flat: 1 MiB a minute is 10 MiB over the 10
 * minutes, within what a restart or a collection moves the resident memory.
 */
export const FLAT_MIB_PER_MINUTE = 1;

/** A notice the system recorded as sent: its claim item holds the event key and SES's message id. */
export interface SentNotice {
  readonly eventKey: string;
  readonly messageId: string;
}

/** An e-mail in the SES store. */
export interface StoredCopy {
  readonly messageId: string;
  readonly subject: string;
  readonly to: readonly string[];
}

/**
 * How many e-mails in the store carry each recorded notice. A notice sent again after a crash (SES
 * answered, the process died before the message id was recorded, the claim expired) is a second
 * message with the same subject to the same recipients, and only one message id is recorded: so
 * copies are counted by subject and recipients, starting from the recorded message. 0 means the
 * recorded message is not in the store. `unrecorded`: message ids of e-mails no recorded notice
 * accounts for.
 */
export function noticeCopies(
  notices: readonly SentNotice[],
  emails: readonly StoredCopy[],
): { copies: Map<string, number>; unrecorded: string[] } {
  const identity = (email: StoredCopy): string => `${email.subject}\n${[...email.to].sort().join(',')}`;
  const byIdentity = new Map<string, StoredCopy[]>();
  const byMessageId = new Map<string, StoredCopy>();
  for (const email of emails) {
    byIdentity.set(identity(email), [...(byIdentity.get(identity(email)) ?? []), email]);
    byMessageId.set(email.messageId, email);
  }
  const copies = new Map<string, number>();
  const accounted = new Set<string>();
  for (const notice of notices) {
    const recorded = byMessageId.get(notice.messageId);
    const group = recorded === undefined ? [] : (byIdentity.get(identity(recorded)) ?? []);
    copies.set(notice.eventKey, group.length);
    for (const email of group) accounted.add(email.messageId);
  }
  return { copies, unrecorded: emails.filter((email) => !accounted.has(email.messageId)).map((email) => email.messageId) };
}

/**
 * Why a start-up failed, in one line: the runtime's own "Start-up failed" line when it printed one
 * (the harness's message carries the runtime's whole output), else the message's first line.
 */
export function startupFailureReason(message: string): string {
  const own = /^Start-up failed: (.*)$/m.exec(message)?.[1];
  return (own ?? message.split('\n')[0] ?? '').trim().slice(0, 300);
}

/** Notices an order lists more than once for one kind (`orderId kind ×n`): without a resend, each kind is sent once. */
export function recordedMoreThanOnce(orders: readonly { orderId: string; notices: readonly { kind: string }[] }[]): string[] {
  return orders.flatMap((order) => {
    const perKind = new Map<string, number>();
    for (const notice of order.notices) perKind.set(notice.kind, (perKind.get(notice.kind) ?? 0) + 1);
    return [...perKind.entries()].filter(([, count]) => count > 1).map(([kind, count]) => `${order.orderId} ${kind} ×${count}`);
  });
}
