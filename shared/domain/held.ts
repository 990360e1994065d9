/** The value `held` keeps under `key`, made by `create` (given the key) the first time it is asked for. */
export function heldOrCreated<Key, Value>(
  held: { get(key: Key): Value | undefined; set(key: Key, value: Value): unknown },
  key: Key,
  create: (key: Key) => Value,
): Value {
  let value = held.get(key);
  if (value === undefined) {
    value = create(key);
    held.set(key, value);
  }
  return value;
}
