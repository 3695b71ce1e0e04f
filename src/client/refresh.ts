/**
 * The single-flight refresh behind the 401 path. Refresh tokens are one-time: two refreshes with
 * the same token spend it twice and the second fails. So concurrent 401s share ONE refresh in
 * flight; a caller whose access token was already replaced (by another caller, or by another
 * process sharing a FileTokenStore) does not refresh at all; and a failed refresh rejects every
 * waiter with one error. A refresh token the server refused is never sent again: a 401 that
 * arrives after its flight ended (a slow response on a busy machine) gets the same error at once,
 * until a login stores a new pair. A transport failure, a 5xx or a 429 blocks nothing: the next
 * 401 tries again.
 *
 * How a refresh is spent (request, parsing, saving the rotated pair) is the caller's `spend`;
 * this module only decides whether to spend, and who waits for whom.
 */
import { ApiError, type FailedRequest, RefreshFailedError, TransportError } from './errors.ts';
import type { TokenPair, TokenStore } from './token-store.ts';

/** Spends a refresh token and resolves once the rotated pair is saved. */
export type SpendRefreshToken = (refreshToken: string) => Promise<TokenPair>;

export class RefreshCoordinator {
  readonly #store: TokenStore;
  readonly #spend: SpendRefreshToken;
  /** The one refresh in flight, shared by every caller that got a 401 meanwhile. */
  #flight: Promise<TokenPair> | undefined;
  /** The last refresh token the server refused, and the error every waiter got for it. */
  #refused: { refreshToken: string; error: RefreshFailedError } | undefined;

  constructor(store: TokenStore, spend: SpendRefreshToken) {
    this.#store = store;
    this.#spend = spend;
  }

  /** Resolves when no refresh is in flight (however the last one ended). */
  async settled(): Promise<void> {
    await this.#flight?.catch(() => undefined);
  }

  /**
   * The pair to retry with after `staleAccessToken` got 401: the one in flight, the one someone
   * else already stored, or a fresh one. Rejects with one RefreshFailedError for every waiter.
   */
  renewAfter401(staleAccessToken: string, trigger: FailedRequest): Promise<TokenPair> {
    if (!this.#flight) {
      const flight = this.#fly(staleAccessToken, trigger);
      this.#flight = flight;
      // Cleared however it ends, so a failure cannot wedge later callers.
      const clear = () => {
        if (this.#flight === flight) this.#flight = undefined;
      };
      flight.then(clear, clear);
    }
    return this.#flight;
  }

  async #fly(staleAccessToken: string, trigger: FailedRequest): Promise<TokenPair> {
    const current = await this.#store.load();
    // Someone (this process or another one sharing the store) refreshed since our request went out.
    if (current && current.accessToken !== staleAccessToken) return current;
    if (!current) throw new RefreshFailedError(trigger, undefined, 'the token store was cleared meanwhile');
    if (this.#refused?.refreshToken === current.refreshToken) throw this.#refused.error;
    try {
      return await this.#spend(current.refreshToken);
    } catch (error) {
      if (error instanceof ApiError) {
        // Lost a race with another process sharing the store: its rotated pair is ours too.
        const after = await this.#store.load().catch(() => undefined);
        if (after && after.refreshToken !== current.refreshToken) return after;
      }
      const failed = new RefreshFailedError(
        error instanceof ApiError || error instanceof TransportError ? error.request : trigger,
        error,
      );
      if (refusedForGood(error)) this.#refused = { refreshToken: current.refreshToken, error: failed };
      throw failed;
    }
  }
}

/** A 4xx says the token is no good; a 5xx, 408 or 429 says nothing about it (try again later). */
function refusedForGood(error: unknown): boolean {
  return (
    error instanceof ApiError &&
    error.status >= 400 &&
    error.status < 500 &&
    error.status !== 408 &&
    error.status !== 429
  );
}
