/**
 * Remembers `value` under `key` as the most recent entry and forgets the least recently remembered
 * beyond `limit`: a process's cache of facts about cases stays bounded however many cases pass
 * through it (the one-machine runtime runs for months; a Lambda's container may too).
 */
export function remember<K, V>(entries: Map<K, V>, key: K, value: V, limit: number): void {
  entries.delete(key);
  entries.set(key, value);
  if (entries.size > limit) entries.delete(entries.keys().next().value as K);
}
