/**
 * `createApp()` builds the reference API as a Fastify instance without listening; importing this
 * module has no side effects. `startReferenceApi()` (server.ts) is the one that listens.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type { AccountSlot } from '../roles.ts';
import { DEFAULT_PATHS, DEFAULT_PROTECTED_PATH } from '../target/types.ts';
import type { SeededAccount } from './accounts.ts';
import type { Clock } from './clock.ts';
import { ApiContext, type CountedRoute } from './context.ts';
import type { DefectName } from './defects.ts';
import { installHttpEdge } from './http.ts';
import { generateKeys, importKeyRing } from './keys.ts';
import { applyLoadDefects } from './load-defects.ts';
import { type ReferenceApiOptions, type ResolvedOptions, resolveOptions } from './options.ts';
import { reject } from './rate-limit-gate.ts';
import { registerAccountRoutes } from './routes/account.ts';
import { registerAuthRoutes } from './routes/auth.ts';
import { registerControlRoutes } from './routes/control.ts';
import { registerMailboxRoutes } from './routes/mailbox.ts';

export interface ReferenceApp {
  fastify: FastifyInstance;
  options: ResolvedOptions;
  issuer: string;
  audience: string;
  /** The published public keys: PKCS#1 PEM ("BEGIN RSA PUBLIC KEY") as facilioo's, or SPKI. */
  publicKeyPems: string[];
  accounts: Record<AccountSlot, SeededAccount>;
  /** The `User` pool for load runs, `load-001@load.facilioo.test` onwards. */
  loadAccounts: SeededAccount[];
  clock: Clock;
  activeDefects(): DefectName[];
  setDefects(names: readonly DefectName[]): void;
  /** Back to the seeded state, as `POST /_control/reset` does. */
  reset(): void;
}

const ROUTE_BY_PATH = new Map<string, CountedRoute>([
  ...Object.entries(DEFAULT_PATHS).map(([name, path]) => [path, name as CountedRoute] as const),
  [DEFAULT_PROTECTED_PATH, 'myself'],
]);

export async function createApp(options: ReferenceApiOptions = {}): Promise<ReferenceApp> {
  const resolved = resolveOptions(options);
  const keys = await importKeyRing(
    resolved.keys ?? (await generateKeys(resolved.keyCount)),
    resolved.signingKeyIndex,
    resolved.readings.publicKeyFormat,
  );
  const ctx = new ApiContext(resolved, keys);
  const fastify = Fastify({ logger: false, bodyLimit: resolved.bodyLimitBytes, forceCloseConnections: true });

  installHttpEdge(fastify, ctx);
  fastify.addHook('onRequest', async (request, reply) => {
    const route = ROUTE_BY_PATH.get(request.routeOptions.url ?? '');
    if (!route) return;
    ctx.stats[route]++;
    await applyLoadDefects(ctx);
    const { limits } = resolved;
    if (!(limits.routes as string[]).includes(route) || ctx.defects.has('no-rate-limit')) return;
    // The route itself applies the limit to known addresses only (it needs the body).
    if (route === 'recoverPassword' && ctx.defects.has('rate-limit-known-only')) return;
    const lease = await ctx.limiter.acquire(request.ip);
    if (lease.admitted) return;
    return reject(reply, lease, ctx);
  });
  registerAuthRoutes(fastify, ctx);
  registerAccountRoutes(fastify, ctx);
  registerMailboxRoutes(fastify, ctx);
  if (resolved.control) registerControlRoutes(fastify, ctx);

  return {
    fastify,
    options: resolved,
    issuer: resolved.issuer,
    audience: resolved.audience,
    publicKeyPems: keys.publicKeyPems,
    accounts: ctx.seeded.slots,
    loadAccounts: ctx.seeded.load,
    clock: ctx.clock,
    activeDefects: () => ctx.defects.list(),
    setDefects: (names) => ctx.defects.set(names),
    reset: () => ctx.reset(),
  };
}
