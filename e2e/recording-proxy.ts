/**
 * A pass-through HTTP proxy that notes every secret crossing it, so a test can plant the real
 * values of a run — whatever the suites sent and the target answered — and search the reports
 * for exactly those, instead of for values it guessed.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { Agent, request } from 'undici';

/** JSON keys whose string values are secrets, in either direction. */
const SECRET_KEYS: Record<string, SecretKind> = {
  password: 'password',
  newPassword: 'password',
  accessToken: 'token',
  refreshToken: 'token',
  token: 'token',
  recoveryCode: 'recoveryCode',
};
/** Mailbox message fields that carry the body, where recovery codes are sent. */
const BODY_KEYS = new Set(['Text', 'HTML', 'Snippet']);
const CODE = /\b\d{6}\b/g;
// undici refuses these on a request; the proxy's own connection handling replaces them.
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
  'expect',
  'host',
  'content-length',
]);

export type SecretKind = 'password' | 'token' | 'recoveryCode';

export interface RecordingProxy {
  url: string;
  /** Every distinct secret seen so far, by kind. */
  recorded(): Record<SecretKind, Set<string>>;
  requests(): number;
  close(): Promise<void>;
}

export async function startRecordingProxy(upstream: string): Promise<RecordingProxy> {
  const recorded: Record<SecretKind, Set<string>> = {
    password: new Set(),
    token: new Set(),
    recoveryCode: new Set(),
  };
  const note = (kind: SecretKind, value: string) => {
    if (value.length > 0) recorded[kind].add(value);
  };
  const dispatcher = new Agent();
  const sockets = new Set<Socket>();
  let requests = 0;

  const server: Server = createServer(async (incoming, outgoing) => {
    requests += 1;
    try {
      const chunks: Buffer[] = [];
      for await (const chunk of incoming) chunks.push(chunk as Buffer);
      const body = Buffer.concat(chunks);
      noteHeaders(incoming.headers, note);
      noteJson(body, note, false);

      const path = incoming.url ?? '/';
      const answer = await request(`${upstream}${path}`, {
        method: incoming.method as 'GET',
        headers: forwardable(incoming.headers),
        body: body.length > 0 ? body : null,
        dispatcher,
      });
      const answerBody = Buffer.from(await answer.body.arrayBuffer());
      noteJson(answerBody, note, path.startsWith('/mailbox/'));

      const headers: Record<string, string | string[]> = {};
      for (const [name, value] of Object.entries(answer.headers)) {
        if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
      }
      headers['content-length'] = String(answerBody.length);
      outgoing.writeHead(answer.statusCode, headers);
      outgoing.end(answerBody);
    } catch (error) {
      // The target is in-process; a failure here is the proxy's, so say so in the answer.
      if (!outgoing.headersSent) outgoing.writeHead(502, { 'content-type': 'text/plain' });
      outgoing.end(`recording proxy: ${error instanceof Error ? error.message : String(error)}`);
    }
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('recording proxy has no port');

  return {
    url: `http://127.0.0.1:${address.port}`,
    recorded: () => recorded,
    requests: () => requests,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await dispatcher.close();
    },
  };
}

function forwardable(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
  }
  return out;
}

function noteHeaders(headers: IncomingHttpHeaders, note: (kind: SecretKind, value: string) => void): void {
  const bearer = /^Bearer\s+(\S+)/i.exec(headers.authorization ?? '');
  if (bearer?.[1]) note('token', bearer[1]);
}

function noteJson(body: Buffer, note: (kind: SecretKind, value: string) => void, mailbox: boolean): void {
  if (body.length === 0) return;
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    return; // not JSON (plain-text problems, "ok"): nothing keyed to record
  }
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(walk);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    for (const [key, child] of Object.entries(node)) {
      const kind = SECRET_KEYS[key];
      if (kind && typeof child === 'string') note(kind, child);
      // The hub types the recovery code int32 (target option recoveryCodeType).
      else if (kind === 'recoveryCode' && typeof child === 'number') note(kind, String(child));
      else if (mailbox && BODY_KEYS.has(key) && typeof child === 'string') {
        for (const match of child.matchAll(CODE)) note('recoveryCode', match[0]);
      } else walk(child);
    }
  };
  walk(value);
}
