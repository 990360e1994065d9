/**
 * The hand-picked half of the bad-input corpus: the hostile cases a person would try on purpose
 * (a URL that forges a line of the notice, a user name hiding the real host, direction overrides,
 * zero-width characters, NUL, other schemes; public suffixes as operator domains; forged fields;
 * malformed JSON; bad headers; bad path ids), each with the answer CONTRACT.md section 3 gives it.
 */
import { reportRequestSchema } from '../../../shared/domain/model';
import { MAX_URL_LENGTH } from '../../../shared/domain/urls';
import {
  VALID_APPEAL,
  VALID_FINE_OPINION,
  VALID_APPROVAL,
  VALID_COMPLIANCE,
  VALID_DECISION,
  VALID_OPERATOR,
  VALID_PATCH,
  VALID_RECUSAL,
  VALID_REPORT,
  VALID_VOTE,
  bodyRoute,
  idRoute,
} from './routes';
import type { BadKind, BadRequest, Expected } from './types';

const V400 = (field?: string, detailIncludes?: string): Expected => ({
  status: 400,
  code: 'VALIDATION_FAILED',
  ...(field === undefined ? {} : { field }),
  ...(detailIncludes === undefined ? {} : { detailIncludes }),
});
const N404: Expected = { status: 404, code: 'NOT_FOUND' };
const C409: Expected = { status: 409, code: 'CONFLICT' };

const report = (extra: Record<string, unknown>): Record<string, unknown> => ({ ...VALID_REPORT, ...extra });

// ------------------------------------------------------------------------- hostile reported URLs

/** Each is sent second of three URLs, so `details` must name `urls.1` and quote it. */
const HOSTILE_URLS: readonly [string, string][] = [
  ['CRLF forging a Bcc line in the notice', 'https://webhard.example/v/1\r\nBcc: attacker@evil.example'],
  ['CRLF forging a body line in the notice', 'https://webhard.example/v/1\r\n\r\nThis order is withdrawn; ignore it.'],
  ['a bare LF', 'https://webhard.example/v/1\nhttps://evil.example/'],
  ['a bare CR', 'https://webhard.example/v/1\rhttps://evil.example/'],
  ['a trailing LF', 'https://webhard.example/v/1\n'],
  ['userinfo hiding the real host', 'https://webhard.example@evil.example/'],
  ['userinfo with a password', 'https://user:secret@webhard.example/v/1'],
  ['an empty password', 'https://webhard.example:@evil.example/v/1'],
  ['a right-to-left override in the path', 'https://webhard.example/v/\u202Egpj.exe'],
  ['a right-to-left override in the host', 'https://evil.example\u202E/elpmaxe.drahbew'],
  ['a left-to-right embedding', 'https://webhard.example/\u202Av/1'],
  ['a first-strong isolate', 'https://webhard.example/\u2068v/1\u2069'],
  ['an Arabic letter mark', 'https://webhard.example/v/\u061C1'],
  ['a right-to-left mark', 'https://webhard.example/v/1\u200F'],
  ['a zero-width space in the host', 'https://web\u200Bhard.example/v/1'],
  ['a zero-width joiner', 'https://webhard.example/v/\u200D1'],
  ['a zero-width non-joiner', 'https://webhard.example/v\u200C/1'],
  ['a byte-order mark in front', '\uFEFFhttps://webhard.example/v/1'],
  ['a word joiner', 'https://webhard.example/v/1\u2060'],
  ['a soft hyphen in the host', 'https://web\u00ADhard.example/v/1'],
  ['a Mongolian vowel separator', 'https://webhard.example/\u180Ev/1'],
  ['a NUL', 'https://webhard.example/v/1\u0000.jpg'],
  ['a DEL', 'https://webhard.example/v/1\u007F'],
  ['a C1 next-line (NEL)', 'https://webhard.example/v/1\u0085evil'],
  ['an escape sequence', 'https://webhard.example/\u001B[31mv/1'],
  ['a tab', 'https://webhard.example/v/\t1'],
  ['a space', 'https://webhard.example/v/ 1'],
  ['a leading space', ' https://webhard.example/v/1'],
  ['a no-break space', 'https://webhard.example/v/\u00A01'],
  ['a line separator', 'https://webhard.example/v/1\u2028'],
  ['a paragraph separator', 'https://webhard.example/v/1\u2029'],
  ['an ideographic space', 'https://webhard.example/v/\u30001'],
  ['javascript:', 'javascript:alert(document.cookie)'],
  ['file:', 'file:///etc/passwd'],
  ['ftp:', 'ftp://webhard.example/v/1'],
  ['data:', 'data:text/html,<script>alert(1)</script>'],
  ['mailto:', 'mailto:notices@webhard.example'],
  ['ws:', 'ws://webhard.example/v/1'],
  ['a scheme-relative URL', '//webhard.example/v/1'],
  ['a URL without a scheme', 'webhard.example/v/1'],
  ['a path only', '/v/1'],
  ['an empty string', ''],
  ['no host (just dots)', 'https://./v/1'],
  ['a port out of range', 'https://webhard.example:99999/v/1'],
  ['a broken IPv6 host', 'http://[::1/v/1'],
  ['a URL one character over the limit', `https://webhard.example/${'a'.repeat(MAX_URL_LENGTH + 1 - 'https://webhard.example/'.length)}`],
];

const hostileUrlCases: BadRequest[] = HOSTILE_URLS.map(([what, url]) => ({
  name: `POST /reports hostile URL: ${what}`,
  route: 'POST /reports',
  kind: 'hostile URL',
  origin: 'hand-picked',
  user: 'staff-kim',
  method: 'POST',
  path: '/reports',
  body: report({ urls: ['https://webhard.example/v/ok-0', url, 'https://social.example/p/ok-2'] }),
  expected: V400('urls.1', JSON.stringify(url.slice(0, 120))),
  schemaCheck: { schema: reportRequestSchema, valid: false },
}));

// ------------------------------------------------------------------------- body cases per route

interface BodyCase {
  readonly what: string;
  readonly kind: BadKind;
  readonly body?: unknown;
  readonly rawBody?: string;
  readonly expected: Expected;
  readonly headers?: Record<string, string>;
  /** The schema accepts the body (the refusal comes from a rule beyond it); default false. */
  readonly schemaValid?: boolean;
}

function bodyCases(route: string, cases: readonly BodyCase[], overrides: { path?: string; user?: string } = {}): BadRequest[] {
  const target = bodyRoute(route);
  return cases.map((c) => ({
    name: `${route} ${c.what}`,
    route,
    kind: c.kind,
    origin: 'hand-picked',
    user: overrides.user ?? target.user,
    method: target.method,
    path: overrides.path ?? target.path,
    ...(c.body === undefined ? {} : { body: c.body }),
    ...(c.rawBody === undefined ? {} : { rawBody: c.rawBody }),
    ...(c.headers === undefined ? {} : { headers: c.headers }),
    expected: c.expected,
    ...(c.rawBody === undefined && c.body !== undefined ? { schemaCheck: { schema: target.schema, valid: c.schemaValid === true } } : {}),
  }));
}

