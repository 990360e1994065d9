/**
 * The generated half of the bad-input corpus: fast-check arbitraries that break one thing of a
 * valid request (a field of a body schema, the Idempotency-Key header, a path id, a query
 * parameter), sampled with fixed seeds so that the corpus is the same on every run. Every body is
 * checked here to be refused by its schema, so no valid request can slip in.
 */
import fc from 'fast-check';
import { z } from 'zod';
import { checkReportedUrl } from '../../../shared/domain/urls';
import { operatorDomainRefusal } from '../../../shared/domain/domains';
import {
  BODY_ROUTES,
  ID_ROUTES,
  IDEMPOTENCY_KEY_RE,
  QUERY_ROUTES,
  SEEDED_OPERATORS,
  VALID_REPORT,
  type BodyRoute,
  type FieldSpec,
  type FieldType,
} from './routes';
import type { BadKind, BadRequest } from './types';
import { reportRequestSchema } from '../../../shared/domain/model';

/** One seed for the whole corpus; each arbitrary derives its own from it and its name. */
export const SEED = 20_260_509;

function seedFor(label: string): number {
  let hash = SEED;
  for (const ch of label) hash = (Math.imul(hash, 31) + ch.charCodeAt(0)) | 0;
  return hash;
}

function sample<T>(label: string, arbitrary: fc.Arbitrary<T>, count: number): T[] {
  return fc.sample(arbitrary, { seed: seedFor(label), numRuns: count });
}

