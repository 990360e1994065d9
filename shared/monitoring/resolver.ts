/**
 * A resolver that answers one address for every host name: the local runtime and the tests point
 * the post-monitoring checker at a server on 127.0.0.1 with it, so no check leaves the machine.
 */
import { isIP, type LookupFunction } from 'node:net';

export function resolveEveryHostTo(address: string): LookupFunction {
  const family = isIP(address);
  if (family === 0) throw new Error(`POST_MONITORING_RESOLVE_TO=${address} is not an IP address.`);
  return (_hostname, options, callback) => {
    // Node asks for every address (`all`) when it may try several families; one is all there is.
    if (options.all)
      (callback as unknown as (error: null, addresses: { address: string; family: number }[]) => void)(null, [{ address, family }]);
    else callback(null, address, family);
  };
}
