import { hashExportQuerySchema, hashMatchRequestSchema } from '../../shared/domain/hashes';
import { apiHandler, ok, parseBody, parseQuery } from '../../shared/runtime/http';
import { exportHashes, matchHashes } from '../../shared/services/hash-list';

export const handler = apiHandler({
  'POST /hashes/match': async (request) => ok(await matchHashes(parseBody(request, hashMatchRequestSchema))),
  'GET /hashes/export': async (request) => ok(await exportHashes(parseQuery(request, hashExportQuerySchema).since)),
});