/** A short, printable rendering of a value for a case's name. */
export function show(value: unknown, max = 48): string {
  let text: string;
  if (typeof value === 'string') {
    text = JSON.stringify(value).replace(/[^\x20-\x7e]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
    if (text.length > max) text = `${text.slice(0, max - 12)}…" (${value.length} chars)`;
    return text;
  }
  text = JSON.stringify(value) ?? String(value);
  text = text.replace(/[^\x20-\x7e]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

// ----------------------------------------------------------------------------- building blocks

/** Characters no single-line field may hold (shared/domain/text.ts). */
export const NOT_IN_A_LINE = [
  '\n',
  '\r',
  '\r\n',
  '\t',
  '\u0000',
  '\u0008',
  '\u001b',
  '\u007f',
  '\u0085',
  '\u009b',
  '\u061c',
  '\u200b',
  '\u200c',
  '\u200d',
  '\u200e',
  '\u200f',
  '\u202a',
  '\u202b',
  '\u202c',
  '\u202d',
  '\u202e',
  '\u2060',
  '\u2066',
  '\u2067',
  '\u2068',
  '\u2069',
  '\ufeff',
] as const;
/** Characters no multi-line field may hold: line breaks and tabs are text there. */
export const NOT_IN_TEXT = [
  '\u0000',
  '\u0001',
  '\u0008',
  '\u000b',
  '\u000c',
  '\u000e',
  '\u001b',
  '\u001f',
  '\u007f',
  '\u0085',
  '\u009f',
  '\u200b',
  '\u200c',
  '\u200d',
  '\u202a',
  '\u202d',
  '\u202e',
  '\u2060',
  '\u2064',
  '\u2066',
  '\u2069',
  '\ufeff',
] as const;
/** What a reported URL may not hide (shared/domain/urls.ts): controls, bidi, zero-width, whitespace. */
export const HIDDEN_IN_URL = [
  '\r\n',
  '\n',
  '\r',
  '\t',
  ' ',
  '\u0000',
  '\u0007',
  '\u001b',
  '\u007f',
  '\u0085',
  '\u00a0',
  '\u00ad',
  '\u061c',
  '\u180e',
  '\u200b',
  '\u200c',
  '\u200d',
  '\u200e',
  '\u200f',
  '\u2028',
  '\u2029',
  '\u202a',
  '\u202e',
  '\u2060',
  '\u2066',
  '\u2069',
  '\u3000',
  '\ufeff',
] as const;

const jsonType = (value: unknown): string => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value);

function expectedJsonType(type: FieldType): string {
  switch (type.t) {
    case 'bool':
      return 'boolean';
    case 'int':
      return 'number';
    case 'urls':
    case 'emails':
    case 'domains':
      return 'array';
    case 'object':
      return 'object';
    default:
      return 'string';
  }
}

const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
  fc.string({ maxLength: 12 }),
  fc.array(fc.oneof(fc.integer(), fc.string({ maxLength: 6 })), { maxLength: 3 }),
  fc.dictionary(fc.string({ minLength: 1, maxLength: 6 }), fc.integer(), { maxKeys: 2 }),
);

const wrongType = (type: FieldType) => anyJson.filter((value) => jsonType(value) !== expectedJsonType(type));

/** A string longer than `max` (counted as zod counts: UTF-16 code units). */
const tooLong = (max: number) =>
  fc
    .tuple(fc.integer({ min: 1, max: 80 }), fc.constantFrom('a', 'é', '한', 'x y', '😀'))
    .map(([extra, ch]) => ch.repeat(Math.ceil((max + extra) / ch.length)));

const insertAt = (text: string, piece: string, position: number): string => {
  const at = position % (text.length + 1);
  return text.slice(0, at) + piece + text.slice(at);
};

const withCharacter = (base: string, characters: readonly string[]) =>
  fc.tuple(fc.constantFrom(...characters), fc.nat()).map(([ch, position]) => insertAt(base, ch, position));

const validUrl = fc
  .tuple(
    fc.constantFrom('https://webhard.example', 'http://social.example', 'https://cdn.overseas.example'),
    fc.stringMatching(/^[a-z0-9]{1,10}$/),
  )
  .map(([origin, tail]) => `${origin}/v/${tail}`);

/** A URL the edge must refuse: something hidden, another scheme, a user name, not absolute, too long. */
export const hostileUrl: fc.Arbitrary<string> = fc
  .oneof(
    fc.tuple(validUrl, fc.constantFrom(...HIDDEN_IN_URL), fc.nat()).map(([url, ch, position]) => insertAt(url, ch, position)),
    fc
      .tuple(
        fc.constantFrom('ftp', 'file', 'javascript', 'data', 'mailto', 'ws', 'wss', 'gopher', 'blob', 'about', 'ssh', 'httpx'),
        validUrl,
      )
      .map(([scheme, url]) => url.replace(/^https?/, scheme)),
    fc
      .tuple(
        fc.constantFrom('webhard.example', 'social.example', 'admin', 'user:pass', ':secret'),
        validUrl,
        fc.constantFrom('evil.example', 'webhard.example'),
      )
      .map(([userinfo, url, host]) => url.replace(/^(https?:\/\/)[^/]+/, `$1${userinfo}@${host}`)),
    validUrl.map((url) => url.replace(/^https?:/, '')),
    validUrl.map((url) => url.replace(/^https?:\/\//, '')),
    fc
      .integer({ min: 1, max: 64 })
      .map((extra) => `https://webhard.example/${'a'.repeat(2048 - 'https://webhard.example/'.length + extra)}`),
  )
  .filter((url) => !checkReportedUrl(url).ok);

const emailSchema = z.email().max(254);

/** An e-mail address mutated into one the registry must refuse. */
export const badEmail: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom('abuse', 'notices', 'legal.team', 'a+b'),
    fc.constantFrom('bad-input.example', 'webhard.example', 'x.co.kr'),
    fc.constantFrom<(local: string, domain: string) => string>(
      (l, d) => `${l}${d}`,
      (l, d) => `${l}@@${d}`,
      (l, d) => `${l} @${d}`,
      (l, d) => `${l}@${d}\r\nBcc: attacker@evil.example`,
      (l, d) => `${l}@${d}\n`,
      (l, _d) => `${l}@localhost`,
      (l, d) => `.${l}@${d}`,
      (l, d) => `${l}..x@${d}`,
      (l, d) => `${l}@${d}.`,
      (l, d) => `${l}@-${d}`,
      (l, d) => `<${l}@${d}>`,
      (l, d) => `Name <${l}@${d}>`,
      (l, d) => `${l}@${d},other@${d}`,
      (l, d) => `${l}@[${d}]`,
      (l, d) => `${'x'.repeat(250)}${l}@${d}`,
      (_l, d) => `@${d}`,
      (l, _d) => `${l}@`,
      (l, d) => `${l}\u202e@${d}`,
      (l, d) => `${l}@${d.toUpperCase()}\u0000`,
    ),
  )
  .map(([local, domain, make]) => make(local, domain))
  .filter((email) => !emailSchema.safeParse(email).success);

const DOMAIN_RE = /^(?!-)[a-z0-9-]+(\.[a-z0-9-]+)+$/;

/** A domain name the schema refuses (not a lower-case host name, or over 253 characters). */
export const badDomain: fc.Arbitrary<string> = fc
  .tuple(
    fc.stringMatching(/^[a-z][a-z0-9]{0,8}$/),
    fc.constantFrom<(label: string) => string>(
      (l) => `${l.toUpperCase()}.example`,
      (l) => `${l}.example.`,
      (l) => `${l}_x.example`,
      (l) => `-${l}.example`,
      (l) => l,
      (l) => `${l} .example`,
      (l) => `${l}.exämple`,
      (l) => `https://${l}.example`,
      (l) => `${l}.example/path`,
      (l) => `*.${l}.example`,
      (l) => `${l}..example`,
      (l) => `${l}.example:443`,
      (l) => `.${l}.example`,
      (l) => `${l}.example\r\n`,
      (l) => `${l}\u200b.example`,
      (l) => `[${l}.example]`,
      (l) => `${l}.${'a'.repeat(250)}.example`,
      (l) => `${l}@evil.example`,
    ),
  )
  .map(([label, make]) => make(label))
  .filter((domain) => !(domain.length <= 253 && DOMAIN_RE.test(domain)));

/** Public suffixes (ICANN and private) that no operator may claim: refused by the service, not the schema. */
export const PUBLIC_SUFFIXES = [
  'co.kr',
  'go.kr',
  'or.kr',
  'ne.kr',
  'ac.kr',
  'kr',
  'com',
  'net',
  'org',
  'co.uk',
  'jp',
  'github.io',
  'gitlab.io',
  'blogspot.com',
  'herokuapp.com',
  'netlify.app',
  'vercel.app',
  'pages.dev',
  'appspot.com',
  'web.app',
  'firebaseapp.com',
  's3.amazonaws.com',
] as const;

export const publicSuffix: fc.Arbitrary<string> = fc
  .constantFrom(...PUBLIC_SUFFIXES)
  .filter((domain) => DOMAIN_RE.test(domain) && operatorDomainRefusal(domain) !== null);

// ----------------------------------------------------------------------------- body mutations

interface Mutation {
  readonly kind: BadKind;
  readonly description: string;
  readonly body: unknown;
  /** The field `details` must name. */
  readonly field: string;
  readonly detailIncludes?: string;
  /** The schema accepts the body; a rule beyond it (public suffix) refuses it. */
  readonly schemaValid?: boolean;
}

type Path = readonly string[];

function setAt(base: Record<string, unknown>, path: Path, value: unknown, remove = false): Record<string, unknown> {
  const copy = structuredClone(base);
  let target: Record<string, unknown> = copy;
  for (const key of path.slice(0, -1)) target = target[key] as Record<string, unknown>;
  const last = path.at(-1) as string;
  if (remove) delete target[last];
  else target[last] = value;
  return copy;
}

function getAt(base: Record<string, unknown>, path: Path): unknown {
  let value: unknown = base;
  for (const key of path) value = (value as Record<string, unknown>)[key];
  return value;
}

const fieldName = (path: Path): string => path.join('.');

/** Every way of breaking one field at `path`. */
interface Weighted {
  readonly arbitrary: fc.Arbitrary<Mutation>;
  /** Mutations particular to the field's type are drawn more often than a wrong type or a missing field. */
  readonly weight: number;
}

function fieldMutations(base: Record<string, unknown>, path: Path, spec: FieldSpec): Weighted[] {
  const field = fieldName(path);
  const type = spec.type;
  const current = getAt(base, path);
  const set = (
    kind: BadKind,
    describe: (value: unknown) => string,
    values: fc.Arbitrary<unknown>,
    at = field,
    extra: Partial<Mutation> = {},
  ) =>
    values.map(
      (value): Mutation => ({ kind, description: `${field}: ${describe(value)}`, body: setAt(base, path, value), field: at, ...extra }),
    );

  const out: fc.Arbitrary<Mutation>[] = [];
  const general: Weighted[] = [{ arbitrary: set('wrong type', (v) => `wrong type ${show(v, 30)}`, wrongType(type)), weight: 1 }];
  if (spec.required) {
    general.push({
      arbitrary: fc.constant({ kind: 'missing field', description: `${field}: missing`, body: setAt(base, path, undefined, true), field }),
      weight: 1,
    });
  }
  const text = typeof current === 'string' ? current : '';

  switch (type.t) {
    case 'enum':
      out.push(
        set(
          'invalid enum',
          (v) => `not one of ${type.values.length} values: ${show(v, 30)}`,
          fc.oneof(
            fc.string({ unit: 'grapheme-ascii', maxLength: 16 }),
            fc.constantFrom(...type.values).map((v) => v.toLowerCase()),
            fc.constantFrom(...type.values).map((v) => ` ${v}`),
            fc.constantFrom(...type.values).map((v) => `${v}\n`),
            fc.constantFrom(...type.values).map((v) => `${v}S`),
            fc.constant(type.values.join('|')),
          ),
        ),
      );
      break;
    case 'line':
    case 'text': {
      out.push(set('too long', (v) => `too long (${String(v).length} > ${type.max})`, tooLong(type.max)));
      const forbidden = type.t === 'line' ? NOT_IN_A_LINE : NOT_IN_TEXT;
      out.push(set('forbidden character', (v) => `forbidden character in ${show(v, 40)}`, withCharacter(text || 'plain text', forbidden)));
      if (type.min !== undefined) {
        out.push(set('too short', (v) => `too short ${show(v)}`, fc.string({ unit: 'grapheme-ascii', maxLength: type.min - 1 })));
      }
      break;
    }
    case 'bool':
      out.push(set('wrong type', (v) => `not a boolean ${show(v)}`, fc.constantFrom('true', 'false', 1, 0, 'yes', [])));
      break;
    case 'int':
      out.push(
        set(
          'bad number',
          (v) => `not a non-negative safe integer ${show(v)}`,
          fc.oneof(
            fc.integer({ max: -1 }),
            fc.double({ min: 0.001, max: 1e9, noNaN: true }).filter((v) => !Number.isInteger(v)),
            fc.constantFrom(2 ** 53, 1e300, -0.5),
            fc.nat().map(String),
          ),
        ),
      );
      break;
    case 'hex64':
      out.push(
        set(
          'bad format',
          (v) => `not 64 hex digits ${show(v, 30)}`,
          fc.oneof(
            fc
              .integer({ min: 0, max: 200 })
              .filter((n) => n !== 64)
              .map((n) => 'a'.repeat(n)),
            fc
              .tuple(fc.constantFrom('g', 'z', ' ', '-', 'é', '\n'), fc.nat())
              .map(([ch, at]) => insertAt('ab'.repeat(32), ch, at).slice(0, 64)),
            fc.constant(`0x${'ab'.repeat(31)}`),
          ),
        ),
      );
      break;
    case 'currency':
      out.push(
        set(
          'bad format',
          (v) => `not an ISO 4217 code ${show(v)}`,
          fc.stringMatching(/^[a-z]{3}$|^[A-Z]{4,6}$|^[A-Z]{1,2}$|^[A-Z][0-9][A-Z]$/),
        ),
      );
      break;
    case 'operatorId':
      out.push(
        set(
          'bad format',
          (v) => `not an operator id ${show(v)}`,
          fc.oneof(
            fc.stringMatching(/^[A-Z][A-Za-z0-9-]{1,20}$/),
            fc.stringMatching(/^[a-z0-9]$/),
            fc.stringMatching(/^-[a-z0-9-]{1,20}$/),
            fc.stringMatching(/^[a-z0-9]{1,10}[_. /][a-z0-9]{1,10}$/),
            fc.integer({ min: 64, max: 200 }).map((n) => 'o'.repeat(n)),
          ),
        ),
      );
      break;
    case 'urls':
      out.push(
        fc.constant<Mutation>({ kind: 'list size', description: `${field}: empty list`, body: setAt(base, path, []), field }),
        fc.integer({ min: 1001, max: 1010 }).map((n) => ({
          kind: 'list size' as const,
          description: `${field}: ${n} URLs`,
          body: setAt(
            base,
            path,
            Array.from({ length: n }, (_, i) => `https://webhard.example/v/${i}`),
          ),
          field,
        })),
        fc.tuple(fc.array(validUrl, { minLength: 0, maxLength: 4 }), hostileUrl, fc.nat()).map(([good, bad, position]) => {
          const at = position % (good.length + 1);
          const urls = [...good.slice(0, at), bad, ...good.slice(at)];
          return {
            kind: 'hostile URL' as const,
            description: `${field}.${at}: ${show(bad, 56)}`,
            body: setAt(base, path, urls),
            field: `${field}.${at}`,
            detailIncludes: JSON.stringify(bad.slice(0, 120)),
          };
        }),
        fc.tuple(fc.array(validUrl, { maxLength: 2 }), wrongType({ t: 'line', max: 1 })).map(([good, bad]) => ({
          kind: 'wrong type' as const,
          description: `${field}.${good.length}: not a string ${show(bad, 30)}`,
          body: setAt(base, path, [...good, bad]),
          field: `${field}.${good.length}`,
        })),
      );
      break;
    case 'emails':
      out.push(
        fc.constant<Mutation>({ kind: 'list size', description: `${field}: empty list`, body: setAt(base, path, []), field }),
        fc.integer({ min: 11, max: 20 }).map((n) => ({
          kind: 'list size' as const,
          description: `${field}: ${n} addresses`,
          body: setAt(
            base,
            path,
            Array.from({ length: n }, (_, i) => `abuse${i}@bad-input.example`),
          ),
          field,
        })),
        badEmail.map((email) => ({
          kind: 'bad e-mail' as const,
          description: `${field}.0: ${show(email, 56)}`,
          body: setAt(base, path, [email]),
          field: `${field}.0`,
        })),
      );
      break;
    case 'domains':
      out.push(
        fc.constant<Mutation>({ kind: 'list size', description: `${field}: empty list`, body: setAt(base, path, []), field }),
        fc.integer({ min: 101, max: 110 }).map((n) => ({
          kind: 'list size' as const,
          description: `${field}: ${n} domains`,
          body: setAt(
            base,
            path,
            Array.from({ length: n }, (_, i) => `d${i}.bad-input.example`),
          ),
          field,
        })),
        fc.tuple(badDomain, fc.boolean()).map(([domain, second]) => {
          const domains = second ? [...(current as string[]), domain] : [domain];
          return {
            kind: 'bad domain' as const,
            description: `${field}.${domains.length - 1}: ${show(domain, 56)}`,
            body: setAt(base, path, domains),
            field: `${field}.${domains.length - 1}`,
          };
        }),
        fc.tuple(publicSuffix, fc.boolean()).map(([domain, second]) => {
          const domains = second ? [...(current as string[]), domain] : [domain];
          return {
            kind: 'public-suffix domain' as const,
            description: `${field}.${domains.length - 1}: public suffix ${domain}`,
            body: setAt(base, path, domains),
            field: `${field}.${domains.length - 1}`,
            detailIncludes: domain,
            schemaValid: true,
          };
        }),
      );
      break;
    case 'object':
      out.push(unknownField(base, path, type.fields));
      return [
        ...general,
        ...out.map((arbitrary) => ({ arbitrary, weight: 2 })),
        ...type.fields.flatMap((inner) => fieldMutations(base, [...path, inner.name], inner)),
      ];
    default:
      break;
  }
  return [...general, ...out.map((arbitrary) => ({ arbitrary, weight: 2 }))];
}

const unknownKey = (known: readonly FieldSpec[]) =>
  fc
    .oneof(
      fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 12 }),
      fc.constantFrom('id', 'status', 'createdBy', 'isAdmin', 'role', 'approvals', 'memberId', 'by', 'at', 'hashes', 'caseId', 'orderId'),
    )
    .filter((key) => !known.some((field) => field.name === key) && key !== '__proto__');

