import { afterEach, describe, expect, it, vi } from 'vitest';
import { Scheduler } from '../../../infra/local/stepfunctions/scheduler';

describe('Scheduler', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('fires due times in order, beyond setTimeout’s 24.8-day limit, and honours re-scheduling and cancel', () => {
    vi.useFakeTimers();
    const fired: string[] = [];
    const scheduler = new Scheduler((key) => fired.push(key));
    const day = 24 * 60 * 60 * 1000;
    scheduler.schedule('far', Date.now() + 40 * day);
    scheduler.schedule('soon', Date.now() + 1000);
    scheduler.schedule('moved', Date.now() + 500);
    scheduler.schedule('moved', Date.now() + 2000);
    scheduler.schedule('cancelled', Date.now() + 1500);
    scheduler.cancel('cancelled');

    vi.advanceTimersByTime(2000);
    expect(fired).toEqual(['soon', 'moved']);
    vi.advanceTimersByTime(40 * day);
    expect(fired).toEqual(['soon', 'moved', 'far']);
    expect(scheduler.size).toBe(0);
    scheduler.stop();
  });

  it('fires at once what is already due', () => {
    vi.useFakeTimers();
    const fired: string[] = [];
    const scheduler = new Scheduler((key) => fired.push(key));
    scheduler.schedule('past', Date.now() - 60_000);
    vi.advanceTimersByTime(0);
    expect(fired).toEqual(['past']);
    scheduler.stop();
  });
});
