/**
 * Reading a legal timestamp: an ISO 8601 string that names its zone. No dependencies, so the
 * web UI can share it with the deadline rules (docs/web.md: the bundle carries no holiday calendar).
 */
export function toMs(at: string): number {
  // Date.parse would read a zone-less string as local time: a legal time must name its zone.
  if (!/(?:Z|[+-]\d{2}:\d{2})$/.test(at)) throw new RangeError(`a timestamp must end with Z or an offset: ${at}`);
  const ms = Date.parse(at);
  if (Number.isNaN(ms)) throw new RangeError(`not an ISO 8601 timestamp: ${at}`);
  return ms;
}