/** An extra key in the object at `path` (schemas are strict): `details` names that object. */
function unknownField(base: Record<string, unknown>, path: Path, known: readonly FieldSpec[]): fc.Arbitrary<Mutation> {
  const where = path.length === 0 ? '(body)' : fieldName(path);
  return fc.tuple(unknownKey(known), anyJson).map(([key, value]) => ({
    kind: 'unknown field' as const,
    description: `${where}: unknown field ${show(key, 20)} = ${show(value, 20)}`,
    body: path.length === 0 ? { ...structuredClone(base), [key]: value } : setAt(base, [...path, key], value),
    field: where,
  }));
}

function bodyMutations(route: BodyRoute): fc.Arbitrary<Mutation> {
  const perField = route.fields.flatMap((spec) => fieldMutations(route.base, [spec.name], spec));
  const whole: fc.Arbitrary<Mutation>[] = [
    unknownField(route.base, [], route.fields),
    anyJson
      .filter((value) => jsonType(value) !== 'object')
      .map((value) => ({
        kind: 'not an object' as const,
        description: `body: not an object ${show(value, 30)}`,
        body: value,
        field: '(body)',
      })),
  ];
  return fc.oneof(
    ...perField.map(({ arbitrary, weight }) => ({ arbitrary, weight })),
    ...whole.map((arbitrary) => ({ arbitrary, weight: 1 })),
  );
}

