import { apiFunctions } from '../../infra/functions';
import { openApiDocument, OPENAPI_ROUTE } from '../../shared/api/openapi';
import { ok, publicApiHandler } from '../../shared/runtime/http';

/** Built once per container: the document changes only with a deployment. */
let document: ReturnType<typeof openApiDocument> | undefined;

/** `GET /openapi.json` (no sign-in): the OpenAPI 3.1 document of every route of the manifest. */
export const handler = publicApiHandler({
  [OPENAPI_ROUTE]: async () => {
    document ??= openApiDocument(apiFunctions);
    return ok(document);
  },
});