/** Malformed JSON and bodies that are not objects: every body route gets these. */
const MALFORMED: readonly [string, string, string | undefined][] = [
  ['a truncated object', '{"urls": [', undefined],
  ['a single quote JSON', "{'decision': 'APPROVE'}", undefined],
  ['a trailing comma', '{"decision":"APPROVE",}', undefined],
  ['a byte-order mark before JSON', '\uFEFF{"decision":"APPROVE"}', undefined],
  ['JSON followed by garbage', '{"decision":"APPROVE"} trailing', undefined],
  ['form encoding', 'decision=APPROVE&reason=x', undefined],
  ['the JSON literal null', 'null', '(body)'],
  ['a JSON array', '[{"decision":"APPROVE"}]', '(body)'],
  ['an empty body', '', undefined],
];

const malformedFor = (route: string, picks: readonly number[]): BodyCase[] =>
  picks.map((index) => {
    const [what, rawBody, field] = MALFORMED[index] as [string, string, string | undefined];
    // An empty body is read as `{}`: every required field is then missing.
    if (rawBody === '') {
      const first = bodyRoute(route).fields.find((spec) => spec.required);
      return { what: `malformed JSON: ${what}`, kind: 'malformed JSON', rawBody, expected: V400(first?.name ?? '(body)') };
    }
    return { what: `malformed JSON: ${what}`, kind: 'malformed JSON', rawBody, expected: V400(field) };
  });

const reportCases = bodyCases('POST /reports', [
  { what: 'unknown field isAdmin', kind: 'unknown field', body: report({ isAdmin: true }), expected: V400('(body)') },
  { what: 'forged status field', kind: 'unknown field', body: report({ status: 'ORDERS_ISSUED' }), expected: V400('(body)') },
  { what: 'forged createdBy field', kind: 'unknown field', body: report({ createdBy: 'staff-lee' }), expected: V400('(body)') },
  {
    what: 'unknown field in reporter',
    kind: 'unknown field',
    body: report({ reporter: { kind: 'VICTIM', name: 'Kim' } }),
    expected: V400('reporter'),
  },
  {
    what: '__proto__ key (prototype pollution attempt)',
    kind: 'unknown field',
    rawBody: JSON.stringify(report({})).replace(/^\{/, '{"__proto__":{"isAdmin":true},'),
    expected: V400('(body)'),
  },
  {
    what: 'constructor.prototype key',
    kind: 'unknown field',
    body: report({ constructor: { prototype: { isAdmin: true } } }),
    expected: V400('(body)'),
  },
  { what: 'category in lower case', kind: 'invalid enum', body: report({ category: 'illegal_filming' }), expected: V400('category') },
  { what: 'category SPAM', kind: 'invalid enum', body: report({ category: 'SPAM' }), expected: V400('category') },
  { what: 'category as an array', kind: 'wrong type', body: report({ category: ['ILLEGAL_FILMING'] }), expected: V400('category') },
  { what: 'reporter kind ALIEN', kind: 'invalid enum', body: report({ reporter: { kind: 'ALIEN' } }), expected: V400('reporter.kind') },
  { what: 'reporter as a string', kind: 'wrong type', body: report({ reporter: 'VICTIM' }), expected: V400('reporter') },
  { what: 'reporter missing', kind: 'missing field', body: report({ reporter: undefined }), expected: V400('reporter') },
  {
    what: 'reporter reference with CRLF',
    kind: 'forbidden character',
    body: report({ reporter: { kind: 'POLICE', reference: 'case 12\r\nBcc: x@evil.example' } }),
    expected: V400('reporter.reference'),
  },
  {
    what: 'reporter reference with a right-to-left override',
    kind: 'forbidden character',
    body: report({ reporter: { kind: 'POLICE', reference: 'ref-\u202E321' } }),
    expected: V400('reporter.reference'),
  },
  {
    what: 'reporter reference of 201 characters',
    kind: 'too long',
    body: report({ reporter: { kind: 'POLICE', reference: 'r'.repeat(201) } }),
    expected: V400('reporter.reference'),
  },
  { what: 'victimConsent "true" (a string)', kind: 'wrong type', body: report({ victimConsent: 'true' }), expected: V400('victimConsent') },
  { what: 'victimConsent 1', kind: 'wrong type', body: report({ victimConsent: 1 }), expected: V400('victimConsent') },
  { what: 'victimConsent null', kind: 'wrong type', body: report({ victimConsent: null }), expected: V400('victimConsent') },
  { what: 'summary of 2001 characters', kind: 'too long', body: report({ summary: 's'.repeat(2001) }), expected: V400('summary') },
  { what: 'summary with a NUL', kind: 'forbidden character', body: report({ summary: 'before\u0000after' }), expected: V400('summary') },
  {
    what: 'summary with a right-to-left override',
    kind: 'forbidden character',
    body: report({ summary: 'see \u202Efdp.exe' }),
    expected: V400('summary'),
  },
  {
    what: 'summary with a zero-width space',
    kind: 'forbidden character',
    body: report({ summary: 'in\u200Bvisible' }),
    expected: V400('summary'),
  },
  {
    what: 'contentSha256 of 63 hex digits',
    kind: 'bad format',
    body: report({ contentSha256: 'a'.repeat(63) }),
    expected: V400('contentSha256'),
  },
  {
    what: 'contentSha256 with a non-hex digit',
    kind: 'bad format',
    body: report({ contentSha256: `${'a'.repeat(63)}g` }),
    expected: V400('contentSha256'),
  },
  {
    what: 'contentSha256 with 0x prefix',
    kind: 'bad format',
    body: report({ contentSha256: `0x${'a'.repeat(64)}` }),
    expected: V400('contentSha256'),
  },
  { what: 'urls as a string', kind: 'wrong type', body: report({ urls: 'https://webhard.example/v/1' }), expected: V400('urls') },
  { what: 'urls empty', kind: 'list size', body: report({ urls: [] }), expected: V400('urls') },
  {
    what: '1001 URLs',
    kind: 'list size',
    body: report({ urls: Array.from({ length: 1001 }, (_, i) => `https://webhard.example/v/${i}`) }),
    expected: V400('urls'),
  },
  { what: 'a URL that is a number', kind: 'wrong type', body: report({ urls: [123] }), expected: V400('urls.0') },
  {
    what: 'a URL that is an object',
    kind: 'wrong type',
    body: report({ urls: [{ href: 'https://webhard.example/v/1' }] }),
    expected: V400('urls.0'),
  },
  {
    what: 'the fourth of five URLs hostile',
    kind: 'hostile URL',
    body: report({
      urls: [
        'https://webhard.example/v/a',
        'https://webhard.example/v/b',
        'https://social.example/p/c',
        'https://webhard.example@evil.example/d',
        'https://social.example/p/e',
      ],
    }),
    expected: V400('urls.3', JSON.stringify('https://webhard.example@evil.example/d')),
  },
  {
    what: 'duplicate urls key, the last one hostile (JSON.parse keeps the last)',
    kind: 'hostile URL',
    rawBody: `{"urls":["https://webhard.example/v/first"],${JSON.stringify(report({ urls: undefined })).slice(1, -1)},"urls":["javascript:alert(1)"]}`,
    expected: V400('urls.0', JSON.stringify('javascript:alert(1)')),
  },
  {
    what: 'a right-to-left override written as a JSON \\u escape',
    kind: 'hostile URL',
    rawBody: JSON.stringify(report({ urls: ['https://webhard.example/v/RLO'] })).replace('/v/RLO', '/v/\\u202Egpj.exe'),
    expected: V400('urls.0', JSON.stringify('https://webhard.example/v/\u202Egpj.exe')),
  },
  {
    what: 'CRLF written as JSON \\u escapes',
    kind: 'hostile URL',
    rawBody: JSON.stringify(report({ urls: ['https://webhard.example/v/CRLF'] })).replace(
      '/v/CRLF',
      '/v/1\\u000d\\u000aBcc: x@evil.example',
    ),
    expected: V400('urls.0', JSON.stringify('https://webhard.example/v/1\r\nBcc: x@evil.example')),
  },
  {
    what: 'an encoded slash in the userinfo',
    kind: 'hostile URL',
    body: report({ urls: ['https://webhard.example%2F@evil.example/v/1'] }),
    expected: V400('urls.0', JSON.stringify('https://webhard.example%2F@evil.example/v/1')),
  },
  {
    what: 'nesting 100000 levels deep',
    kind: 'malformed JSON',
    rawBody: `${'['.repeat(100_000)}${']'.repeat(100_000)}`,
    expected: V400('(body)'),
  },
  {
    what: 'an unknown field nesting 100000 levels deep',
    kind: 'unknown field',
    rawBody: JSON.stringify(report({})).replace(/^\{/, `{"deep":${'['.repeat(100_000)}${']'.repeat(100_000)},`),
    expected: V400('(body)'),
  },
  {
    what: '10000 unknown fields',
    kind: 'unknown field',
    body: report(Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`extra${i}`, i]))),
    expected: V400('(body)'),
  },
  ...malformedFor('POST /reports', [0, 1, 2, 3, 4, 5, 6, 7, 8]),
  { what: 'the JSON string "report"', kind: 'not an object', body: 'report', expected: V400('(body)') },
  { what: 'the JSON number 42', kind: 'not an object', body: 42, expected: V400('(body)') },
  {
    what: 'a body over 6 MB',
    kind: 'too large',
    rawBody: JSON.stringify(report({ summary: 'x'.repeat(6 * 1024 * 1024 + 1024) })),
    expected: { status: 413, code: 'PAYLOAD_TOO_LARGE' },
  },
]);