function safeParses(route: BodyRoute, body: unknown): boolean {
  return route.schema.safeParse(body).success;
}

/** How many generated bodies per route. */
const BODY_COUNTS: Record<string, number> = {
  'POST /reports': 70,
  'POST /operators': 45,
  'PATCH /operators/{operatorId}': 25,
  'POST /cases/{caseId}/approvals': 12,
  'POST /operator/orders/{orderId}/compliance': 12,
  'POST /operator/orders/{orderId}/appeal': 12,
  'POST /committee/reviews/{reviewId}/votes': 12,
  'POST /committee/reviews/{reviewId}/recusal': 10,
  'POST /committee/reviews/{reviewId}/decision': 12,
  'POST /operator/orders/{orderId}/reinstatement': 10,
};

function uniqueBy<T>(items: readonly T[], key: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const k = key(item);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

export function generatedBodies(): BadRequest[] {
  return BODY_ROUTES.flatMap((route) => {
    const arbitrary = bodyMutations(route).filter((mutation) => safeParses(route, mutation.body) === (mutation.schemaValid === true));
    const mutations = uniqueBy(sample(route.route, arbitrary, BODY_COUNTS[route.route] ?? 10), (m) => JSON.stringify(m.body));
    return mutations.map(
      (mutation, index): BadRequest => ({
        name: `${route.route} gen#${String(index + 1).padStart(2, '0')} ${mutation.description}`,
        route: route.route,
        kind: mutation.kind,
        origin: 'generated',
        user: route.user,
        method: route.method,
        path: route.path,
        body: mutation.body,
        expected: {
          status: 400,
          code: 'VALIDATION_FAILED',
          field: mutation.field,
          ...(mutation.detailIncludes === undefined ? {} : { detailIncludes: mutation.detailIncludes }),
        },
        schemaCheck: { schema: route.schema, valid: mutation.schemaValid === true },
      }),
    );
  });
}

// ----------------------------------------------------------------------------- Idempotency-Key

/** What a server reads from a header value that fetch sends: leading and trailing blanks dropped. */
const asReceived = (value: string): string => value.replace(/^[\t ]+|[\t ]+$/g, '');

/** Tabs and bytes from space up, no DEL: what fetch sends and node:http takes in a header value. */
const sendable = (value: string): boolean =>
  [...value].every((ch) => {
    const code = ch.charCodeAt(0);
    return code === 9 || (code >= 0x20 && code <= 0xff && code !== 0x7f);
  });

/** Header values fetch can send (bytes, no CR/LF/NUL) that the key rule refuses as received. */
export const badIdempotencyKey: fc.Arbitrary<string> = fc
  .oneof(
    fc.integer({ min: 129, max: 400 }).map((n) => 'k'.repeat(n)),
    fc.stringMatching(/^[A-Za-z0-9._:-]{129,160}$/),
    fc
      .tuple(
        fc.stringMatching(/^[A-Za-z0-9._:-]{0,20}$/),
        fc.constantFrom(' ', '/', '+', '=', '@', '#', '%', '!', '~', '"', ',', ';', '{', '*', '?', '\\', '\t', 'é', 'ÿ', '\u0080'),
        fc.stringMatching(/^[A-Za-z0-9._:-]{1,20}$/),
      )
      .map(([head, bad, tail]) => `${head}${bad}${tail}`),
  )
  .filter((key) => sendable(key) && !IDEMPOTENCY_KEY_RE.test(asReceived(key)));

export function generatedIdempotencyKeys(): BadRequest[] {
  const keys = uniqueBy(sample('Idempotency-Key', badIdempotencyKey, 12), (key) => key);
  return keys.map((key, index) => ({
    name: `POST /reports gen#key${String(index + 1).padStart(2, '0')} Idempotency-Key ${show(key, 40)}`,
    route: 'POST /reports',
    kind: 'bad Idempotency-Key',
    origin: 'generated',
    user: index % 2 === 0 ? 'staff-kim' : 'support-center',
    method: 'POST',
    path: '/reports',
    body: VALID_REPORT,
    headers: { 'Idempotency-Key': key },
    expected: { status: 400, code: 'VALIDATION_FAILED', field: 'Idempotency-Key' },
    schemaCheck: { schema: reportRequestSchema, valid: true },
  }));
}

// ----------------------------------------------------------------------------- path ids

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const ulid = fc.string({ unit: fc.constantFrom(...CROCKFORD), minLength: 26, maxLength: 26 });

/** Ids that name nothing: garbage, near misses of the id grammar, ids of the wrong kind, huge ids. */
export const badPathId: fc.Arbitrary<string> = fc
  .oneof(
    fc.string({ unit: 'binary', minLength: 1, maxLength: 24 }),
    fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 24 }),
    // Well-formed ids of things that do not exist.
    fc
      .tuple(fc.constantFrom('C', 'O', 'R', 'A'), ulid, fc.constantFrom('', '-op-webhard', '-POST', '-PRIOR', '-APPEAL-op-webhard'))
      .map((p) => p.join('')),
    // Near misses: lower case, a letter Crockford leaves out, one character short or long.
    fc.tuple(fc.constantFrom('C', 'c', 'O', 'R'), ulid, fc.constantFrom('lower', 'ILOU', 'short', 'long')).map(([prefix, id, how]) => {
      if (how === 'lower') return prefix + id.toLowerCase();
      if (how === 'ILOU') return `${prefix}${id.slice(0, 25)}U`;
      if (how === 'short') return prefix + id.slice(1);
      return `${prefix}${id}0`;
    }),
    fc.tuple(fc.constantFrom('C', 'O', 'R', 'op-', 'x'), fc.integer({ min: 1000, max: 3000 })).map(([prefix, n]) => prefix + 'Z'.repeat(n)),
    fc.constantFrom(
      '..',
      '.',
      '%00',
      'op-webhard\n',
      'op-webhard ',
      'OP-WEBHARD',
      '__proto__',
      'constructor',
      'undefined',
      'null',
      '*',
      "' OR 1=1 --",
    ),
  )
  .filter((id) => {
    try {
      encodeURIComponent(id);
    } catch {
      return false;
    }
    return !(SEEDED_OPERATORS as readonly string[]).includes(id);
  });

