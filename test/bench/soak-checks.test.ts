/** The soak figure's arithmetic: what it reports as lost, duplicated, late or growing must be right. */
import { describe, expect, it } from 'vitest';
import {
  arrivalsDue,
  killTimesMs,
  latenessStart,
  kibPerCaseFiled,
  memoryByMinute,
  noticeCopies,
  recordedMoreThanOnce,
  slopeMiBPerMinute,
  SOAK_DEFAULTS,
  soakSettings,
  SoakSettingsError,
  startupFailureReason,
} from './lib/soak-checks';

const MIB = 2 ** 20;

describe('soak settings', () => {
  it("defaults to the issue's 10 minutes at 50 cases/s with a kill every 2 minutes", () => {
    expect(soakSettings({})).toEqual({ seconds: 600, rate: 50, killEverySeconds: 120 });
    expect(soakSettings({ SOAK_SECONDS: '' })).toEqual(SOAK_DEFAULTS);
  });

  it('reads a short run from the environment', () => {
    expect(soakSettings({ SOAK_SECONDS: '60', SOAK_RATE: '12.5', SOAK_KILL_EVERY_SECONDS: '20' })).toEqual({
      seconds: 60,
      rate: 12.5,
      killEverySeconds: 20,
    });
  });

  it.each([['0'], ['-5'], ['ten'], ['Infinity']])('refuses SOAK_RATE=%s, naming the variable', (raw) => {
    expect(() => soakSettings({ SOAK_RATE: raw })).toThrow(SoakSettingsError);
    expect(() => soakSettings({ SOAK_RATE: raw })).toThrow(`SOAK_RATE must be a positive number, got "${raw}".`);
  });
});

describe('the soak schedule', () => {
  it('kills at every interval strictly inside the run', () => {
    expect(killTimesMs({ seconds: 600, rate: 50, killEverySeconds: 120 })).toEqual([120_000, 240_000, 360_000, 480_000]);
    expect(killTimesMs({ seconds: 60, rate: 50, killEverySeconds: 20 })).toEqual([20_000, 40_000]);
    expect(killTimesMs({ seconds: 60, rate: 50, killEverySeconds: 60 })).toEqual([]);
  });

  it('offers arrivals at the rate whatever the system did with them (open loop)', () => {
    expect(arrivalsDue(0, 50)).toBe(0);
    expect(arrivalsDue(-10, 50)).toBe(0);
    expect(arrivalsDue(19, 50)).toBe(0);
    expect(arrivalsDue(20, 50)).toBe(1);
    expect(arrivalsDue(600_000, 50)).toBe(30_000);
    expect(arrivalsDue(1_000, 2.5)).toBe(2);
  });
});

describe('lateness across crashes', () => {
  const outages = [{ killedAt: 10_000, restartedAt: 15_000, readyAt: 22_000 }];

  it('counts from the deadline while the runtime runs, starting up included', () => {
    expect(latenessStart(9_999, outages)).toEqual({ fromMs: 9_999, fellWhileDown: false });
    expect(latenessStart(15_000, outages)).toEqual({ fromMs: 15_000, fellWhileDown: false });
    expect(latenessStart(18_000, outages)).toEqual({ fromMs: 18_000, fellWhileDown: false });
  });

  it('counts from the moment the restart began when the deadline fell while down', () => {
    expect(latenessStart(10_000, outages)).toEqual({ fromMs: 15_000, fellWhileDown: true });
    expect(latenessStart(14_999, outages)).toEqual({ fromMs: 15_000, fellWhileDown: true });
  });
});