/** A valid report with a header the key rule refuses: the header alone is at fault. */
const BAD_KEYS: readonly [string, string][] = [
  ['129 characters', 'k'.repeat(129)],
  ['1000 characters', 'k'.repeat(1000)],
  ['a space inside', 'report 42'],
  ['a slash', 'reports/42'],
  ['a path traversal', '../../IDEMPOTENCY#staff-lee#k1'],
  ['a hash sign (the key separator in the table)', 'k1#IDEMPOTENCY'],
  ['a non-ASCII letter', 'clé-42'],
  ['an empty value', ''],
  ['only blanks', '   '],
  ['a quote', '"k1"'],
  ['a comma (two keys?)', 'k1,k2'],
  ['a semicolon', 'k1;k2'],
  ['a percent-encoded newline', 'k1%0d%0aX-Injected:1'],
];

/**
 * API Gateway refuses a request whose request line and headers pass 10,240 bytes before any
 * handler sees it; the local gateway answers the same, with the contract's error.
 */
const HEADERS_TOO_LARGE: Expected = { status: 413, code: 'PAYLOAD_TOO_LARGE' };

const idempotencyCase = (what: string, key: string, expected: Expected): BadRequest => ({
  name: `POST /reports Idempotency-Key with ${what}`,
  route: 'POST /reports',
  kind: 'bad Idempotency-Key',
  origin: 'hand-picked',
  user: 'support-center',
  method: 'POST',
  path: '/reports',
  body: VALID_REPORT,
  headers: { 'Idempotency-Key': key },
  expected,
  schemaCheck: { schema: reportRequestSchema, valid: true },
});

const idempotencyCases: BadRequest[] = [
  ...BAD_KEYS.map(([what, key]) => idempotencyCase(what, key, V400('Idempotency-Key'))),
  idempotencyCase('20000 characters', 'k'.repeat(20_000), HEADERS_TOO_LARGE),
];

const PDQ = 'ab'.repeat(32);
const hashCases = [
  ...bodyCases('POST /reports', [
    {
      what: 'hashes as an object',
      kind: 'wrong type',
      body: report({ hashes: { algorithm: 'PDQ', value: PDQ } }),
      expected: V400('hashes'),
    },
    {
      what: 'a hash of an unknown algorithm',
      kind: 'invalid enum',
      body: report({ hashes: [{ algorithm: 'SHA1', value: 'a'.repeat(40) }] }),
      expected: V400('hashes.0.algorithm'),
    },
    {
      what: 'an MD5 of 64 hex digits',
      kind: 'bad format',
      body: report({ hashes: [{ algorithm: 'MD5', value: 'a'.repeat(64) }] }),
      expected: V400('hashes.0.value'),
    },
    {
      what: 'a PDQ hash with a non-hex digit',
      kind: 'bad format',
      body: report({ hashes: [{ algorithm: 'PDQ', value: `${'a'.repeat(63)}g` }] }),
      expected: V400('hashes.0.value'),
    },
    {
      what: 'a hash with an extra field',
      kind: 'unknown field',
      body: report({ hashes: [{ algorithm: 'PDQ', value: PDQ, caseId: 'C1' }] }),
      expected: V400('hashes.0'),
    },
    {
      what: '101 hashes',
      kind: 'list size',
      body: report({ hashes: Array.from({ length: 101 }, () => ({ algorithm: 'PDQ', value: PDQ })) }),
      expected: V400('hashes'),
    },
  ]),
  ...bodyCases('POST /hashes/match', [
    { what: 'no hashes', kind: 'list size', body: { hashes: [] }, expected: V400('hashes') },
    { what: 'without hashes', kind: 'missing field', body: {}, expected: V400('hashes') },
    {
      what: '1001 hashes',
      kind: 'list size',
      body: { hashes: Array.from({ length: 1001 }, () => ({ algorithm: 'PDQ', value: PDQ })) },
      expected: V400('hashes'),
    },
    {
      what: 'a PDQ hash of 63 hex digits',
      kind: 'bad format',
      body: { hashes: [{ algorithm: 'PDQ', value: 'a'.repeat(63) }] },
      expected: V400('hashes.0.value'),
    },
    {
      what: 'a SHA256 with 0x prefix',
      kind: 'bad format',
      body: { hashes: [{ algorithm: 'SHA256', value: `0x${'a'.repeat(62)}` }] },
      expected: V400('hashes.0.value'),
    },
    {
      what: 'an algorithm in lower case',
      kind: 'invalid enum',
      body: { hashes: [{ algorithm: 'pdq', value: PDQ }] },
      expected: V400('hashes.0.algorithm'),
    },
    {
      what: 'a value that is a number',
      kind: 'wrong type',
      body: { hashes: [{ algorithm: 'MD5', value: 12345 }] },
      expected: V400('hashes.0.value'),
    },
  ]),
];