export function generatedPathIds(): BadRequest[] {
  return ID_ROUTES.flatMap((route) => {
    const ids = uniqueBy(sample(`path ${route.route}`, badPathId, 4), (id) => id);
    return ids.map(
      (id, index): BadRequest => ({
        name: `${route.route} gen#id${index + 1} path id ${show(id, 40)}`,
        route: route.route,
        kind: 'bad path id',
        origin: 'generated',
        user: route.user,
        method: route.method,
        path: route.path.replace('{id}', encodeURIComponent(id)),
        ...(route.body === undefined ? {} : { body: route.body }),
        expected: { status: 404, code: 'NOT_FOUND' },
        ...(route.schema === undefined ? {} : { schemaCheck: { schema: route.schema, valid: true } }),
      }),
    );
  });
}

// ----------------------------------------------------------------------------- query parameters

const queryValue = fc.oneof(
  fc.string({ unit: 'grapheme-ascii', maxLength: 12 }),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 6 }),
  fc.integer().map(String),
  fc.double({ noNaN: true }).map(String),
  fc.constantFrom('closed', 'open', 'Ko', 'EN', 'CLOSED,OPEN', 'ko\n', '-1', '1001', '1e9', '1.5', 'Infinity', 'NaN', '0x10000', 'true'),
);

export function generatedQueries(): BadRequest[] {
  return QUERY_ROUTES.flatMap((route) => {
    const arbitrary = queryValue.filter((value) => !route.schema.safeParse({ [route.parameter]: value }).success);
    const values = uniqueBy(sample(`query ${route.route}`, arbitrary, 6), (value) => value);
    return values.map(
      (value, index): BadRequest => ({
        name: `${route.route} gen#q${index + 1} ?${route.parameter}=${show(value, 36)}`,
        route: route.route,
        kind: 'bad query',
        origin: 'generated',
        user: route.user,
        method: 'GET',
        path: `${route.path}?${new URLSearchParams({ [route.parameter]: value }).toString()}`,
        expected: { status: 400, code: 'VALIDATION_FAILED', field: route.parameter },
      }),
    );
  });
}

export function generatedCorpus(): BadRequest[] {
  return [...generatedBodies(), ...generatedIdempotencyKeys(), ...generatedPathIds(), ...generatedQueries()];
}
