/**
 * The API reference for people (#/api, no account): renders GET /openapi.json, the document
 * generated from the handlers' own schemas, grouped by tag, with who may call each route, what it
 * takes and what it answers. Everything is drawn here from the document: no CDN, no network but
 * the API itself.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { useT } from '../i18n';

interface Schema {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  description?: string;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  additionalProperties?: Schema | boolean;
}
interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  schema?: Schema;
}
interface Content {
  schema?: Schema;
  example?: unknown;
}
interface Operation {
  summary?: string;
  description?: string;
  tags?: string[];
  security?: Record<string, string[]>[];
  parameters?: Parameter[];
  requestBody?: { content: Record<string, Content> };
  responses: Record<string, { description?: string; content?: Record<string, Content> }>;
  'x-roles'?: string[];
  'x-local-only'?: boolean;
}
interface SecurityScheme {
  type: string;
  description?: string;
  flows?: { clientCredentials?: { scopes: Record<string, string> } };
}
export interface OpenApiDocument {
  info: { title: string; version: string; description?: string };
  tags?: { name: string; description?: string }[];
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema>; securitySchemes?: Record<string, SecurityScheme> };
}

interface Field {
  name: string;
  type: string;
  required: boolean;
  description?: string;
}

/** How deep nested objects are spelled out as `parent.child` fields. */
const NESTING = 3;

function resolve(document: OpenApiDocument, schema: Schema | undefined): Schema {
  const name = schema?.$ref?.replace('#/components/schemas/', '');
  return (name === undefined ? schema : document.components?.schemas?.[name]) ?? {};
}

function typeOf(document: OpenApiDocument, given: Schema | undefined): string {
  const schema = resolve(document, given);
  const variants = schema.anyOf ?? schema.oneOf;
  if (variants) return variants.map((variant) => typeOf(document, variant)).join(' | ');
  if (schema.enum) return schema.enum.map((value) => JSON.stringify(value)).join(' | ');
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (schema.type === 'array') return `${typeOf(document, schema.items)}[]`;
  const type = Array.isArray(schema.type) ? schema.type.join(' | ') : (schema.type ?? 'any');
  return schema.format ? `${type} (${schema.format})` : type;
}

function fieldsOf(document: OpenApiDocument, given: Schema | undefined, prefix = '', depth = 0): Field[] {
  const schema = resolve(document, given);
  const target = schema.type === 'array' ? resolve(document, schema.items) : schema;
  const path = schema.type === 'array' && prefix ? `${prefix}[]` : prefix;
  if (!target.properties || depth >= NESTING) return [];
  return Object.entries(target.properties).flatMap(([key, property]) => {
    const name = path ? `${path}.${key}` : key;
    const field: Field = {
      name,
      type: typeOf(document, property),
      required: target.required?.includes(key) ?? false,
      ...(resolve(document, property).description ? { description: resolve(document, property).description } : {}),
    };
    return [field, ...fieldsOf(document, property, name, depth + 1)];
  });
}

/** The document's descriptions are Markdown with `code` spans: those become <code>, the rest stays text. */
function Prose({ text }: { text: string | undefined }) {
  if (!text) return null;
  return (
    <>
      {text.split('`').map((part, index) =>
        // biome-ignore lint/suspicious/noArrayIndexKey: the pieces of one fixed text never move, so their place is their identity
        index % 2 === 1 ? <code key={index}>{part}</code> : part,
      )}
    </>
  );
}

function Fields({ fields }: { fields: Field[] }) {
  const { t } = useT();
  if (fields.length === 0) return <p class="meta">{t('apiNoFields')}</p>;
  return (
    <ul class="api-fields">
      {fields.map((field) => (
        <li key={field.name}>
          <code>{field.name}</code> <span class="api-type">{field.type}</span>{' '}
          {field.required && <span class="badge muted">{t('apiRequired')}</span>}
          {field.description && (
            <div class="meta">
              <Prose text={field.description} />
            </div>
          )}
        </li>
      ))}
    </ul>
  );
}