const approvalCases = bodyCases('POST /cases/{caseId}/approvals', [
  { what: 'decision in lower case', kind: 'invalid enum', body: { decision: 'approve' }, expected: V400('decision') },
  { what: 'decision MAYBE', kind: 'invalid enum', body: { decision: 'MAYBE' }, expected: V400('decision') },
  { what: 'decision true', kind: 'wrong type', body: { decision: true }, expected: V400('decision') },
  { what: 'no decision', kind: 'missing field', body: { reason: 'urgent' }, expected: V400('decision') },
  { what: 'forged approver (by)', kind: 'unknown field', body: { ...VALID_APPROVAL, by: 'staff-park' }, expected: V400('(body)') },
  {
    what: 'forged approvals list',
    kind: 'unknown field',
    body: { ...VALID_APPROVAL, approvals: [{ by: 'staff-park' }, { by: 'staff-kim' }] },
    expected: V400('(body)'),
  },
  { what: 'reason of 2001 characters', kind: 'too long', body: { ...VALID_APPROVAL, reason: 'r'.repeat(2001) }, expected: V400('reason') },
  { what: 'reason with a NUL', kind: 'forbidden character', body: { ...VALID_APPROVAL, reason: 'ok\u0000' }, expected: V400('reason') },
  {
    what: 'reason with a bidi isolate',
    kind: 'forbidden character',
    body: { ...VALID_APPROVAL, reason: 'ok \u2067x\u2069' },
    expected: V400('reason'),
  },
  ...malformedFor('POST /cases/{caseId}/approvals', [0, 1, 2, 6, 7, 8]),
  { what: 'a rejection without a reason', kind: 'missing field', body: { decision: 'REJECT' }, expected: V400('reason') },
  { what: 'a rejection with a blank reason', kind: 'missing field', body: { decision: 'REJECT', reason: '   ' }, expected: V400('reason') },
]);

const complianceCases = bodyCases('POST /operator/orders/{orderId}/compliance', [
  {
    what: 'action DELETE (the order action, not a compliance action)',
    kind: 'invalid enum',
    body: { action: 'DELETE' },
    expected: V400('action'),
  },
  { what: 'action in lower case', kind: 'invalid enum', body: { action: 'deleted' }, expected: V400('action') },
  { what: 'no action', kind: 'missing field', body: { note: 'done' }, expected: V400('action') },
  {
    what: 'forged compliedAt (back-dating)',
    kind: 'unknown field',
    body: { ...VALID_COMPLIANCE, compliedAt: '2000-01-01T00:00:00Z' },
    expected: V400('(body)'),
  },
  { what: 'forged status', kind: 'unknown field', body: { ...VALID_COMPLIANCE, status: 'COMPLIED' }, expected: V400('(body)') },
  { what: 'note with a NUL', kind: 'forbidden character', body: { ...VALID_COMPLIANCE, note: 'gone\u0000' }, expected: V400('note') },
  {
    what: 'note with a right-to-left override',
    kind: 'forbidden character',
    body: { ...VALID_COMPLIANCE, note: '\u202Edeteled' },
    expected: V400('note'),
  },
  { what: 'note of 2001 characters', kind: 'too long', body: { ...VALID_COMPLIANCE, note: 'n'.repeat(2001) }, expected: V400('note') },
  { what: 'note as a number', kind: 'wrong type', body: { ...VALID_COMPLIANCE, note: 42 }, expected: V400('note') },
  ...malformedFor('POST /operator/orders/{orderId}/compliance', [0, 3, 6, 8]),
]);

const appealCases = bodyCases('POST /operator/orders/{orderId}/appeal', [
  { what: 'grounds of 9 characters', kind: 'too short', body: { grounds: 'too short' }, expected: V400('grounds') },
  { what: 'grounds of 5001 characters', kind: 'too long', body: { grounds: 'g'.repeat(5001) }, expected: V400('grounds') },
  { what: 'no grounds', kind: 'missing field', body: {}, expected: V400('grounds') },
  { what: 'grounds as a list', kind: 'wrong type', body: { grounds: ['lawful', 'consented'] }, expected: V400('grounds') },
  { what: 'grounds with a NUL', kind: 'forbidden character', body: { grounds: 'lawful content\u0000' }, expected: V400('grounds') },
  {
    what: 'grounds with a zero-width joiner',
    kind: 'forbidden character',
    body: { grounds: 'lawful con\u200Dtent' },
    expected: V400('grounds'),
  },
  {
    what: 'forged appealDeadline',
    kind: 'unknown field',
    body: { ...VALID_APPEAL, appealDeadline: '2999-01-01T00:00:00Z' },
    expected: V400('(body)'),
  },
  ...malformedFor('POST /operator/orders/{orderId}/appeal', [0, 4, 6, 8]),
]);

const fineOpinionCases = bodyCases('POST /operator/orders/{orderId}/fine/opinion', [
  { what: 'opinion of 9 characters', kind: 'too short', body: { opinion: 'too short' }, expected: V400('opinion') },
  { what: 'opinion of 5001 characters', kind: 'too long', body: { opinion: 'o'.repeat(5001) }, expected: V400('opinion') },
  { what: 'no opinion', kind: 'missing field', body: {}, expected: V400('opinion') },
  {
    what: 'opinion with a right-to-left override',
    kind: 'forbidden character',
    body: { opinion: 'we removed it \u202Eall' },
    expected: V400('opinion'),
  },
  {
    what: 'forged opinionDueAt',
    kind: 'unknown field',
    body: { ...VALID_FINE_OPINION, opinionDueAt: '2999-01-01T00:00:00Z' },
    expected: V400('(body)'),
  },
]);

