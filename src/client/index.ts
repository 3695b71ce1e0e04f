/** The consumer under contract: AuthClient, its token stores and the errors it throws. */
export {
  type ApiResponse,
  AuthClient,
  type AuthClientOptions,
  DEFAULT_TIMEOUT_MS,
  type Exchange,
  type LoginInput,
  REFRESH_TOKEN_OBJECT_KEYS,
  type RequestOptions,
} from './auth-client.ts';
export {
  ApiError,
  AuthClientError,
  type FailedRequest,
  type ProblemDetails,
  RefreshFailedError,
  TransportError,
  type TransportErrorKind,
} from './errors.ts';
export { clientOptionsFor, rateLimitWaitMs } from './for-target.ts';
export { FileTokenStore, MemoryTokenStore, type TokenPair, type TokenStore } from './token-store.ts';
