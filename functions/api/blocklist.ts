import { z } from 'zod';
import { nowIso } from '../../shared/runtime/clock';
import { apiHandler, ok, parseQuery } from '../../shared/runtime/http';
import { readBlocklist, readBlocklistChanges, readBlocklistKey } from '../../shared/services/blocklist';

/** `since`: a version an ISP loaded before (0: the empty list before the first version). */
const changesQuery = z.strictObject({
  since: z
    .string()
    .regex(/^(0|[1-9][0-9]{0,11})$/, 'a version: a whole number from 0, as answered in `version`')
    .transform(Number),
});

/**
 * `GET /isp/blocklist`, `GET /isp/blocklist/changes?since=<version>` and `GET /isp/blocklist/key`
 * (ISPs, staff, auditors): the signed block list, what changed since a version, and the public key
 * that verifies both (docs/blocklist.md).
 */
export const handler = apiHandler({
  'GET /isp/blocklist': async (request) => ok(await readBlocklist(request.identity, nowIso())),
  'GET /isp/blocklist/changes': async (request) => {
    const { since } = parseQuery(request, changesQuery);
    return ok(await readBlocklistChanges(request.identity, since));
  },
  'GET /isp/blocklist/key': async (request) => ok(await readBlocklistKey(request.identity)),
});
