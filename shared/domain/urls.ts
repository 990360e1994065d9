/**
 * A reported URL is printed in the regulator's legal notices, so what is stored must be exactly
 * what a person and a mail client will read: the WHATWG parser's normalized `href` of a URL that
 * had nothing hidden in it. Refused: control characters (a CR/LF would start a forged line in the
 * notice), whitespace, bidirectional and zero-width characters (they make one URL read as
 * another), userinfo (`https://webhard.example@evil.example/` is evil.example), schemes other than
 * http(s), and URLs without a host. Pure.
 */

export const MAX_URL_LENGTH = 2048;

/** Why a URL is refused, in words for the person who sent it. */
export type UrlRefusal = string;

/** Checked in this order: the first that matches names the problem. */
const HIDDEN: readonly [RegExp, string][] = [
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is what this pattern is for
  [/[\u0000-\u001f\u007f-\u009f]/u, 'contains a control character (such as a line break or NUL)'],
  [/[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u, 'contains a bidirectional control character'],
  [/[\u00ad\u180e\u200b-\u200d\u2060-\u2064\ufeff]/u, 'contains an invisible (zero-width) character'],
  [/[\s\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/u, 'contains whitespace'],
];

export type CheckedUrl =
  | { readonly ok: true; readonly href: string; readonly host: string }
  | { readonly ok: false; readonly refusal: UrlRefusal };

export function checkReportedUrl(raw: string): CheckedUrl {
  if (raw.length > MAX_URL_LENGTH) return { ok: false, refusal: `is longer than ${MAX_URL_LENGTH} characters` };
  for (const [pattern, refusal] of HIDDEN) if (pattern.test(raw)) return { ok: false, refusal };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, refusal: 'is not an absolute URL' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { ok: false, refusal: 'must start with http:// or https://' };
  if (url.username !== '' || url.password !== '') {
    return { ok: false, refusal: 'has a user name or password before the host (user@host), which hides the real host' };
  }
  const host = url.hostname.replace(/\.+$/, '');
  if (host === '') return { ok: false, refusal: 'has no host' };
  if (url.href.length > MAX_URL_LENGTH) return { ok: false, refusal: `is longer than ${MAX_URL_LENGTH} characters once normalized` };
  return { ok: true, href: url.href, host };
}
