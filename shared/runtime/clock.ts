/** The only place the adapters and handlers read the wall clock; domain rules take `now` as an argument. */
export function nowIso(): string {
  return new Date().toISOString();
}

export function nowMs(): number {
  return Date.now();
}
