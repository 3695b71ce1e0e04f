/**
 * A server that breaks in one chosen way, to prove the gate ends in bounded time with named
 * failures — never a hang, a crash or a pass — whatever a target does. It answers the preflight
 * round (its first two requests) like the API, then breaks: a target that stops answering
 * mid-run, which the preflight cannot catch.
 */
import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';

export const FAULTS = ['5xx', 'reset', 'hang', 'slow', 'malformed-json'] as const;
export type Fault = (typeof FAULTS)[number];

export interface FaultServer {
  url: string;
  requests: () => number;
  close(): Promise<void>;
}

/** The preflight sends one refresh and one login, at once. */
export const PREFLIGHT_REQUESTS = 2;

export async function startFaultServer(
  fault: Fault,
  healthyFirst = PREFLIGHT_REQUESTS,
): Promise<FaultServer> {
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let requests = 0;
  const server: Server = createServer((request, response) => {
    requests += 1;
    request.resume();
    if (requests <= healthyFirst) {
      const login = request.url?.endsWith('/login') === true;
      response.writeHead(login ? 200 : 401, {
        'content-type': login ? 'application/json' : 'application/problem+json',
      });
      response.end(
        login
          ? JSON.stringify({ accessToken: 'eyJhbGciOiJSUzI1NiJ9.e30.c2ln', refreshToken: 'preflight-only' })
          : JSON.stringify({ title: 'Unauthorized', status: 401 }),
      );
      return;
    }
    switch (fault) {
      case '5xx':
        response.writeHead(500, { 'content-type': 'application/problem+json' });
        response.end(JSON.stringify({ title: 'Internal Server Error', status: 500 }));
        return;
      case 'reset':
        request.socket.destroy();
        return;
      case 'hang':
        return; // never answers; the socket stays open until the client gives up
      case 'slow': {
        // Headers at once, then a JSON body one byte every 100 ms: a byte arrives well within any
        // idle timeout a client might use, yet the whole body takes seconds — longer than any
        // request timeout the tests set.
        response.writeHead(200, { 'content-type': 'application/json' });
        const body = '{"accessToken":"eyJhbGciOiJSUzI1NiJ9.e30.c2ln","refreshToken":"x"}';
        let sent = 0;
        const timer = setInterval(() => {
          if (sent >= body.length || response.destroyed) {
            clearInterval(timer);
            timers.delete(timer);
            response.end();
            return;
          }
          response.write(body[sent++]);
        }, 100);
        timers.add(timer);
        return;
      }
      case 'malformed-json':
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end('{"accessToken": "eyJhbGciOiJSUzI1NiJ9.e30.c2ln", "refreshToken": ');
        return;
    }
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('fault server has no port');
  return {
    url: `http://127.0.0.1:${address.port}`,
    requests: () => requests,
    close: async () => {
      for (const timer of timers) clearInterval(timer);
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
