/**
 * The one place a target's options become AuthClient options, so every suite talks to a target
 * the same way (routes, token placement, code type, request timeout).
 */
import { isRateLimitRejection, parseRetryAfter, routeHistoryOf } from '../rate-limit/index.ts';
import type { Target } from '../target/types.ts';
import type { AuthClientOptions } from './auth-client.ts';
import { ApiError } from './errors.ts';

export function clientOptionsFor(target: Target): AuthClientOptions {
  return {
    paths: target.paths,
    protectedPath: target.protectedPath,
    refreshTokenIn: target.options.refreshTokenIn,
    refreshTokenShape: target.options.refreshTokenShape,
    recoveryCodeType: target.options.recoveryCodeType,
    timeoutMs: target.options.requestTimeoutSeconds * 1000,
    rejection: {
      declaredStatus: target.options.rateLimit?.rejectStatus,
      history: routeHistoryOf(target),
    },
  };
}

/**
 * The wait a rate-limited answer asks for (ms; -1: it names none), or undefined when the error is
 * not the limiter's. The verdict is src/rate-limit's: the target's declared status, else 429, or a
 * 503 with Retry-After or on a route the target admitted before.
 */
export function rateLimitWaitMs(error: unknown, target?: Target): number | undefined {
  if (!(error instanceof ApiError)) return undefined;
  const seconds = parseRetryAfter(error.headers['retry-after'], Date.now());
  const route = error.request.route ?? error.request.url;
  const limited = isRateLimitRejection({
    status: error.status,
    retryAfterSeconds: seconds,
    declaredStatus: target?.options.rateLimit?.rejectStatus,
    admittedBefore: target ? routeHistoryOf(target).hasAdmitted(route) : false,
  });
  if (!limited) return undefined;
  return seconds === undefined ? -1 : seconds * 1000;
}
