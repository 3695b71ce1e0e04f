/**
 * What the probe sends to each auth route. Every request is built so that it cannot harm an
 * account: a made-up address under `.invalid` (RFC 2606), a wrong password for it, an invalid
 * refresh token, no access token. A rate limiter counts them all the same.
 */
import { DEFAULT_PATHS, type RouteName } from '../target/types.ts';

export interface ProbeRequest {
  /** The route name, or the path when a path was asked for. */
  endpoint: string;
  method: 'POST' | 'PUT';
  path: string;
  body: string;
}

export const PROBE_EMAIL = 'rate-limit-probe@example.invalid';
export const ROUTE_NAMES = Object.keys(DEFAULT_PATHS) as RouteName[];

const BODIES: Record<RouteName, { method: 'POST' | 'PUT'; body: (email: string) => unknown }> = {
  recoverPassword: { method: 'POST', body: (email) => ({ email }) },
  login: {
    method: 'POST',
    body: (email) => ({ email, password: 'not-the-password', skipMultiFactorAuthentication: true }),
  },
  refresh: { method: 'POST', body: () => ({ refreshToken: 'not-a-refresh-token' }) },
  changePasswordWithRecoveryCode: {
    method: 'PUT',
    body: (email) => ({ email, password: 'Not-the-password-1', recoveryCode: '000000' }),
  },
  unblockRecoveryCode: { method: 'POST', body: (email) => ({ email }) },
};

function isRouteName(value: string): value is RouteName {
  return (ROUTE_NAMES as string[]).includes(value);
}

/**
 * The request for `endpoint`: a route name (paths from the target) or a path starting with `/`,
 * which is sent like recover-password. Throws naming the valid values otherwise.
 */
export function probeRequest(
  endpoint: string,
  paths: Partial<Record<RouteName, string>> = {},
  email: string = PROBE_EMAIL,
): ProbeRequest {
  if (isRouteName(endpoint)) {
    const shape = BODIES[endpoint];
    return {
      endpoint,
      method: shape.method,
      path: paths[endpoint] ?? DEFAULT_PATHS[endpoint],
      body: JSON.stringify(shape.body(email)),
    };
  }
  if (endpoint.startsWith('/')) {
    return { endpoint, method: 'POST', path: endpoint, body: JSON.stringify({ email }) };
  }
  throw new Error(
    `unknown endpoint "${endpoint}": use one of ${ROUTE_NAMES.join(', ')} or a path starting with /`,
  );
}

/** One Retry-After reading for every layer (src/rate-limit). */
export { parseRetryAfter } from '../rate-limit/index.ts';
