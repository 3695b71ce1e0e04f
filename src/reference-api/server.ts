/**
 * `startReferenceApi()`: createApp() plus a listening socket (127.0.0.1 and a free port unless
 * told otherwise) and the URLs and target document that describe it.
 */
import type { AddressInfo } from 'node:net';
import { createApp, type ReferenceApp } from './app.ts';
import type { ReferenceApiOptions } from './options.ts';
import { CONTROL_PREFIX } from './routes/control.ts';
import { MAILBOX_PREFIX } from './routes/mailbox.ts';
import { buildTargetDocument, type ReferenceTargetDocument } from './target-document.ts';

export interface RunningReferenceApi extends ReferenceApp {
  /** `http://127.0.0.1:PORT` */
  baseUrl: string;
  /** `${baseUrl}/mailbox`: the Mailpit API subset lives under it (`/api/v1/...`). */
  mailboxUrl: string;
  /** `${baseUrl}/_control` when the control API is on. */
  controlUrl: string | undefined;
  /** The spec-format target file describing this server; `keyFiles` are the PEM paths to list. */
  targetDocument(keyFiles: string[]): ReferenceTargetDocument;
  close(): Promise<void>;
}

export type StartOptions = ReferenceApiOptions & { host?: string; port?: number };

export async function startReferenceApi(options: StartOptions = {}): Promise<RunningReferenceApi> {
  const { host = '127.0.0.1', port = 0, ...appOptions } = options;
  const app = await createApp(appOptions);
  await app.fastify.listen({ host, port });
  const address = app.fastify.server.address() as AddressInfo;
  const baseUrl = `http://${urlHost(address)}:${address.port}`;
  const mailboxUrl = `${baseUrl}${MAILBOX_PREFIX}`;
  const controlUrl = app.options.control ? `${baseUrl}${CONTROL_PREFIX}` : undefined;
  return {
    ...app,
    baseUrl,
    mailboxUrl,
    controlUrl,
    targetDocument: (keyFiles) => buildTargetDocument({ ...app, baseUrl, mailboxUrl, controlUrl }, keyFiles),
    close: () => app.fastify.close(),
  };
}

function urlHost({ address, family }: AddressInfo): string {
  // A wildcard listen is reachable on loopback; that is the URL to hand out.
  if (address === '0.0.0.0') return '127.0.0.1';
  if (address === '::') return '[::1]';
  return family === 'IPv6' ? `[${address}]` : address;
}
