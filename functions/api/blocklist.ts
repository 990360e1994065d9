import { blocklistChangesQuerySchema } from '../../shared/domain/blocklist';
import { nowIso } from '../../shared/runtime/clock';
import { apiHandler, ok, parseQuery } from '../../shared/runtime/http';
import { readBlocklist, readBlocklistChanges, readBlocklistKey } from '../../shared/services/blocklist';

/**
 * `GET /isp/blocklist`, `GET /isp/blocklist/changes?since=<version>` and `GET /isp/blocklist/key`
 * (ISPs, staff, auditors): the signed block list, what changed since a version, and the public key
 * that verifies both (docs/blocklist.md).
 */
export const handler = apiHandler({
  'GET /isp/blocklist': async (request) => ok(await readBlocklist(request.identity, nowIso())),
  'GET /isp/blocklist/changes': async (request) => {
    const { since } = parseQuery(request, blocklistChangesQuerySchema);
    return ok(await readBlocklistChanges(request.identity, since));
  },
  'GET /isp/blocklist/key': async (request) => ok(await readBlocklistKey(request.identity)),
});
