/**
 * The UI's own Korean font, so that its screens read the same on any machine, one without CJK
 * fonts included: Noto Sans KR as a variable font (one file per slice serves every weight the CSS
 * uses, 400 to 700), from the npm package @fontsource-variable/noto-sans-kr, bundled by Vite into
 * web/dist.
 *
 * The package splits the font into about 120 slices, each with its `unicode-range`, so a browser
 * fetches only the slices of the characters a page shows. The build keeps the slices that hold
 * Hangul, Latin, punctuation and symbols, and leaves out those that hold only Han characters
 * (hanja), Cyrillic or Vietnamese: text in those falls back to the reader's own fonts.
 */
import type { Plugin } from 'vite';

export const FONT_FAMILY = 'Noto Sans KR Variable';
/** The package's stylesheet: woff2 only, the weight axis 100 to 900, every slice. */
export const FONT_CSS = '@fontsource-variable/noto-sans-kr/wght.css';

export type CodePointRange = readonly [first: number, last: number];

/** CJK Unified Ideographs, Extension A, Compatibility Ideographs. */
const HAN: readonly CodePointRange[] = [
  [0x3400, 0x4dbf],
  [0x4e00, 0x9fff],
  [0xf900, 0xfaff],
];
const LEFT_OUT_SUBSETS = ['cyrillic', 'vietnamese'];

/** `U+0-ff,U+131` → [[0, 255], [305, 305]]. */
export function parseUnicodeRange(value: string): CodePointRange[] {
  return value.split(',').map((part) => {
    const [first, last] = part.trim().replace(/^U\+/i, '').split('-');
    const from = Number.parseInt(first ?? '', 16);
    const to = last === undefined ? from : Number.parseInt(last, 16);
    if (Number.isNaN(from) || Number.isNaN(to)) throw new Error(`Not a unicode-range: ${value}`);
    return [from, to] as const;
  });
}

export interface FontFace {
  /** The package's name for the slice, e.g. `noto-sans-kr-[12]-wght-normal` or `noto-sans-kr-latin-wght-normal`. */
  readonly name: string;
  readonly ranges: readonly CodePointRange[];
  /** The whole rule, comment included. */
  readonly css: string;
}

/** The package's `@font-face` rules, each after its `/* name *\/` comment. */
export function fontFaces(css: string): FontFace[] {
  const faces: FontFace[] = [];
  for (const match of css.matchAll(/\/\*\s*([^*]+?)\s*\*\/\s*@font-face\s*\{[^}]*\}/g)) {
    const range = /unicode-range:\s*([^;}]+)/.exec(match[0]);
    if (!range?.[1]) throw new Error(`@font-face ${match[1]} has no unicode-range`);
    faces.push({ name: match[1]!, ranges: parseUnicodeRange(range[1]), css: match[0] });
  }
  return faces;
}

const onlyHan = (ranges: readonly CodePointRange[]): boolean =>
  ranges.every(([from, to]) => HAN.some(([first, last]) => first <= from && to <= last));

export function keepFace(face: FontFace): boolean {
  if (LEFT_OUT_SUBSETS.some((subset) => face.name.includes(`-${subset}-`))) return false;
  return !onlyHan(face.ranges);
}

/** The package's stylesheet with only the kept slices; fails the build if its format changed. */
export function subsetFontCss(css: string): string {
  const faces = fontFaces(css);
  const kept = faces.filter(keepFace);
  if (faces.length < 100 || !kept.some((face) => face.name.includes('-latin-'))) {
    throw new Error(`${FONT_CSS}: expected the package's ~120 @font-face slices, found ${faces.length}; its format changed`);
  }
  return `${kept.map((face) => face.css).join('\n\n')}\n`;
}

/** Vite plugin: rewrites the package's stylesheet before Vite resolves its `url(...)`s. */
export function koreanFontSubset(): Plugin {
  return {
    name: 'korean-font-subset',
    enforce: 'pre',
    transform(code, id) {
      if (!id.split('?')[0]!.endsWith(`/${FONT_CSS}`)) return undefined;
      return { code: subsetFontCss(code), map: null };
    },
  };
}
