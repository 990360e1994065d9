/**
 * The style sheets parse without a warning. A brace lost in a merge makes a browser drop every rule
 * after it without a word, and the build only warns: the screens then look wrong, nothing fails.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { transform } from 'esbuild';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(import.meta.dirname, '..', '..', '..', 'web', 'src');
const sheets = readdirSync(SRC, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.css'));

describe('web UI style sheets', () => {
  it('has style sheets to check', () => expect(sheets.length).toBeGreaterThan(0));

  it.each(sheets)('%s parses without a warning', async (sheet) => {
    const { warnings } = await transform(readFileSync(path.join(SRC, sheet), 'utf8'), { loader: 'css', sourcefile: sheet });
    expect(warnings.map((warning) => `${warning.location?.line}: ${warning.text}`)).toEqual([]);
  });
});
