/**
 * Where the local runtime's files are. `npm start` runs the runtime from an esbuild build of it
 * (infra/local/runtime-build.mjs), which defines LOCAL_RUNTIME_BUILD, since a bundled module's
 * `import.meta.url` is its chunk's; the tests and tools load the TypeScript sources through tsx,
 * where it is not defined.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

declare const LOCAL_RUNTIME_BUILD: { readonly rootDir: string; readonly outDir: string } | undefined;

const build = typeof LOCAL_RUNTIME_BUILD === 'undefined' ? undefined : LOCAL_RUNTIME_BUILD;

/** The repository's root: the state machine definitions, the web UI, node_modules. */
export const ROOT_DIR = build?.rootDir ?? path.resolve(fileURLToPath(new URL('../..', import.meta.url)));

/**
 * The file that runs `source`, a TypeScript file named from the repository's root (a handler's
 * entry, the DynamoDB process): its built module under `npm start`, else the source itself.
 */
export function runtimeModulePath(source: string): string {
  return build === undefined ? path.resolve(ROOT_DIR, source) : path.join(build.outDir, source.replace(/\.ts$/, '.js'));
}