describe('memory over the soak', () => {
  const sample = (seconds: number, mib: number) => ({ atMs: 1_000_000 + seconds * 1000, bytes: mib * MIB });

  it('reports each minute that has samples by its mean and its largest', () => {
    const samples = [sample(0, 100), sample(30, 110), sample(70, 200), sample(190, 150)];
    expect(memoryByMinute(samples, 1_000_000)).toEqual([
      { minute: 0, meanMiB: 105, maxMiB: 110, samples: 2 },
      { minute: 1, meanMiB: 200, maxMiB: 200, samples: 1 },
      { minute: 3, meanMiB: 150, maxMiB: 150, samples: 1 },
    ]);
  });

  it('fits the slope in MiB per minute', () => {
    // Given 3 MiB more every 20 s, with noise that cancels out
    const growing = [sample(0, 100), sample(20, 104), sample(40, 106), sample(60, 108), sample(80, 113), sample(100, 115)];
    expect(slopeMiBPerMinute(growing)).toBeCloseTo(9, 0);
    expect(slopeMiBPerMinute([sample(0, 300), sample(60, 300), sample(120, 300)])).toBe(0);
  });

  it('cannot tell a slope from fewer than two samples at distinct times', () => {
    expect(slopeMiBPerMinute([])).toBeNaN();
    expect(slopeMiBPerMinute([sample(0, 100)])).toBeNaN();
    expect(slopeMiBPerMinute([sample(5, 100), sample(5, 200)])).toBeNaN();
  });

  it('puts the growth beside the cases filed in the same span, leaving out samples and cases outside it', () => {
    // Given 6 MiB a minute from 60 s to 180 s, 120 cases filed a minute then, and a warm-up before with other figures
    const samples = [sample(0, 50), sample(30, 90), sample(60, 100), sample(120, 106), sample(180, 112), sample(240, 400)];
    const filedAtMs = [
      ...Array.from({ length: 500 }, (_, i) => 1_000_000 + (i % 60) * 1000),
      ...Array.from({ length: 240 }, (_, i) => 1_000_000 + 60_000 + i * 500),
    ];

    // Then 6 MiB over 120 cases: 51 KiB a case
    expect(kibPerCaseFiled(samples, filedAtMs, 1_060_000, 1_180_000)).toBe(51);
    expect(kibPerCaseFiled(samples, [], 1_060_000, 1_180_000)).toBeNaN();
    expect(kibPerCaseFiled([sample(60, 100)], filedAtMs, 1_060_000, 1_180_000)).toBeNaN();
  });
});

describe('notice copies in the SES store', () => {
  const email = (messageId: string, subject: string, to: string[] = ['ops@webhard.example']) => ({ messageId, subject, to });

  it('counts one copy for a notice sent once', () => {
    const { copies, unrecorded } = noticeCopies([{ eventKey: 'order:O1', messageId: 'm1' }], [email('m1', '[Urgent] O1')]);
    expect(copies.get('order:O1')).toBe(1);
    expect(unrecorded).toEqual([]);
  });

  it('finds a copy sent again after a crash, though only one message id was recorded', () => {
    const { copies, unrecorded } = noticeCopies(
      [{ eventKey: 'order:O1', messageId: 'm2' }],
      [email('m1', '[Urgent] O1'), email('m2', '[Urgent] O1'), email('m3', '[Urgent] O2')],
    );
    expect(copies.get('order:O1')).toBe(2);
    expect(unrecorded).toEqual(['m3']);
  });

  it('tells notices apart by subject and by recipients (recipients in any order)', () => {
    const { copies } = noticeCopies(
      [
        { eventKey: 'overdue:O1', messageId: 'm1' },
        { eventKey: 'overdue-staff:O1', messageId: 'm2' },
      ],
      [
        email('m1', 'Order O1 is overdue'),
        email('m2', 'Order O1 is overdue', ['b@x', 'a@x']),
        email('m3', 'Order O1 is overdue', ['a@x', 'b@x']),
      ],
    );
    expect(copies.get('overdue:O1')).toBe(1);
    expect(copies.get('overdue-staff:O1')).toBe(2);
  });

  it('counts zero copies of a recorded notice whose e-mail is not in the store', () => {
    expect(noticeCopies([{ eventKey: 'order:O9', messageId: 'gone' }], []).copies.get('order:O9')).toBe(0);
  });
});

describe('a failed restart', () => {
  it("names the runtime's own reason when it printed one", () => {
    const message = [
      'The local stack exited (code 1) before it was ready. Its output:',
      'Step Functions: Resumed Step Functions executions {"count":466}',
      'Start-up failed: TimeoutError: the request socket did not establish a connection within 3000 ms.',
      '    at Timeout._onTimeout (node-http-handler/index.js:56:34)',
    ].join('\n');
    expect(startupFailureReason(message)).toBe('TimeoutError: the request socket did not establish a connection within 3000 ms.');
  });

  it('falls back to the first line', () => {
    expect(startupFailureReason('The local stack did not print "ready" within 60 s. Its output:\nnothing')).toBe(
      'The local stack did not print "ready" within 60 s. Its output:',
    );
  });
});

describe('notices an order records', () => {
  it('names an order that lists one kind of notice twice', () => {
    const orders = [
      { orderId: 'O1', notices: [{ kind: 'ORDER' }, { kind: 'OVERDUE' }] },
      { orderId: 'O2', notices: [{ kind: 'ORDER' }, { kind: 'ORDER' }, { kind: 'OVERDUE' }] },
      { orderId: 'O3', notices: [] },
    ];
    expect(recordedMoreThanOnce(orders)).toEqual(['O2 ORDER ×2']);
  });
});
