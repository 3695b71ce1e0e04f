/** The consumer under contract: AuthClient, its token stores and the errors it throws. */
export {
  AuthClient,
  type AuthClientOptions,
  type LoginInput,
  type RequestOptions,
} from './auth-client.ts';
export type { ApiResponse } from './bodies.ts';
export {
  ApiError,
  AuthClientError,
  type FailedRequest,
  type ProblemDetails,
  RefreshFailedError,
  TransportError,
  type TransportErrorKind,
} from './errors.ts';
export { clientOptionsFor, clientOptionsForReadings } from './for-target.ts';
export { FileTokenStore, MemoryTokenStore, type TokenPair, type TokenStore } from './token-store.ts';
export { DEFAULT_TIMEOUT_MS, type Exchange } from './transport.ts';
