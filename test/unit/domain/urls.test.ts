import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkReportedUrl, MAX_URL_LENGTH } from '../../../shared/domain/urls';

describe('checkReportedUrl', () => {
  it.each([
    ['https://webhard.example/v/123', 'https://webhard.example/v/123', 'webhard.example'],
    ['HTTPS://WebHard.Example/v/123', 'https://webhard.example/v/123', 'webhard.example'],
    ['https://webhard.example', 'https://webhard.example/', 'webhard.example'],
    ['http://cdn.webhard.example:8080/a?b=1#c', 'http://cdn.webhard.example:8080/a?b=1#c', 'cdn.webhard.example'],
    ['https://한국.example/영상', 'https://xn--3e0b707e.example/%EC%98%81%EC%83%81', 'xn--3e0b707e.example'],
    ['https://webhard.example./v', 'https://webhard.example./v', 'webhard.example'],
  ])('accepts %s, stored and shown as %s', (raw, href, host) => {
    expect(checkReportedUrl(raw)).toEqual({ ok: true, href, host });
  });

  it.each([
    [
      'a line break that would forge a line in the notice',
      'https://webhard.example/v\r\nNOTICE: this order is withdrawn',
      'control character',
    ],
    ['a NUL', 'https://webhard.example/v\u0000x', 'control character'],
    ['a tab', 'https://webhard.example/\tv', 'control character'],
    ['a space', 'https://webhard.example/a b', 'whitespace'],
    ['a no-break space', 'https://webhard.example/a\u00a0b', 'whitespace'],
    ['a line separator', 'https://webhard.example/a\u2028b', 'whitespace'],
    ['a right-to-left override', 'https://webhard.example/\u202egpj.exe', 'bidirectional'],
    ['a left-to-right mark', 'https://webhard.example/\u200ev', 'bidirectional'],
    ['a zero-width space', 'https://web\u200bhard.example/v', 'zero-width'],
    ['a byte-order mark', '\ufeffhttps://webhard.example/v', 'zero-width'],
    ['userinfo hiding the real host', 'https://webhard.example@evil.example/', 'user name or password'],
    ['a password', 'https://user:secret@webhard.example/', 'user name or password'],
    ['another scheme', 'ftp://webhard.example/v', 'http:// or https://'],
    ['javascript', 'javascript:alert(1)', 'http:// or https://'],
    ['a relative URL', '/v/123', 'not an absolute URL'],
    ['no host', 'https://', 'not an absolute URL'],
    ['too long', `https://webhard.example/${'x'.repeat(MAX_URL_LENGTH)}`, 'longer than'],
  ])('refuses %s', (_what, raw, refusal) => {
    const checked = checkReportedUrl(raw);
    expect(checked.ok).toBe(false);
    if (!checked.ok) expect(checked.refusal).toContain(refusal);
  });

  it('never answers an href that holds a character a notice could be forged with', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 80 }), fc.string({ unit: 'binary', maxLength: 40 }), (path, query) => {
        const checked = checkReportedUrl(`https://webhard.example/${path}?${query}`);
        if (checked.ok) {
          // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is what this pattern is for
          expect(checked.href).not.toMatch(/[\u0000-\u001f\u007f-\u009f\s\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/u);
          expect(checked.host).toBe('webhard.example');
          // Checking what was stored gives the same: a stored URL is a fixed point.
          expect(checkReportedUrl(checked.href)).toEqual(checked);
        }
      }),
      { numRuns: 300 },
    );
  });
});
