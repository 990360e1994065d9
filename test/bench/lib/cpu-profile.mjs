/**
 * Preload for profiling the runtime under a figure: Node 20 refuses `--cpu-prof` in NODE_OPTIONS,
 * so this starts V8's profiler through the inspector and writes `cpu-<pid>.cpuprofile` (open it in
 * Chrome's DevTools) to CPU_PROFILE_DIR when the process exits. Usage in docs/benchmarks.md.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import path from 'node:path';

const dir = process.env.CPU_PROFILE_DIR ?? process.cwd();
const session = new Session();
session.connect();
session.post('Profiler.enable');
session.post('Profiler.start');
process.on('exit', () => {
  // The main thread's inspector answers synchronously, so the profile is written before the process ends.
  session.post('Profiler.stop', (error, result) => {
    if (!error) writeFileSync(path.join(dir, `cpu-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
  });
});
