/**
 * A TCP proxy in front of an emulator, so a test can take the dependency down or stall it and
 * bring it back without stopping the emulator that other test files share.
 *   - `pass`: bytes flow both ways;
 *   - `down`: every connection is cut at once, as when the process is gone (ECONNRESET);
 *   - `stall`: connections are accepted and never answered, as when the process hangs.
 * Changing the mode cuts the connections open at that moment, so pooled sockets see it too.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export type ProxyMode = 'pass' | 'down' | 'stall';

export interface TcpProxy {
  /** The proxy's address, e.g. http://127.0.0.1:40123, to use in place of the target's. */
  readonly url: string;
  readonly mode: ProxyMode;
  /** Connections held unanswered right now in `stall` mode: requests the dependency is "working on". */
  readonly stalled: number;
  setMode(mode: ProxyMode): void;
  close(): Promise<void>;
}

export async function startTcpProxy(target: string): Promise<TcpProxy> {
  const { hostname, port } = new URL(target);
  const open = new Set<Socket>();
  const held = new Set<Socket>();
  let mode: ProxyMode = 'pass';

  const server: Server = createServer((client) => {
    open.add(client);
    client.on('close', () => open.delete(client));
    client.on('error', () => client.destroy());
    if (mode === 'down') {
      client.destroy();
      return;
    }
    if (mode === 'stall') {
      held.add(client);
      client.on('close', () => held.delete(client));
      return;
    }
    const upstream = connect(Number(port), hostname);
    open.add(upstream);
    upstream.on('close', () => {
      open.delete(upstream);
      client.destroy();
    });
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', () => listening()));
  const address = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${address.port}`,
    get mode() {
      return mode;
    },
    get stalled() {
      return held.size;
    },
    setMode(next) {
      mode = next;
      for (const socket of open) socket.destroy();
      open.clear();
      held.clear();
    },
    close: () =>
      new Promise<void>((closed) => {
        for (const socket of open) socket.destroy();
        server.close(() => closed());
      }),
  };
}
