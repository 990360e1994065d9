/**
 * Free text people type (shared/domain/text.ts): a single-line field holds no line break,
 * control, direction-override or invisible character; a multi-line field may break lines and
 * carry right-to-left text, but holds no other control character and no override.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { appealRequestSchema, complianceRequestSchema, operatorInputSchema, reportRequestSchema } from '../../../shared/domain/model';
import { multiLineText, singleLineText } from '../../../shared/domain/text';

const single = singleLineText(200);
const multi = multiLineText(2000);

/** Characters neither kind of field holds: C0 controls other than line breaks and tab, DEL, C1, overrides, invisibles. */
const NEVER: [string, string][] = [
  ['NUL', '\u0000'],
  ['a bell', '\u0007'],
  ['a vertical tab', '\u000b'],
  ['a form feed', '\u000c'],
  ['an escape (terminal sequences)', '\u001b[31m'],
  ['DEL', '\u007f'],
  ['a C1 control (NEL)', '\u0085'],
  ['a right-to-left override', '\u202e'],
  ['a left-to-right embedding', '\u202a'],
  ['a right-to-left isolate', '\u2067'],
  ['a pop-directional isolate', '\u2069'],
  ['a zero-width space', '\u200b'],
  ['a zero-width joiner', '\u200d'],
  ['a word joiner', '\u2060'],
  ['an invisible separator', '\u2063'],
  ['a byte-order mark', '\ufeff'],
];

/** Characters a multi-line field holds but a single line does not. */
const LINE_BREAKS_AND_MARKS: [string, string][] = [
  ['a line feed', '\n'],
  ['a carriage return and line feed', '\r\n'],
  ['a tab', '\t'],
  ['a right-to-left mark', '\u200f'],
  ['a left-to-right mark', '\u200e'],
  ['an Arabic letter mark', '\u061c'],
];

describe('singleLineText', () => {
  it.each([
    ['a plain name', 'Webhard Co.'],
    ['Korean', '웹하드 주식회사'],
    ['Arabic (right-to-left script, no control)', 'شركة الويب'],
    ['punctuation and an e-mail-like text', "O'Brien & Sons <legal@webhard.example>"],
    ['the empty string', ''],
    ['exactly the maximum length', 'x'.repeat(200)],
  ])('accepts %s', (_label, value) => {
    // When / Then
    expect(single.safeParse(value)).toEqual({ success: true, data: value });
  });

  it.each([...NEVER, ...LINE_BREAKS_AND_MARKS])('refuses %s, saying it must be one line of plain text', (_label, character) => {
    // Given a name with the character in the middle
    const result = single.safeParse(`Webhard${character}Co.`);
    // Then it is refused with the reason
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(/one line of plain text/);
  });

  it('refuses more than the maximum length', () => {
    expect(single.safeParse('x'.repeat(201)).error?.issues[0]?.message).toBe('at most 200 characters');
  });

  // BUG (shared/domain/text.ts, NOT_IN_A_LINE): U+2028 LINE SEPARATOR and U+2029 PARAGRAPH SEPARATOR
  // are line breaks (mail clients, browsers' innerText and JavaScript itself break lines on them),
  // but the single-line class does not hold them, so a "single-line" name can span lines.
  // urls.ts refuses them (as whitespace); templates.ts oneLine strips them (\p{Zl}\p{Zp}).
  it.each([
    ['a line separator', '\u2028'],
    ['a paragraph separator', '\u2029'],
  ])('refuses %s, a line break by another name', (_label, character) => {
    expect(single.safeParse(`Webhard${character}Deadline: 2099-01-01`).success).toBe(false);
  });

  it('accepts any text without a refused character, and refuses any text with one (property)', () => {
    const refused = [...NEVER, ...LINE_BREAKS_AND_MARKS].map(([, character]) => character);
    const plain = fc.string({ unit: fc.constantFrom(...'abcXYZ 0189-_.,가나다é'), maxLength: 50 });
    fc.assert(
      fc.property(plain, plain, fc.constantFrom(...refused), (before, after, character) => {
        expect(single.safeParse(`${before}${after}`).success).toBe(true);
        expect(single.safeParse(`${before}${character}${after}`.slice(0, 200)).success).toBe(false);
      }),
    );
  });
});

describe('multiLineText', () => {
  it.each([
    ['plain text', 'The content was removed from all mirrors.'],
    ...LINE_BREAKS_AND_MARKS.map(([label, character]): [string, string] => [label, `first${character}second`]),
    ['right-to-left text with its marks', 'تمت إزالة المحتوى\u200f.'],
    ['exactly the maximum length', 'x'.repeat(2000)],
  ])('accepts %s', (_label, value) => {
    expect(multi.safeParse(value)).toEqual({ success: true, data: value });
  });

  it.each(NEVER)('refuses %s, saying it must be plain text', (_label, character) => {
    // Given a note with the character
    const result = multi.safeParse(`removed${character}from all mirrors`);
    // Then it is refused with the reason
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(/plain text/);
  });

  it('refuses more than the maximum length', () => {
    expect(multi.safeParse('x'.repeat(2001)).error?.issues[0]?.message).toBe('at most 2000 characters');
  });
});

describe('the request schemas use them', () => {
  const operator = {
    name: 'Webhard Co.',
    domains: ['webhard.example'],
    contactEmails: ['notices@webhard.example'],
    jurisdiction: 'DOMESTIC',
    annualRevenue: 1,
    currency: 'KRW',
  };
  const report = {
    urls: ['https://webhard.example/v/1'],
    category: 'ILLEGAL_FILMING',
    reporter: { kind: 'SUPPORT_CENTER', reference: 'SC-2026-0042' },
    victimConsent: true,
  };

  it.each([
    ['an operator name with a line break', operatorInputSchema, { ...operator, name: 'Webhard\r\nCo.' }, 'name'],
    ['an operator name with a right-to-left override', operatorInputSchema, { ...operator, name: 'Webhard \u202eoC' }, 'name'],
    [
      'a reporter reference with a line break',
      reportRequestSchema,
      { ...report, reporter: { kind: 'SUPPORT_CENTER', reference: 'SC-1\nSC-2' } },
      'reporter.reference',
    ],
    ['a summary with an override', reportRequestSchema, { ...report, summary: 'filmed \u202egpj.exe' }, 'summary'],
    ['a compliance note with an escape sequence', complianceRequestSchema, { action: 'DELETED', note: 'done \u001b[2J' }, 'note'],
    ['appeal grounds with a zero-width space', appealRequestSchema, { grounds: 'The uploader holds a li\u200bcence.' }, 'grounds'],
  ] as const)('refuses %s, naming the field', (_label, schema, body, field) => {
    const result = schema.safeParse(body);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path.join('.'))).toContain(field);
  });

  it.each([
    ['a multi-line compliance note', complianceRequestSchema, { action: 'DELETED', note: 'Removed:\n- mirror 1\n- mirror 2' }],
    ['multi-line appeal grounds in Korean', appealRequestSchema, { grounds: '업로더가 이용 허락을 받았습니다.\n계약서를 첨부합니다.' }],
    ['a report with a multi-line summary', reportRequestSchema, { ...report, summary: 'first line\r\nsecond line' }],
  ] as const)('accepts %s', (_label, schema, body) => {
    expect(schema.safeParse(body).success).toBe(true);
  });
});
