/**
 * The one place a target's options become AuthClient options, so every suite talks to a target
 * the same way (routes, token placement, code type, request timeout).
 */
import type { Target } from '../target/types.ts';
import type { AuthClientOptions } from './auth-client.ts';

export function clientOptionsFor(target: Target): AuthClientOptions {
  return {
    paths: target.paths,
    protectedPath: target.protectedPath,
    refreshTokenIn: target.options.refreshTokenIn,
    refreshTokenShape: target.options.refreshTokenShape,
    recoveryCodeType: target.options.recoveryCodeType,
    timeoutMs: target.options.requestTimeoutSeconds * 1000,
  };
}