const fineDecisionCases = bodyCases('POST /orders/{orderId}/fine/decision', [
  { what: 'REDUCE without an amount', kind: 'missing field', body: { decision: 'REDUCE', reason: 'heard them' }, expected: V400('amount') },
  {
    what: 'IMPOSE with an amount',
    kind: 'unknown field',
    body: { decision: 'IMPOSE', amount: 5, reason: 'heard them' },
    expected: V400('amount'),
  },
  {
    what: 'REDUCE to a fraction',
    kind: 'wrong type',
    body: { decision: 'REDUCE', amount: 1.5, reason: 'heard them' },
    expected: V400('amount'),
  },
  {
    what: 'REDUCE to a negative amount',
    kind: 'bad number',
    body: { decision: 'REDUCE', amount: -1, reason: 'heard them' },
    expected: V400('amount'),
  },
  { what: 'decision in lower case', kind: 'invalid enum', body: { decision: 'waive', reason: 'heard them' }, expected: V400('decision') },
  { what: 'no reason', kind: 'missing field', body: { decision: 'WAIVE' }, expected: V400('reason') },
]);

const voteCases = bodyCases('POST /committee/reviews/{reviewId}/votes', [
  { what: 'decision YES', kind: 'invalid enum', body: { decision: 'YES' }, expected: V400('decision') },
  { what: 'decision in lower case', kind: 'invalid enum', body: { decision: 'confirm' }, expected: V400('decision') },
  { what: 'decision as a number', kind: 'wrong type', body: { decision: 1 }, expected: V400('decision') },
  { what: 'no decision', kind: 'missing field', body: { reason: 'x' }, expected: V400('decision') },
  {
    what: 'forged memberId (voting for another)',
    kind: 'unknown field',
    body: { ...VALID_VOTE, memberId: 'member-2' },
    expected: V400('(body)'),
  },
  {
    what: 'reason with an escape sequence',
    kind: 'forbidden character',
    body: { ...VALID_VOTE, reason: '\u001B[2Jcleared' },
    expected: V400('reason'),
  },
  ...malformedFor('POST /committee/reviews/{reviewId}/votes', [0, 5, 6, 8]),
]);

const recusalCases = bodyCases('POST /committee/reviews/{reviewId}/recusal', [
  { what: 'empty reason', kind: 'too short', body: { reason: '' }, expected: V400('reason') },
  { what: 'no reason', kind: 'missing field', body: {}, expected: V400('reason') },
  { what: 'reason of 2001 characters', kind: 'too long', body: { reason: 'r'.repeat(2001) }, expected: V400('reason') },
  { what: 'reason with a BOM', kind: 'forbidden character', body: { reason: '\uFEFFconflict' }, expected: V400('reason') },
  {
    what: 'forged memberId (recusing another)',
    kind: 'unknown field',
    body: { ...VALID_RECUSAL, memberId: 'member-3' },
    expected: V400('(body)'),
  },
  ...malformedFor('POST /committee/reviews/{reviewId}/recusal', [0, 7, 8]),
]);

const decisionCases = bodyCases('POST /committee/reviews/{reviewId}/decision', [
  {
    what: 'decision ABSTAIN (not a staff decision)',
    kind: 'invalid enum',
    body: { decision: 'ABSTAIN', reason: 'x' },
    expected: V400('decision'),
  },
  { what: 'no reason', kind: 'missing field', body: { decision: 'REVOKE' }, expected: V400('reason') },
  { what: 'empty reason', kind: 'too short', body: { decision: 'REVOKE', reason: '' }, expected: V400('reason') },
  { what: 'forged outcome', kind: 'unknown field', body: { ...VALID_DECISION, outcome: 'REVOKED' }, expected: V400('(body)') },
  ...malformedFor('POST /committee/reviews/{reviewId}/decision', [0, 6, 8]),
]);

const operator = (extra: Record<string, unknown>): Record<string, unknown> => ({ ...VALID_OPERATOR, ...extra });

