/** The machine a benchmark ran on, written beside its figures: figures mean little without it. */
import os from 'node:os';

export function describeMachine(): Record<string, unknown> {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    date: new Date().toISOString(),
    // Other work on the machine slows every figure: the load says how quiet it was.
    loadAverage1mAtStart: Math.round((os.loadavg()[0] ?? 0) * 100) / 100,
  };
}
