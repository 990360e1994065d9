/**
 * Runs one figure in this process and writes its result as JSON to the given file. The runner
 * starts one such process per figure, so that each figure gets a fresh environment (some load
 * handlers in process) and a figure that hangs or crashes cannot take the others with it.
 */
import { writeFileSync } from 'node:fs';
import { FIGURES } from './figures';

const [id, outFile] = process.argv.slice(2);
const entry = FIGURES.find((candidate) => candidate.id === id);
if (!entry || !outFile) {
  console.error(`Usage: tsx test/bench/figure.ts <${FIGURES.map((f) => f.id).join('|')}> <result.json>`);
  process.exit(2);
}

// The runner sends SIGTERM when a figure overruns: exiting runs the harness's exit hook, which
// kills the stacks this figure started (each in its own process group) and removes their data.
process.once('SIGTERM', () => process.exit(143));

try {
  const figure = await entry.load();
  const { failure, ...result } = await figure.run();
  writeFileSync(outFile, JSON.stringify({ ok: failure === undefined, ...(failure === undefined ? {} : { error: failure }), ...result }));
  process.exit(0);
} catch (error) {
  writeFileSync(outFile, JSON.stringify({ ok: false, error: (error as Error)?.stack ?? String(error) }));
  process.exit(1);
}