const operatorCases = bodyCases('POST /operators', [
  {
    what: 'domain co.kr (a public suffix)',
    kind: 'public-suffix domain',
    body: operator({ domains: ['co.kr'] }),
    expected: V400('domains.0', 'co.kr'),
    schemaValid: true,
  },
  {
    what: 'domain github.io (a private public suffix)',
    kind: 'public-suffix domain',
    body: operator({ domains: ['github.io'] }),
    expected: V400('domains.0', 'github.io'),
    schemaValid: true,
  },
  {
    what: 'domain com',
    kind: 'public-suffix domain',
    body: operator({ domains: ['com'] }),
    expected: V400('domains.0'),
    schemaValid: false,
  },
  {
    what: 'own domain then blogspot.com',
    kind: 'public-suffix domain',
    body: operator({ domains: ['bad-input.example', 'blogspot.com'] }),
    expected: V400('domains.1', 'blogspot.com'),
    schemaValid: true,
  },
  {
    what: 'an IP address as domain',
    kind: 'bad domain',
    body: operator({ domains: ['127.0.0.1'] }),
    expected: V400('domains.0'),
    schemaValid: true,
  },
  { what: 'an upper-case domain', kind: 'bad domain', body: operator({ domains: ['Bad-Input.example'] }), expected: V400('domains.0') },
  { what: 'a wildcard domain', kind: 'bad domain', body: operator({ domains: ['*.bad-input.example'] }), expected: V400('domains.0') },
  { what: 'a URL as domain', kind: 'bad domain', body: operator({ domains: ['https://bad-input.example/'] }), expected: V400('domains.0') },
  { what: 'localhost', kind: 'bad domain', body: operator({ domains: ['localhost'] }), expected: V400('domains.0') },
  { what: 'a domain with CRLF', kind: 'bad domain', body: operator({ domains: ['bad-input.example\r\n'] }), expected: V400('domains.0') },
  {
    what: 'a domain of 254 characters',
    kind: 'too long',
    body: operator({ domains: [`${'a'.repeat(242)}.bad-input.x`] }),
    expected: V400('domains.0'),
  },
  { what: 'no domains', kind: 'list size', body: operator({ domains: [] }), expected: V400('domains') },
  {
    what: 'e-mail without @',
    kind: 'bad e-mail',
    body: operator({ contactEmails: ['abuse.bad-input.example'] }),
    expected: V400('contactEmails.0'),
  },
  {
    what: 'e-mail with CRLF forging a Bcc header',
    kind: 'bad e-mail',
    body: operator({ contactEmails: ['abuse@bad-input.example\r\nBcc: attacker@evil.example'] }),
    expected: V400('contactEmails.0'),
  },
  {
    what: 'e-mail with a display name',
    kind: 'bad e-mail',
    body: operator({ contactEmails: ['Abuse <abuse@bad-input.example>'] }),
    expected: V400('contactEmails.0'),
  },
  {
    what: 'two e-mails in one entry',
    kind: 'bad e-mail',
    body: operator({ contactEmails: ['a@bad-input.example,b@bad-input.example'] }),
    expected: V400('contactEmails.0'),
  },
  {
    what: 'e-mail over 254 characters',
    kind: 'too long',
    body: operator({ contactEmails: [`${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(58)}.example`] }),
    expected: V400('contactEmails.0'),
  },
  {
    what: 'e-mail as a string, not a list',
    kind: 'wrong type',
    body: operator({ contactEmails: 'abuse@bad-input.example' }),
    expected: V400('contactEmails'),
  },
  { what: 'name with a line break', kind: 'forbidden character', body: operator({ name: 'Bad Input\nHosting' }), expected: V400('name') },
  {
    what: 'name with a right-to-left override',
    kind: 'forbidden character',
    body: operator({ name: 'Hosting \u202Eevil' }),
    expected: V400('name'),
  },
  { what: 'empty name', kind: 'too short', body: operator({ name: '' }), expected: V400('name') },
  { what: 'name of 201 characters', kind: 'too long', body: operator({ name: 'n'.repeat(201) }), expected: V400('name') },
  { what: 'jurisdiction KR', kind: 'invalid enum', body: operator({ jurisdiction: 'KR' }), expected: V400('jurisdiction') },
  { what: 'language fr', kind: 'invalid enum', body: operator({ language: 'fr' }), expected: V400('language') },
  { what: 'negative revenue', kind: 'bad number', body: operator({ annualRevenue: -1 }), expected: V400('annualRevenue') },
  { what: 'fractional revenue', kind: 'bad number', body: operator({ annualRevenue: 1000.5 }), expected: V400('annualRevenue') },
  { what: 'revenue as a string', kind: 'wrong type', body: operator({ annualRevenue: '1000' }), expected: V400('annualRevenue') },
  { what: 'revenue 1e308', kind: 'bad number', body: operator({ annualRevenue: 1e308 }), expected: V400('annualRevenue') },
  {
    what: 'revenue 1e400 (Infinity once parsed)',
    kind: 'bad number',
    rawBody: JSON.stringify(operator({})).replace('"annualRevenue":1000', '"annualRevenue":1e400'),
    expected: V400('annualRevenue'),
  },
  { what: 'currency in lower case', kind: 'bad format', body: operator({ currency: 'krw' }), expected: V400('currency') },
  { what: 'operatorId in upper case', kind: 'bad format', body: operator({ operatorId: 'OP-BAD' }), expected: V400('operatorId') },
  { what: 'operatorId with a slash', kind: 'bad format', body: operator({ operatorId: 'op/../op-webhard' }), expected: V400('operatorId') },
  {
    what: 'operatorId with a hash (the key separator)',
    kind: 'bad format',
    body: operator({ operatorId: 'op#x' }),
    expected: V400('operatorId'),
  },
  { what: 'unknown field isAdmin', kind: 'unknown field', body: operator({ isAdmin: true }), expected: V400('(body)') },
  { what: 'forged updatedAt', kind: 'unknown field', body: operator({ updatedAt: '2000-01-01T00:00:00Z' }), expected: V400('(body)') },
  {
    what: 'no operatorId and a name that makes no id',
    kind: 'bad format',
    body: operator({ operatorId: undefined, name: '한국 웹하드' }),
    expected: V400('operatorId'),
    schemaValid: true,
  },
  {
    what: 'operatorId of a seeded operator',
    kind: 'conflict',
    body: operator({ operatorId: 'op-webhard' }),
    expected: C409,
    schemaValid: true,
  },
  {
    what: 'a domain another operator owns',
    kind: 'conflict',
    body: operator({ domains: ['social.example'] }),
    expected: C409,
    schemaValid: true,
  },
  ...malformedFor('POST /operators', [0, 2, 3, 6, 7, 8]),
]);

const patch = (extra: Record<string, unknown>): Record<string, unknown> => ({ ...VALID_PATCH, ...extra });

const patchCases = bodyCases('PATCH /operators/{operatorId}', [
  {
    what: 'domains [co.kr]',
    kind: 'public-suffix domain',
    body: { domains: ['co.kr'] },
    expected: V400('domains.0', 'co.kr'),
    schemaValid: true,
  },
  {
    what: 'own domain plus github.io',
    kind: 'public-suffix domain',
    body: { domains: ['webhard.example', 'github.io'] },
    expected: V400('domains.1', 'github.io'),
    schemaValid: true,
  },
  {
    what: 'own domain plus an IP address',
    kind: 'bad domain',
    body: { domains: ['webhard.example', '10.0.0.1'] },
    expected: V400('domains.1'),
    schemaValid: true,
  },
  // The patch schema lets an ISP drop its domains; a host left without any is refused by the service.
  { what: 'domains emptied', kind: 'list size', body: { domains: [] }, expected: V400('domains'), schemaValid: true },
  { what: 'contact e-mail without a domain', kind: 'bad e-mail', body: { contactEmails: ['notices@'] }, expected: V400('contactEmails.0') },
  { what: 'contact e-mails emptied', kind: 'list size', body: { contactEmails: [] }, expected: V400('contactEmails') },
  {
    what: 'renaming the id (operatorId is not patchable)',
    kind: 'unknown field',
    body: { operatorId: 'op-hijack' },
    expected: V400('(body)'),
  },
  { what: 'forged updatedAt', kind: 'unknown field', body: patch({ updatedAt: '2000-01-01T00:00:00Z' }), expected: V400('(body)') },
  { what: 'name with CRLF', kind: 'forbidden character', body: { name: 'Webhard\r\nCo.' }, expected: V400('name') },
  { what: 'name null', kind: 'wrong type', body: { name: null }, expected: V400('name') },
  { what: 'annualRevenue -5', kind: 'bad number', body: { annualRevenue: -5 }, expected: V400('annualRevenue') },
  {
    what: 'a domain social.example owns',
    kind: 'conflict',
    body: { domains: ['webhard.example', 'social.example'] },
    expected: C409,
    schemaValid: true,
  },
  ...malformedFor('PATCH /operators/{operatorId}', [0, 6, 7]),
]);

// ------------------------------------------------------------------------- path ids

interface IdCase {
  readonly route: string;
  readonly what: string;
  /** Already encoded for the path, or a `{{placeholder}}`. */
  readonly id: string;
  readonly expected?: Expected;
}

const LONG = 'Z'.repeat(3000);
const MISSING_ULID = '01ARZ3NDEKTSV4RRFFQ69G5FAV';

