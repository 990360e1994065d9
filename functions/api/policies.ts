import { apiHandler, ok } from '../../shared/runtime/http';
import { activePolicy, readPolicyVersion } from '../../shared/services/policies';

/**
 * `GET /policies/current` and `GET /policies/{version}` (staff, committee, auditor, operator):
 * a policy document with its version, the SHA-256 of its canonical JSON, which anyone can check.
 */
export const handler = apiHandler({
  'GET /policies/current': async () => ok(activePolicy()),
  'GET /policies/{version}': async (request) => ok(await readPolicyVersion(request.pathParameters.version ?? '')),
});
