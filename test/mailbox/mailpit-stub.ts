/**
 * A Mailpit API subset on node:http (spec, "Mailbox"), mounted under a path prefix as the
 * reference API mounts its outbox, with knobs for the failures the adapter must survive.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StubMessage {
  ID: string;
  To: string[];
  Subject: string;
  Text: string;
  HTML: string;
  Created: Date;
}

export interface MailpitStub {
  /** Base URL including the prefix, e.g. http://127.0.0.1:PORT/mailbox */
  url: string;
  messages: StubMessage[];
  add(message: Partial<StubMessage> & { To: string[] }): StubMessage;
  /** Called on every search, before answering; lets a test deliver mail "later" without timers. */
  onSearch: ((count: number) => void) | undefined;
  searches: number;
  /** Status codes to answer the next requests with, instead of the real answer. */
  failWith: number[];
  /** Milliseconds every answer is held back, as a slow or distant mailbox would. */
  delayMs: number;
  /** 405 for DELETE, as a mail catcher without that call would answer. */
  deleteSupported: boolean;
  requests: string[];
  close(): Promise<void>;
}

export async function startMailpitStub(prefix = '/mailbox'): Promise<MailpitStub> {
  let nextId = 1;
  const stub: MailpitStub = {
    url: '',
    messages: [],
    add(message) {
      const full: StubMessage = {
        ID: `msg-${nextId++}`,
        Subject: 'Your recovery code',
        Text: '',
        HTML: '',
        Created: new Date(),
        ...message,
      };
      stub.messages.push(full);
      return full;
    },
    onSearch: undefined,
    searches: 0,
    failWith: [],
    delayMs: 0,
    deleteSupported: true,
    requests: [],
    close: async () => {},
  };

  const send = (res: ServerResponse, status: number, body: unknown) => {
    const answer = () => {
      res.writeHead(status, { 'content-type': typeof body === 'string' ? 'text/plain' : 'application/json' });
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
    };
    if (stub.delayMs > 0) setTimeout(answer, stub.delayMs);
    else answer();
  };
  const toQuery = (query: string) => /to:"([^"]*)"/.exec(query)?.[1]?.toLowerCase() ?? '';
  // Mailpit's `to:` is a substring match; the stub keeps that, so exact filtering is the adapter's job.
  const matching = (query: string) =>
    stub.messages.filter((m) => m.To.some((to) => to.toLowerCase().includes(toQuery(query))));

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://stub');
    stub.requests.push(`${req.method} ${url.pathname}${url.search}`);
    const failure = stub.failWith.shift();
    if (failure) return send(res, failure, 'stub failure');
    if (!url.pathname.startsWith(`${prefix}/api/v1/`)) return send(res, 404, '404 page not found');
    const route = url.pathname.slice(prefix.length);
    const query = url.searchParams.get('query') ?? '';
    if (route === '/api/v1/search' && req.method === 'GET') {
      stub.searches++;
      stub.onSearch?.(stub.searches);
      const found = matching(query).sort((a, b) => b.Created.getTime() - a.Created.getTime());
      const limit = Number(url.searchParams.get('limit') ?? 50);
      return send(res, 200, {
        total: stub.messages.length,
        messages_count: found.length,
        messages: found.slice(0, limit).map((m) => ({
          ID: m.ID,
          To: m.To.map((Address) => ({ Name: '', Address })),
          Subject: m.Subject,
          Created: m.Created.toISOString(),
          Snippet: m.Text.slice(0, 250),
        })),
      });
    }
    if (route === '/api/v1/search' && req.method === 'DELETE') {
      if (!stub.deleteSupported) return send(res, 405, 'Method Not Allowed');
      const doomed = new Set(matching(query));
      stub.messages = stub.messages.filter((m) => !doomed.has(m));
      return send(res, 200, 'ok');
    }
    const id = /^\/api\/v1\/message\/([^/]+)$/.exec(route)?.[1];
    if (id && req.method === 'GET') {
      const m = stub.messages.find((message) => message.ID === decodeURIComponent(id));
      if (!m) return send(res, 404, 'message not found');
      return send(res, 200, {
        ID: m.ID,
        Subject: m.Subject,
        Text: m.Text,
        HTML: m.HTML,
        To: m.To.map((Address) => ({ Name: '', Address })),
        Date: m.Created.toISOString(),
      });
    }
    return send(res, 404, '404 page not found');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  stub.url = `http://127.0.0.1:${port}${prefix}`;
  stub.close = () =>
    new Promise<void>((resolve, reject) => {
      server.closeAllConnections();
      server.close((error) => (error ? reject(error) : resolve()));
    });
  return stub;
}
