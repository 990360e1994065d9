import { rangeQuerySchema } from '../../shared/domain/statistics';
import { nowIso } from '../../shared/runtime/clock';
import { config } from '../../shared/runtime/config';
import { ok, parseQuery, publicApiHandler } from '../../shared/runtime/http';
import { readPublicStatistics } from '../../shared/services/statistics';

/** `GET /statistics/public` (no sign-in): the aggregate without operators or cases, small counts shown as "<5". */
export const handler = publicApiHandler({
  'GET /statistics/public': async (request) => {
    const { policy } = config();
    return ok(await readPublicStatistics(parseQuery(request, rangeQuerySchema(nowIso(), policy.timeZone)), policy));
  },
});