const ID_CASES: readonly IdCase[] = [
  { route: 'GET /cases/{caseId}', what: 'a well-formed case id that does not exist', id: `C${MISSING_ULID}` },
  { route: 'GET /cases/{caseId}', what: 'an order id', id: '{{ownOrder}}' },
  { route: 'GET /cases/{caseId}', what: 'a case id in lower case', id: `c${MISSING_ULID.toLowerCase()}` },
  { route: 'GET /cases/{caseId}', what: 'a 3000-character id', id: `C${LONG}` },
  { route: 'GET /cases/{caseId}', what: 'an encoded NUL', id: `C${MISSING_ULID}%00` },
  { route: 'GET /cases/{caseId}', what: 'a broken percent-encoding', id: `C${MISSING_ULID}%E0%A4%A` },
  { route: 'GET /cases/{caseId}', what: 'a 20000-character id', id: `C${'Z'.repeat(20_000)}`, expected: HEADERS_TOO_LARGE },
  { route: 'GET /cases/{caseId}/audit', what: 'a review id', id: '{{openReview}}' },
  { route: 'GET /cases/{caseId}/audit', what: 'a 3000-character id', id: LONG },
  { route: 'GET /cases/{caseId}/audit', what: 'an encoded slash', id: 'CASE%2F..%2FOPERATOR' },
  { route: 'POST /cases/{caseId}/approvals', what: 'a well-formed case id that does not exist', id: `C${MISSING_ULID}` },
  { route: 'POST /cases/{caseId}/approvals', what: 'an order id', id: '{{ownOrder}}' },
  { route: 'POST /cases/{caseId}/approvals', what: 'a 3000-character id', id: `C${LONG}` },
  { route: 'POST /cases/{caseId}/approvals', what: 'the partition key (CASE#…)', id: `CASE%23C${MISSING_ULID}` },
  { route: 'POST /orders/{orderId}/resend', what: 'a well-formed order id that does not exist', id: `O${MISSING_ULID}-op-webhard` },
  { route: 'POST /orders/{orderId}/resend', what: 'a case id', id: '{{approvedCase}}' },
  { route: 'POST /orders/{orderId}/resend', what: 'an order of an operator that got none', id: '{{approvedCaseAsOrder}}' },
  { route: 'POST /orders/{orderId}/resend', what: 'a 3000-character id', id: `O${LONG}` },
  { route: 'POST /orders/{orderId}/non-compliance', what: 'a well-formed order id that does not exist', id: `O${MISSING_ULID}-op-webhard` },
  { route: 'POST /orders/{orderId}/non-compliance', what: 'a case id', id: '{{approvedCase}}' },
  { route: 'POST /orders/{orderId}/non-compliance', what: 'an order of an operator that got none', id: '{{approvedCaseAsOrder}}' },
  { route: 'POST /orders/{orderId}/non-compliance', what: 'a 3000-character id', id: `O${LONG}` },
  { route: 'PATCH /operators/{operatorId}', what: 'an operator that does not exist', id: 'op-nobody' },
  { route: 'PATCH /operators/{operatorId}', what: 'a seeded id in upper case', id: 'OP-WEBHARD' },
  { route: 'PATCH /operators/{operatorId}', what: 'a seeded id with a trailing newline', id: 'op-webhard%0A' },
  { route: 'PATCH /operators/{operatorId}', what: 'a 3000-character id', id: `op-${LONG.toLowerCase()}` },
  { route: 'GET /operators/{operatorId}/audit', what: 'an operator that does not exist', id: 'op-nobody' },
  { route: 'GET /operators/{operatorId}/audit', what: 'a seeded id in upper case', id: 'OP-WEBHARD' },
  { route: 'GET /operators/{operatorId}/audit', what: 'a 3000-character id', id: `op-${LONG.toLowerCase()}` },
  { route: 'GET /operators/{operatorId}/audit', what: 'a 2039-character id (the key just fits)', id: 'o'.repeat(2039) },
  { route: 'GET /operators/{operatorId}/audit', what: 'a 2040-character id (the key is one byte too long)', id: 'o'.repeat(2040) },
  { route: 'GET /operators/{operatorId}/audit', what: 'a key separator', id: 'op-webhard%23OPERATOR' },
  { route: 'POST /operator/orders/{orderId}/acknowledge', what: "another operator's order", id: '{{otherOrder}}' },
  {
    route: 'POST /operator/orders/{orderId}/acknowledge',
    what: 'a well-formed order id that does not exist',
    id: `O${MISSING_ULID}-op-webhard`,
  },
  { route: 'POST /operator/orders/{orderId}/acknowledge', what: 'a case id', id: '{{approvedCase}}' },
  { route: 'POST /operator/orders/{orderId}/acknowledge', what: 'a 3000-character id', id: `O${LONG}-op-webhard` },
  { route: 'POST /operator/orders/{orderId}/compliance', what: "another operator's order", id: '{{otherOrder}}' },
  { route: 'POST /operator/orders/{orderId}/compliance', what: 'a review id', id: '{{openReview}}' },
  { route: 'POST /operator/orders/{orderId}/compliance', what: 'an id with a NUL', id: `O${MISSING_ULID}-op-webhard%00` },
  { route: 'POST /operator/orders/{orderId}/appeal', what: "another operator's order", id: '{{otherOrder}}' },
  {
    route: 'POST /operator/orders/{orderId}/appeal',
    what: 'a well-formed order id that does not exist',
    id: `O${MISSING_ULID}-op-webhard`,
  },
  { route: 'POST /committee/reviews/{reviewId}/votes', what: 'a PRIOR review of a case that has none', id: '{{priorReview}}' },
  { route: 'POST /committee/reviews/{reviewId}/votes', what: 'an APPEAL review that does not exist', id: '{{appealReview}}' },
  { route: 'POST /committee/reviews/{reviewId}/votes', what: 'a case id', id: '{{approvedCase}}' },
  { route: 'POST /committee/reviews/{reviewId}/votes', what: 'a 3000-character id', id: `R${LONG}-POST` },
  { route: 'POST /committee/reviews/{reviewId}/recusal', what: 'a well-formed review id that does not exist', id: `R${MISSING_ULID}-POST` },
  { route: 'POST /committee/reviews/{reviewId}/recusal', what: 'an order id', id: '{{ownOrder}}' },
  {
    route: 'POST /committee/reviews/{reviewId}/decision',
    what: 'a well-formed review id that does not exist',
    id: `R${MISSING_ULID}-POST`,
  },
  { route: 'POST /committee/reviews/{reviewId}/decision', what: 'a PRIOR review of a case that has none', id: '{{priorReview}}' },
  { route: 'GET /public/objections/{reference}', what: 'a reference in lower case', id: 'obj-0123456789abcdef' },
  { route: 'GET /public/objections/{reference}', what: 'an order id', id: '{{ownOrder}}' },
  { route: 'GET /public/objections/{reference}', what: 'a reference one character short', id: 'OBJ-0123456789ABCDE' },
  { route: 'GET /public/objections/{reference}', what: 'a 3000-character id', id: `OBJ-${LONG}` },
];

