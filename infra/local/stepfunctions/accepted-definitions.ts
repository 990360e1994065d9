/**
 * The definitions asl-validator has accepted on this machine, remembered across runs in a cache
 * folder: the check builds its JSON schemas anew at each call (some 0.4 s a definition), and every
 * start of `npm start` on a fresh DATA_DIR (each end-to-end test's) would otherwise pay it again for
 * the same two files. The key is the validator's version and the text, so an edited definition or
 * another validator is checked again. The cache only skips work: a file that cannot be written
 * costs the check next time, nothing more.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

export interface AcceptedDefinitions {
  has(definition: string): boolean;
  add(definition: string): void;
}

function validatorVersion(): string {
  const require = createRequire(import.meta.url);
  return (require('asl-validator/package.json') as { version: string }).version;
}

export function acceptedDefinitionsIn(dir: string): AcceptedDefinitions {
  const version = validatorVersion();
  const fileOf = (definition: string): string =>
    path.join(dir, `${createHash('sha256').update(version).update('\0').update(definition).digest('hex')}.accepted`);
  return {
    has: (definition) => existsSync(fileOf(definition)),
    add: (definition) => {
      try {
        mkdirSync(dir, { recursive: true });
        writeFileSync(fileOf(definition), '');
      } catch {
        // Read-only or full: the next start checks the definition again.
      }
    },
  };
}
