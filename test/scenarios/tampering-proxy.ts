/**
 * A loopback proxy in front of a target that rewrites chosen JSON responses or holds chosen
 * requests, to build servers that break one rule the reference API has no defect for (e.g. "the
 * new refresh token works"), or a machine that is busy for a while.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';

export type Rewrite = (path: string, status: number, body: unknown) => unknown;

export interface TamperingProxy {
  url: string;
  close(): Promise<void>;
}

/** Milliseconds to hold a request before it is passed on (0: none), from its path and body. */
export type Hold = (path: string, body: string) => number;

export async function startTamperingProxy(
  upstream: string,
  rewrite: Rewrite,
  hold: Hold = () => 0,
): Promise<TamperingProxy> {
  const server: Server = createServer(async (incoming, outgoing) => {
    try {
      const chunks: Buffer[] = [];
      for await (const chunk of incoming) chunks.push(chunk as Buffer);
      const held = hold(
        new URL(incoming.url ?? '/', upstream).pathname,
        Buffer.concat(chunks).toString('utf8'),
      );
      if (held > 0) await new Promise((resolve) => setTimeout(resolve, held));
      const headers = { ...incoming.headers };
      delete headers.host;
      delete headers.connection;
      const response = await request(`${upstream}${incoming.url ?? '/'}`, {
        method: (incoming.method ?? 'GET') as 'GET',
        headers: headers as Record<string, string>,
        body: chunks.length ? Buffer.concat(chunks) : undefined,
      });
      let text = await response.body.text();
      const type = String(response.headers['content-type'] ?? '');
      if (type.includes('json') && text) {
        text = JSON.stringify(
          rewrite(new URL(incoming.url ?? '/', upstream).pathname, response.statusCode, JSON.parse(text)),
        );
      }
      const passed: Record<string, string | string[]> = {};
      for (const [name, value] of Object.entries(response.headers)) {
        if (
          value !== undefined &&
          !['content-length', 'connection', 'keep-alive', 'transfer-encoding'].includes(name)
        ) {
          passed[name] = value;
        }
      }
      outgoing.writeHead(response.statusCode, passed).end(text);
    } catch (error) {
      outgoing.writeHead(502, { 'content-type': 'text/plain' }).end(String(error));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