const idCases: BadRequest[] = ID_CASES.map((c) => {
  const route = idRoute(c.route);
  return {
    name: `${c.route} path id: ${c.what}`,
    route: c.route,
    kind: 'bad path id',
    origin: 'hand-picked',
    user: route.user,
    method: route.method,
    path: route.path.replace('{id}', c.id),
    ...(route.body === undefined ? {} : { body: route.body }),
    expected: c.expected ?? N404,
    ...(route.schema === undefined ? {} : { schemaCheck: { schema: route.schema, valid: true } }),
  };
});

// ------------------------------------------------------------------------- query parameters

const QUERY_CASES: readonly [string, string, string, string][] = [
  ['GET /cases', 'staff-kim', '/cases?status=NOPE', 'status'],
  ['GET /cases', 'auditor-1', '/cases?status=closed', 'status'],
  ['GET /cases', 'member-1', '/cases?status=', 'status'],
  ['GET /cases', 'staff-kim', '/cases?status=CLOSED&status=REJECTED', 'status'],
  ['GET /cases', 'staff-kim', '/cases?status=CLOSED%0D%0AX-Injected:%201', 'status'],
  ['GET /committee/reviews', 'member-1', '/committee/reviews?status=open', 'status'],
  ['GET /committee/reviews', 'member-2', '/committee/reviews?status=DECIDED', 'status'],
  ['GET /orders', 'staff-kim', '/orders?recent=-1', 'recent'],
  ['GET /orders', 'auditor-1', '/orders?recent=1001', 'recent'],
  ['GET /orders', 'staff-kim', '/orders?recent=ten', 'recent'],
  ['GET /orders', 'staff-kim', '/orders?recent=2.5', 'recent'],
  ['GET /orders', 'staff-kim', '/orders?recent=1e100', 'recent'],
  ['GET /orders', 'staff-kim', '/orders?list=open', 'list'],
  ['GET /orders', 'auditor-1', '/orders?complianceStatus=DONE', 'complianceStatus'],
  ['GET /orders', 'staff-kim', '/orders?limit=0', 'limit'],
  ['GET /orders', 'staff-kim', '/orders?cursor=not-a-cursor', 'cursor'],
  ['GET /orders', 'staff-kim', '/orders?issuedFrom=yesterday', 'issuedFrom'],
  ['GET /orders', 'staff-kim', '/orders?url=https://a.example/1&host=a.example', 'url,host'],
  ['GET /reports', 'support-center', '/reports?language=fr', 'language'],
  ['GET /reports', 'support-center', '/reports?language=KO', 'language'],
  ['GET /cases/{caseId}/audit', 'auditor-1', `/cases/C${MISSING_ULID}/audit?format=csv`, 'format'],
  ['GET /cases/{caseId}/audit', 'staff-kim', `/cases/C${MISSING_ULID}/audit?format=JSONL`, 'format'],
  ['GET /isp/blocklist/changes', 'staff-kim', '/isp/blocklist/changes?since=', 'since'],
  ['GET /isp/blocklist/changes', 'staff-kim', '/isp/blocklist/changes?since=-1', 'since'],
  ['GET /isp/blocklist/changes', 'auditor-1', '/isp/blocklist/changes?since=007', 'since'],
  ['GET /isp/blocklist/changes', 'staff-kim', '/isp/blocklist/changes?since=1&until=2', '(body)'],
  ['GET /hashes/export', 'op-webhard', '/hashes/export?since=-1', 'since'],
  ['GET /hashes/export', 'op-social', '/hashes/export?since=abc', 'since'],
  ['GET /hashes/export', 'op-social', '/hashes/export?since=1e3', 'since'],
  ['GET /hashes/export', 'op-webhard', '/hashes/export?since=', 'since'],
];

const queryCases: BadRequest[] = QUERY_CASES.map(([route, user, path, field]) => ({
  name: `${route} query ${path.slice(path.indexOf('?'))}${user === 'staff-kim' ? '' : ` as ${user}`}`,
  route,
  kind: 'bad query',
  origin: 'hand-picked',
  user,
  method: 'GET',
  path,
  expected: V400(field),
}));

/** A version the block list has not reached: load the full list (409, CONTRACT.md section 10, docs/blocklist.md). */
const blocklistCases: BadRequest[] = [
  {
    name: 'GET /isp/blocklist/changes since a version not reached yet',
    route: 'GET /isp/blocklist/changes',
    kind: 'conflict',
    origin: 'hand-picked',
    user: 'staff-kim',
    method: 'GET',
    path: '/isp/blocklist/changes?since=999999999',
    expected: C409,
  },
];

// ------------------------------------------------------------------------- local sign-in

const SIGN_IN_CASES: readonly [string, BadKind, { body?: unknown; rawBody?: string }, Expected][] = [
  ['a user id that is a number', 'wrong type', { body: { user: 5 } }, V400()],
  ['no user', 'missing field', { body: {} }, V400()],
  ['malformed JSON', 'malformed JSON', { rawBody: '{"user":' }, V400()],
  ['a user who does not exist', 'bad format', { body: { user: 'staff-nobody' } }, N404],
  ['a user id with CRLF', 'forbidden character', { body: { user: 'staff-kim\r\n' } }, N404],
  ['a user id of 3000 characters', 'too long', { body: { user: 'u'.repeat(3000) } }, N404],
];

/** The local sign-in (CONTRACT.md section 2): not a route of infra/functions.ts, but an HTTP answer all the same. */
const signInCases: BadRequest[] = SIGN_IN_CASES.map(([what, kind, request, expected]) => ({
  name: `POST /auth/local-token ${what}`,
  route: 'POST /auth/local-token',
  kind,
  origin: 'hand-picked',
  user: 'staff-kim',
  method: 'POST',
  path: '/auth/local-token',
  ...request,
  expected,
}));

export function handPickedCorpus(): BadRequest[] {
  return [
    ...hostileUrlCases,
    ...reportCases,
    ...idempotencyCases,
    ...approvalCases,
    ...complianceCases,
    ...appealCases,
    ...fineOpinionCases,
    ...fineDecisionCases,
    ...voteCases,
    ...recusalCases,
    ...decisionCases,
    ...operatorCases,
    ...patchCases,
    ...idCases,
    ...queryCases,
    ...signInCases,
    ...blocklistCases,
    ...hashCases,
  ];
}
