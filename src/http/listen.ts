import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Starts server listening on host:port (0: any free port) and resolves with the address it got, or rejects (EADDRINUSE…). */
export function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}
