/**
 * Checks an HTTP answer against the OpenAPI document (GET /openapi.json, generated from
 * shared/api/routes.ts): the route and status must be documented, and a JSON body must match the
 * documented schema (ajv, JSON Schema 2020-12 as OpenAPI 3.1 uses it). The e2e suite's `Api.call`
 * runs every answer it receives through it, so an answer the document does not describe fails the
 * test that saw it.
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { apiFunctions } from '../../infra/functions';
import { openApiDocument } from '../../shared/api/openapi';

interface MediaType {
  readonly schema?: unknown;
}
interface Operation {
  readonly responses: Record<string, { content?: Record<string, MediaType> }>;
}

const document = openApiDocument(apiFunctions);
const paths = document.paths as unknown as Record<string, Record<string, Operation>>;

// Compiled once: the components live in `$defs` so that `$ref`s resolve inside each answer's schema.
const definitions = JSON.parse(
  JSON.stringify(document.components?.schemas ?? {}).replaceAll('#/components/schemas/', '#/$defs/'),
) as Record<string, unknown>;
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
const validators = new Map<string, ValidateFunction>();

function validatorOf(key: string, schema: unknown): ValidateFunction {
  let validate = validators.get(key);
  if (!validate) {
    const rewritten = JSON.parse(JSON.stringify(schema).replaceAll('#/components/schemas/', '#/$defs/')) as object;
    validate = ajv.compile({ ...rewritten, $defs: definitions });
    validators.set(key, validate);
  }
  return validate;
}

const templates = Object.keys(paths).map((template) => ({
  template,
  pattern: new RegExp(`^${template.replace(/\{\w+\}/g, '[^/]+')}$`),
}));

/** The documented path template a request path matches (a template without parameters first). */
export function documentedPathOf(path: string): string | undefined {
  const pathname = path.split('?')[0] ?? path;
  const matches = templates.filter(({ pattern }) => pattern.test(pathname));
  return matches.sort((a, b) => a.template.split('{').length - b.template.split('{').length)[0]?.template;
}

const ERROR_KEY = 'error';

/**
 * Why the answer does not match the document, or undefined when it does. A path that no route
 * has may answer only the contract's error body with 404 or 405 (a request to a route that does
 * not exist).
 */
export function answerMismatch(method: string, path: string, status: number, contentType: string, body: unknown): string | undefined {
  const template = documentedPathOf(path);
  const operation = template === undefined ? undefined : paths[template]?.[method.toLowerCase()];
  const where = `${method.toUpperCase()} ${template ?? path} answered ${status}`;
  if (!operation) {
    if (status !== 404 && status !== 405) return `${where}: the OpenAPI document has no such route`;
    return check(`${ERROR_KEY}:${status}`, document.components?.schemas?.Error, body, where);
  }
  const response = operation.responses[String(status)];
  if (!response) return `${where}: the OpenAPI document does not list status ${status} for this route`;
  const mediaType = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  const content = response.content ?? {};
  const documented = content[mediaType];
  if (!documented) {
    return `${where} with ${mediaType || 'no content type'}; the document lists ${Object.keys(content).join(', ') || 'no body'}`;
  }
  if (mediaType !== 'application/json') return undefined;
  return check(`${method} ${template} ${status}`, documented.schema, body, where);
}

function check(key: string, schema: unknown, body: unknown, where: string): string | undefined {
  const validate = validatorOf(key, schema);
  if (validate(body)) return undefined;
  return `${where}, which does not match the OpenAPI document: ${ajv.errorsText(validate.errors, { separator: '; ' })}`;
}
