import { Logger } from '@aws-lambda-powertools/logger';

/**
 * The one configured logger. Log ids and statuses only: never a task token, a summary, a reporter
 * reference or a URL of reported content (URLs can identify a victim).
 */
export const logger = new Logger({
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'urgent-deliberation',
  logLevel: (process.env.LOG_LEVEL as 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT' | undefined) ?? 'INFO',
});
