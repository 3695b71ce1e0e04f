/**
 * Targets that are wrong in the ways people get targets wrong: a closed port, a web page where
 * the API should be, a server that never answers. Each listens on 127.0.0.1 and counts requests.
 */
import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';

export interface TestServer {
  url: string;
  requests: () => number;
  close(): Promise<void>;
}

export async function startServer(
  answer: (
    request: import('node:http').IncomingMessage,
    response: import('node:http').ServerResponse,
  ) => void,
): Promise<TestServer> {
  const sockets = new Set<Socket>();
  let requests = 0;
  const server: Server = createServer((request, response) => {
    requests += 1;
    request.resume();
    answer(request, response);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('test server has no port');
  return {
    url: `http://127.0.0.1:${address.port}`,
    requests: () => requests,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A web app's HTML page on every route, as a mistyped baseUrl or a login proxy gives. */
export const htmlServer = () =>
  startServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end('<!doctype html><html><body><h1>facilioo</h1></body></html>');
  });

/** Accepts the connection and never answers. */
export const silentServer = () => startServer(() => {});

/** A port nothing listens on: bound, then closed again. */
export async function closedPort(): Promise<string> {
  const server = await startServer(() => {});
  await server.close();
  return server.url;
}
