// Shared helpers for the reference API tests: cached keys, a server on 127.0.0.1:0, and a small
// HTTP caller over undici (real sockets, never fastify.inject).
import { type Dispatcher, request } from 'undici';
import {
  ManualClock,
  type ReferenceKeyPair,
  type RunningReferenceApi,
  type StartOptions,
  startReferenceApi,
} from '../../src/reference-api/index.ts';
import type { AccountSlot } from '../../src/roles.ts';
import { DEFAULT_PATHS } from '../../src/target/types.ts';
import { testKey } from '../fixtures/keys.ts';

/** Two checked-in key pairs instead of key generation, the slowest thing a test could repeat. */
export function testKeys(): Promise<ReferenceKeyPair[]> {
  return Promise.resolve(
    [testKey(1), testKey(2)].map(({ privateKeyPem, publicKey }) => ({
      privateKeyPem,
      publicKeyPem: publicKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
    })),
  );
}

export interface TestApi extends RunningReferenceApi {
  clock: ManualClock;
}

/** A reference API on a free loopback port with a manual clock and the cached keys. */
export async function startTestApi(options: Omit<StartOptions, 'clock'> = {}): Promise<TestApi> {
  const clock = new ManualClock();
  const api = await startReferenceApi({ keys: await testKeys(), ...options, clock });
  return { ...api, clock };
}

export interface Reply {
  status: number;
  headers: Record<string, string>;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are checked field by field in tests
  body: any;
}

export interface CallOptions {
  json?: unknown;
  token?: string;
  headers?: Record<string, string>;
  /** Raw body bytes; with no content-type header given, none is sent. */
  raw?: string | Buffer;
  /** E.g. an Agent bound to another 127.x source address, to appear as another client IP. */
  dispatcher?: Dispatcher;
}

export async function call(
  baseUrl: string,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<Reply> {
  const headers: Record<string, string> = { ...options.headers };
  let body: string | Buffer | undefined = options.raw;
  if (options.json !== undefined) {
    body = JSON.stringify(options.json);
    headers['content-type'] ??= 'application/json';
  }
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const response = await request(`${baseUrl}${path}`, {
    method: method as 'GET',
    headers,
    body,
    ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
  });
  const text = await response.body.text();
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  let parsed: unknown = text;
  if ((flat['content-type'] ?? '').includes('json') && text !== '') parsed = JSON.parse(text);
  return { status: response.statusCode, headers: flat, text, body: parsed };
}

export async function login(
  api: RunningReferenceApi,
  slot: AccountSlot,
): Promise<{ accessToken: string; refreshToken: string }> {
  const account = api.accounts[slot];
  const reply = await call(api.baseUrl, 'POST', DEFAULT_PATHS.login, {
    json: { email: account.email, password: account.password },
  });
  if (reply.status !== 200) throw new Error(`login as ${slot} answered ${reply.status}: ${reply.text}`);
  return reply.body;
}

export function decodePart(token: string, index: 0 | 1): Record<string, unknown> {
  const part = token.split('.')[index];
  if (part === undefined) throw new Error('not a JWS compact serialization');
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
}

/** The newest recovery code mailed to the address, read through the Mailpit API subset. */
export async function latestCode(api: RunningReferenceApi, email: string): Promise<string> {
  const search = await call(
    api.mailboxUrl,
    'GET',
    `/api/v1/search?query=${encodeURIComponent(`to:"${email}"`)}&limit=1`,
  );
  const id = search.body.messages[0]?.ID;
  if (!id) throw new Error(`no mail to ${email}`);
  const message = await call(api.mailboxUrl, 'GET', `/api/v1/message/${id}`);
  const code = /\b(\d{6})\b/.exec(message.body.Text)?.[1];
  if (!code) throw new Error('no code in the mail');
  return code;
}

export const paths = DEFAULT_PATHS;
