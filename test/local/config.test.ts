import { describe, expect, it } from 'vitest';
import { loadLocalConfig, StartupError } from '../../infra/local/config';

describe("npm start's settings", () => {
  it('runs 32 task Lambdas at once and refuses new cases once a task has waited 3 s, unless told otherwise', () => {
    const config = loadLocalConfig({}, '/tmp');
    expect(config.taskConcurrency).toBe(32);
    expect(config.intakeMaxTaskWaitMs).toBe(3_000);
    expect(config.sweepIntervalSeconds).toBeUndefined();
  });

  it('takes the settings from the environment', () => {
    const config = loadLocalConfig({ TASK_CONCURRENCY: '4', INTAKE_MAX_TASK_WAIT_SECONDS: '0.5', SWEEP_INTERVAL_SECONDS: '1' }, '/tmp');
    expect(config.taskConcurrency).toBe(4);
    expect(config.intakeMaxTaskWaitMs).toBe(500);
    expect(config.sweepIntervalSeconds).toBe(1);
  });

  it.each([
    ['TASK_CONCURRENCY', '0', 'TASK_CONCURRENCY=0 must be a positive whole number of task Lambdas.'],
    ['TASK_CONCURRENCY', '2.5', 'TASK_CONCURRENCY=2.5 must be a positive whole number of task Lambdas.'],
    ['INTAKE_MAX_TASK_WAIT_SECONDS', 'soon', 'INTAKE_MAX_TASK_WAIT_SECONDS=soon must be a positive number of seconds.'],
    ['INTAKE_MAX_TASK_WAIT_SECONDS', 'Infinity', 'INTAKE_MAX_TASK_WAIT_SECONDS=Infinity must be a positive number of seconds.'],
    ['SWEEP_INTERVAL_SECONDS', '-1', 'SWEEP_INTERVAL_SECONDS=-1 must be a positive number of seconds.'],
  ])('stops start-up with the setting named when %s=%s', (name, value, message) => {
    expect(() => loadLocalConfig({ [name]: value }, '/tmp')).toThrow(new StartupError(message));
  });
});
