/** Small helpers shared by the local stand-ins: listen on a port and close a server politely. */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A port taken by another process: start-up stops with this message alone, no stack. */
export class PortInUseError extends Error {
  constructor(port: number, host: string, variable: string) {
    super(`Port ${port} on ${host} is already in use; set ${variable} to another port.`);
    this.name = 'PortInUseError';
  }
}

/** Listens and resolves to the `http://host:port` address, or rejects with a message naming the port. */
export function listen(server: Server, port: number, host: string, variable: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      reject(error.code === 'EADDRINUSE' ? new PortInUseError(port, host, variable) : error);
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      const address = server.address() as AddressInfo;
      resolve(`http://${host.includes(':') ? `[${host}]` : host}:${address.port}`);
    });
  });
}

/** Stops accepting, drops idle keep-alive connections, and resolves once the server has closed. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!server.listening) {
      resolve();
      return;
    }
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeIdleConnections?.();
  });
}
