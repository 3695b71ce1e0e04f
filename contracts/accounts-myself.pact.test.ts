// The protected probe: a live access token is accepted; an expired one is answered 401 with a
// Bearer challenge (DOC: an expired token makes any call answer 401), which is what makes the
// client refresh.
import { MatchersV3 } from '@pact-foundation/pact';
import { describe, expect, test } from 'vitest';
import { BEARER_CHALLENGE } from '../src/pact/matchers.ts';
import { state } from '../src/pact/states.ts';
import {
  bearerFromState,
  clientFor,
  createPact,
  EXAMPLE,
  READINGS,
  refusal,
  undocumentedDto,
} from './support.ts';

const { matchStatus, regex, HTTPResponseStatusClass } = MatchersV3;
const pact = createPact();

const PATH = READINGS.protectedPath;

describe(`GET ${PATH}`, () => {
  test('a live access token is accepted', async () => {
    await pact
      .addInteraction()
      .given(...state.liveAccessToken('user'))
      .uponReceiving('a request for the own account with a live access token')
      .withRequest('GET', PATH, (builder) => {
        builder.headers(bearerFromState());
      })
      // The account DTO is not part of the authentication document: a JSON object is all we need.
      .willRespondWith(matchStatus(200, HTTPResponseStatusClass.Success), undocumentedDto)
      .executeTest(async (mockServer) => {
        const client = clientFor(mockServer, {
          accessToken: EXAMPLE.accessToken,
          refreshToken: EXAMPLE.refreshToken,
        });
        const response = await client.requestProtected();
        expect(response.status).toBe(200);
        await client.close();
      });
  });

  test('an expired access token is answered 401 with a Bearer challenge', async () => {
    await pact
      .addInteraction()
      .given(...state.expiredAccessToken('user'))
      .uponReceiving('a request for the own account with an expired access token')
      .withRequest('GET', PATH, (builder) => {
        builder.headers(bearerFromState());
      })
      .willRespondWith(401, (builder) => {
        builder.headers({ 'WWW-Authenticate': regex(BEARER_CHALLENGE, 'Bearer error="invalid_token"') });
      })
      .executeTest(async (mockServer) => {
        const client = clientFor(mockServer);
        // An explicit Authorization header switches off refresh-and-retry: this interaction is the 401 alone.
        const error = await refusal(
          client.request('GET', client.protectedPath, {
            headers: { Authorization: `Bearer ${EXAMPLE.accessToken}` },
          }),
        );
        expect(error.status).toBe(401);
        expect(error.headers['www-authenticate']).toMatch(/^bearer/i);
        await client.close();
      });
  });
});
