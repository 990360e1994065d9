// @ts-check
/**
 * `npm start`: builds the runtime if its sources changed (runtime-build.mjs) and runs the build.
 * Stack traces name the TypeScript sources through the build's source maps.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { builtRuntime } from './runtime-build.mjs';

process.setSourceMapsEnabled(true);
let outDir;
try {
  outDir = await builtRuntime();
} catch (error) {
  // esbuild has printed where each source fails to build.
  console.error(`The runtime could not be built: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
await import(pathToFileURL(path.join(outDir, 'infra', 'local', 'main.js')).href);