function OperationCard({
  document,
  method,
  path,
  operation,
}: {
  document: OpenApiDocument;
  method: string;
  path: string;
  operation: Operation;
}) {
  const { t } = useT();
  const roles = operation['x-roles'] ?? [];
  const scopes = (operation.security ?? []).flatMap((requirement) => requirement.machineClient ?? []);
  const body = operation.requestBody?.content['application/json'];
  const statuses = Object.entries(operation.responses);
  const answers = statuses.filter(([status]) => Number(status) < 400);
  const errors = statuses.filter(([status]) => Number(status) >= 400);
  const id = `${method}-${path}`.replace(/[^A-Za-z0-9]+/g, '-');
  return (
    <article class="card api-operation" aria-labelledby={id}>
      <h3 id={id}>
        <span class="badge">{method.toUpperCase()}</span> <code class="api-path">{path}</code>
      </h3>
      <p>
        <Prose text={operation.summary} />
      </p>
      <dl class="facts">
        <dt>{t('apiWho')}</dt>
        <dd>{roles.length === 0 ? t('apiPublic') : roles.join(', ')}</dd>
        {scopes.length > 0 && (
          <>
            <dt>{t('apiScopes')}</dt>
            <dd>{scopes.join(', ')}</dd>
          </>
        )}
        {operation['x-local-only'] && (
          <>
            <dt>{t('apiWhere')}</dt>
            <dd>{t('apiLocalOnly')}</dd>
          </>
        )}
      </dl>
      {(operation.parameters ?? []).length > 0 && (
        <>
          <h4>{t('apiParameters')}</h4>
          <Fields
            fields={(operation.parameters ?? []).map((parameter) => ({
              name: `${parameter.name} (${parameter.in})`,
              type: typeOf(document, parameter.schema),
              required: parameter.required ?? false,
            }))}
          />
        </>
      )}
      {body && (
        <>
          <h4>{t('apiBody')}</h4>
          <Fields fields={fieldsOf(document, body.schema)} />
          {body.example !== undefined && (
            <>
              <h5>{t('apiExample')}</h5>
              <pre class="api-example">{JSON.stringify(body.example, null, 2)}</pre>
            </>
          )}
        </>
      )}
      {answers.map(([status, answer]) => (
        <details key={status}>
          <summary>
            {t('apiAnswer', { status })} {Object.keys(answer.content ?? {}).join(', ')}
          </summary>
          <Fields fields={fieldsOf(document, answer.content?.['application/json']?.schema)} />
        </details>
      ))}
      <p class="meta">
        {t('apiErrors')}:{' '}
        {errors.map(([status, answer]) => `${status} ${answer.description?.replace(/^Error: |\.$/g, '') ?? ''}`).join('; ')}
      </p>
    </article>
  );
}

const tagId = (tag: string): string => `tag-${tag.replace(/\W+/g, '-')}`;

/** The routes of each tag, in the document's order of tags. */
function grouped(document: OpenApiDocument): { tag: string; description?: string; operations: [string, string, Operation][] }[] {
  const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => [method, path, operation] as [string, string, Operation]),
  );
  return (document.tags ?? []).map((tag) => ({
    tag: tag.name,
    ...(tag.description ? { description: tag.description } : {}),
    operations: operations.filter(([, , operation]) => operation.tags?.includes(tag.name)),
  }));
}

export function ApiReferencePage({ apiUrl }: { apiUrl: string }) {
  const { t } = useT();
  const [document, setDocument] = useState<OpenApiDocument | null>(null);
  const [failed, setFailed] = useState<string | null>(null);

  useEffect(() => {
    fetch(`${apiUrl}/openapi.json`, { headers: { accept: 'application/json' } })
      .then(async (response) => {
        if (!response.ok) throw new Error(String(response.status));
        setDocument((await response.json()) as OpenApiDocument);
      })
      .catch((error: unknown) => setFailed(error instanceof Error ? error.message : String(error)));
  }, [apiUrl]);

  // The download is the document already loaded: locally a browser asking for /openapi.json as a
  // page would be answered the web UI itself (the local server gives HTML to a GET that accepts it).
  const download = useMemo(
    () => (document ? URL.createObjectURL(new Blob([JSON.stringify(document, null, 2)], { type: 'application/json' })) : null),
    [document],
  );
  useEffect(() => () => (download ? URL.revokeObjectURL(download) : undefined), [download]);

  if (failed)
    return (
      <p class="error" role="alert">
        {t('error', { message: failed })}
      </p>
    );
  if (!document) return <p aria-busy="true">{t('loading')}</p>;
  const schemes = Object.entries(document.components?.securitySchemes ?? {});
  return (
    <div class="api-reference">
      <h1>{t('apiTitle')}</h1>
      <p>{t('apiIntro')}</p>
      <p class="meta">{t('apiInEnglish')}</p>
      <p>
        <a href={download ?? undefined} download="openapi.json">
          {t('apiDownload')}
        </a>{' '}
        (<code>GET {apiUrl}/openapi.json</code>) · OpenAPI 3.1 · {document.info.title} {document.info.version}
      </p>
      <nav aria-label={t('apiGroups')} class="api-groups">
        <ul class="inline">
          {grouped(document).map(({ tag }) => (
            <li key={tag}>
              {/* The hash is the router's: a button scrolls to the group rather than a `#tag-…` link. */}
              <button type="button" class="link" onClick={() => window.document.getElementById(tagId(tag))?.scrollIntoView()}>
                {tag}
              </button>
            </li>
          ))}
        </ul>
      </nav>
      <section aria-labelledby="api-security">
        <h2 id="api-security">{t('apiSecurity')}</h2>
        {schemes.map(([name, scheme]) => (
          <div key={name} class="card">
            <h3>
              <code>{name}</code> <span class="meta">{scheme.type}</span>
            </h3>
            <p>
              <Prose text={scheme.description} />
            </p>
            {scheme.flows?.clientCredentials && (
              <ul class="api-fields">
                {Object.entries(scheme.flows.clientCredentials.scopes).map(([scope, meaning]) => (
                  <li key={scope}>
                    <code>{scope}</code> <span class="meta">{meaning}</span>
                  </li>
                ))}
              </ul>
            )}
          </div>
        ))}
      </section>
      {grouped(document).map(({ tag, description, operations }) => (
        <section key={tag} aria-labelledby={tagId(tag)}>
          <h2 id={tagId(tag)}>{tag}</h2>
          {description && (
            <p class="meta">
              <Prose text={description} />
            </p>
          )}
          {operations.map(([method, path, operation]) => (
            <OperationCard key={`${method} ${path}`} document={document} method={method} path={path} operation={operation} />
          ))}
        </section>
      ))}
    </div>
  );
}
