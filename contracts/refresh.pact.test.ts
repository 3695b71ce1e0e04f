// A refresh token works once: the live one buys a new pair (stored in its place), a spent or
// invalid one is refused. Tokens are pinned by JWT shape, never by value.
import { MatchersV3 } from '@pact-foundation/pact';
import { describe, expect, test } from 'vitest';
import { state } from '../src/pact/states.ts';
import {
  clientFor,
  createPact,
  EXAMPLE,
  errorBody,
  PATHS,
  refreshRequest,
  refusal,
  tokenPairResponse,
} from './support.ts';

const { matchStatus, HTTPResponseStatusClass } = MatchersV3;
const pact = createPact();

const stored = { accessToken: EXAMPLE.accessToken, refreshToken: EXAMPLE.refreshToken };

describe(`POST ${PATHS.refresh}`, () => {
  test('a live refresh token is exchanged for a new pair, which replaces the stored one', async () => {
    await pact
      .addInteraction()
      .given(...state.liveRefreshToken('user'))
      .uponReceiving('a refresh with the live token')
      .withRequest('POST', PATHS.refresh, refreshRequest({ fromState: EXAMPLE.refreshToken }))
      .willRespondWith(
        200,
        tokenPairResponse({
          accessToken: EXAMPLE.rotatedAccessToken,
          refreshToken: EXAMPLE.rotatedRefreshToken,
        }),
      )
      .executeTest(async (mockServer) => {
        const client = clientFor(mockServer, stored);
        const pair = await client.refresh();
        expect(pair).toEqual({
          accessToken: EXAMPLE.rotatedAccessToken,
          refreshToken: EXAMPLE.rotatedRefreshToken,
        });
        // DOC: the new refresh token is saved and used for all future refreshes.
        expect(await client.tokenStore.load()).toEqual(pair);
        await client.close();
      });
  });

  test('a spent refresh token is rejected', async () => {
    await pact
      .addInteraction()
      .given(...state.spentRefreshToken('user'))
      .uponReceiving('a refresh with the spent token')
      .withRequest('POST', PATHS.refresh, refreshRequest({ fromState: EXAMPLE.refreshToken }))
      // The document says one-time usable, not which status refuses the second use.
      .willRespondWith(matchStatus(401, HTTPResponseStatusClass.ClientError), errorBody)
      .executeTest(async (mockServer) => {
        const client = clientFor(mockServer, stored);
        const error = await refusal(client.refresh());
        expect(error.status).toBe(401);
        // A refused refresh leaves the stored pair alone.
        expect(await client.tokenStore.load()).toEqual(stored);
        await client.close();
      });
  });

  test('a refresh token the API never issued is rejected', async () => {
    const forged = `${EXAMPLE.refreshToken.split('.').slice(0, 2).join('.')}.bm90LXNpZ25lZC1ieS10aGUtYXBp`;
    await pact
      .addInteraction()
      .uponReceiving('a refresh with a token the API never issued')
      .withRequest('POST', PATHS.refresh, refreshRequest({ value: forged }))
      .willRespondWith(matchStatus(401, HTTPResponseStatusClass.ClientError), errorBody)
      .executeTest(async (mockServer) => {
        const client = clientFor(mockServer);
        const error = await refusal(client.refresh(forged));
        expect(error.status).toBe(401);
        expect(await client.tokenStore.load()).toBeUndefined();
        await client.close();
      });
  });
});
