/**
 * Free text people type, validated at the edge: a single-line field (a name, a reference) holds no
 * control, bidirectional-override or invisible character, so it cannot start a forged line or
 * make one text read as another; a multi-line field (a reason, a note, the grounds of an appeal)
 * may break lines and carry right-to-left text, but holds no other control character and no
 * override. Notices also render every such value defensively (shared/notices/templates.ts). Pure.
 */
import { z } from 'zod';

/**
 * C0 and C1 controls, DEL, the Unicode line and paragraph separators, bidirectional
 * embeddings/overrides/isolates, and invisible characters (soft hyphen, zero-width ones).
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is what this pattern is for
const NOT_IN_A_LINE = /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2069\ufeff]/u;
/** The same, but \n, \r and tabs, and the right-to-left and left-to-right marks, are text (U+2028/9 are not: one break, one way). */
const NOT_IN_TEXT =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is what this pattern is for
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u00ad\u180e\u200b-\u200d\u2028\u2029\u202a-\u202e\u2066-\u2069\u2060-\u2064\ufeff]/u;

export const singleLineText = (max: number) =>
  z
    .string()
    .max(max, `at most ${max} characters`)
    .refine(
      (value) => !NOT_IN_A_LINE.test(value),
      'must be one line of plain text: no line break, control, direction-override or invisible character',
    );

export const multiLineText = (max: number) =>
  z
    .string()
    .max(max, `at most ${max} characters`)
    .refine((value) => !NOT_IN_TEXT.test(value), 'must be plain text: no control, direction-override or invisible character');
