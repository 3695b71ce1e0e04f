/**
 * The one place a target's options become AuthClient options, so every suite talks to a target
 * the same way (routes, token placement, code type, request timeout) — the consumer contracts
 * too, which configure the client from the readings they are written for.
 */
import { routeHistoryOf, windowWaitMs } from '../rate-limit/index.ts';
import type { Readings } from '../target/readings.ts';
import type { Target } from '../target/types.ts';
import type { AuthClientOptions } from './auth-client.ts';

export function clientOptionsForReadings(readings: Readings): AuthClientOptions {
  return {
    paths: readings.paths,
    protectedPath: readings.protectedPath,
    refreshTokenIn: readings.refreshTokenIn,
    refreshTokenShape: readings.refreshTokenShape,
    refreshTokenKey: readings.refreshTokenKey,
    recoveryCodeType: readings.recoveryCodeType,
  };
}

export function clientOptionsFor(target: Target): AuthClientOptions {
  const windowSeconds = target.options.rateLimit?.windowSeconds;
  return {
    ...clientOptionsForReadings({
      ...target.options,
      paths: target.paths,
      protectedPath: target.protectedPath,
    }),
    timeoutMs: target.options.requestTimeoutSeconds * 1000,
    rejection: {
      declaredStatus: target.options.rateLimit?.rejectStatus,
      history: routeHistoryOf(target),
      windowMs: windowSeconds === undefined ? undefined : windowWaitMs(windowSeconds),
    },
  };
}
