import { statisticsFormatSchema } from '../../shared/api/inputs';
import { rangeQuerySchema, statisticsCsv } from '../../shared/domain/statistics';
import { nowIso } from '../../shared/runtime/clock';
import { config } from '../../shared/runtime/config';
import { apiHandler, ok, parseQuery, text } from '../../shared/runtime/http';
import { readStatistics } from '../../shared/services/statistics';

/** `GET /statistics` (staff, auditor): the transparency statistics, as JSON or `?format=csv`. */
export const handler = apiHandler({
  'GET /statistics': async (request) => {
    const { policy } = config();
    const { format } = parseQuery(request, statisticsFormatSchema);
    const range = parseQuery(request, rangeQuerySchema(nowIso(), policy.timeZone));
    const figures = await readStatistics(range, policy);
    return format === 'csv'
      ? text(statisticsCsv(figures), 'text/csv; charset=utf-8', `statistics-${range.from}-${range.to}.csv`)
      : ok(figures);
  },
});
