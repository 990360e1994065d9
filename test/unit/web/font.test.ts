/**
 * The UI ships its own Korean font (web/font.ts) so that its screens read on a machine without CJK
 * fonts. Which slices the build keeps, and that they cover every character the UI itself writes
 * and every Hangul syllable a person may type: a character outside them falls back to the
 * machine's fonts, which may have none (boxes on screen).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { build } from 'esbuild';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { FONT_CSS, fontFaces, keepFace, parseUnicodeRange, subsetFontCss, type CodePointRange } from '../../../web/font';

const ROOT = path.resolve(import.meta.dirname, '..', '..', '..');
const packageCss = readFileSync(createRequire(import.meta.url).resolve(FONT_CSS), 'utf8');
const kept = fontFaces(subsetFontCss(packageCss));
const covered = (codePoint: number): boolean =>
  kept.some((face) => face.ranges.some(([first, last]) => first <= codePoint && codePoint <= last));

/** The repository files the UI is built from: web/src and the parts of shared/ it imports. */
async function uiSourceFiles(): Promise<string[]> {
  const { metafile } = await build({
    absWorkingDir: ROOT,
    entryPoints: ['web/src/main.tsx'],
    bundle: true,
    packages: 'external',
    write: false,
    metafile: true,
    outdir: 'out',
    logLevel: 'silent',
  });
  return Object.keys(metafile.inputs).filter((file) => !file.includes('node_modules'));
}

/** Text the UI can put on screen: string literals, template text and JSX text, not comments. */
function textOf(file: string): string {
  const source = readFileSync(path.join(ROOT, file), 'utf8');
  if (file.endsWith('.css')) return [...source.matchAll(/content:\s*(['"])(.*?)\1/g)].map((match) => match[2]).join('');
  const parsed = ts.createSourceFile(
    file,
    source,
    ts.ScriptTarget.Latest,
    false,
    file.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS,
  );
  const texts: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isStringLiteralLike(node) || ts.isTemplateLiteralToken(node) || ts.isJsxText(node)) texts.push(node.text);
    ts.forEachChild(node, visit);
  };
  visit(parsed);
  return texts.join('');
}

describe('the UI font', () => {
  it('keeps the Hangul, Latin and symbol slices and leaves out hanja, Cyrillic and Vietnamese', () => {
    const all = fontFaces(packageCss);
    const names = kept.map((face) => face.name);
    expect(names).toContain('noto-sans-kr-latin-wght-normal');
    expect(names).toContain('noto-sans-kr-latin-ext-wght-normal');
    expect(names).not.toContain('noto-sans-kr-cyrillic-wght-normal');
    expect(names).not.toContain('noto-sans-kr-vietnamese-wght-normal');
    // A slice of hanja alone is left out; a slice that mixes hanja with Hangul stays.
    expect(keepFace({ name: 'noto-sans-kr-[70]-wght-normal', ranges: parseUnicodeRange('U+8941,U+8944-895f'), css: '' })).toBe(false);
    expect(keepFace({ name: 'noto-sans-kr-[2]-wght-normal', ranges: parseUnicodeRange('U+d723-d728,U+f900-f909'), css: '' })).toBe(true);
    expect(kept.length).toBeGreaterThan(80);
    expect(kept.length).toBeLessThan(all.length);
    // woff2 only: no .woff fallback for browsers from before 2016.
    expect(kept.every((face) => /url\([^)]+\.woff2\)/.test(face.css) && !/\.woff\)/.test(face.css))).toBe(true);
  });

  it('covers every Hangul syllable and jamo, and printable ASCII', () => {
    const ranges: CodePointRange[] = [
      [0x20, 0x7e],
      [0xac00, 0xd7a3],
      [0x3131, 0x318e],
    ];
    const missing = ranges.flatMap(([first, last]) =>
      Array.from({ length: last - first + 1 }, (_, index) => first + index).filter((codePoint) => !covered(codePoint)),
    );
    expect(missing.map((codePoint) => `U+${codePoint.toString(16)}`)).toEqual([]);
  });

  it('covers every character the UI writes', async () => {
    const files = await uiSourceFiles();
    expect(files).toEqual(expect.arrayContaining(['web/src/i18n.ts', 'web/src/styles.css', 'shared/domain/model.ts']));
    const missing = new Map<string, string>();
    for (const file of files) {
      for (const character of textOf(file)) {
        if (/\s/.test(character) || covered(character.codePointAt(0)!)) continue;
        missing.set(`${character} U+${character.codePointAt(0)!.toString(16)}`, file);
      }
    }
    expect(Object.fromEntries(missing)).toEqual({});
  }, 30_000);
});
