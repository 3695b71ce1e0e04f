// Only an Admin or a Property Management Company may unblock a blocked recovery code; a
// Contractor is refused, and a request without a token is unauthenticated (401).
import { MatchersV3 } from '@pact-foundation/pact';
import { describe, expect, test } from 'vitest';
import { type StateAccount, state } from '../src/pact/states.ts';
import {
  bearerFromState,
  clientFor,
  createPact,
  EXAMPLE,
  fromState,
  jsonContentType,
  PATHS,
  refusal,
  undocumentedDto,
} from './support.ts';

const { matchStatus, HTTPResponseStatusClass } = MatchersV3;
const pact = createPact();

const PATH = PATHS.unblockRecoveryCode;
const body = { email: fromState('email', EXAMPLE.email) };
const tokens = { accessToken: EXAMPLE.accessToken, refreshToken: EXAMPLE.refreshToken };

const unblockers: [StateAccount, string][] = [
  ['admin', 'an Admin'],
  ['propertyManagementCompany', 'the owning Property Management Company'],
];

describe(`POST ${PATH}`, () => {
  test.each(unblockers)('%s may unblock a blocked recovery code', async (account, who) => {
    await pact
      .addInteraction()
      .given(...state.recoveryBlocked())
      .given(...state.liveAccessToken(account))
      .uponReceiving(`an unblock request from ${who}`)
      .withRequest('POST', PATH, (builder) => {
        builder.headers({ ...jsonContentType(), ...bearerFromState() }).jsonBody(body);
      })
      .willRespondWith(matchStatus(200, HTTPResponseStatusClass.Success), undocumentedDto)
      .executeTest(async (mockServer) => {
        const client = clientFor(mockServer, tokens);
        const response = await client.unblockRecoveryCode(EXAMPLE.email);
        expect(response.status).toBe(200);
        await client.close();
      });
  });

  test('a Contractor may not unblock a recovery code', async () => {
    await pact
      .addInteraction()
      .given(...state.recoveryBlocked())
      .given(...state.liveAccessToken('contractor'))
      .uponReceiving('an unblock request from a Contractor')
      .withRequest('POST', PATH, (builder) => {
        builder.headers({ ...jsonContentType(), ...bearerFromState() }).jsonBody(body);
      })
      // 403 is ASP.NET's default for a refused policy; the status is OPEN. No body: the
      // authorization middleware sends none.
      .willRespondWith(matchStatus(403, HTTPResponseStatusClass.ClientError))
      .executeTest(async (mockServer) => {
        const client = clientFor(mockServer, tokens);
        const error = await refusal(client.unblockRecoveryCode(EXAMPLE.email));
        expect(error.status).toBe(403);
        await client.close();
      });
  });

  test('an unblock request without a token is unauthenticated', async () => {
    await pact
      .addInteraction()
      .given(...state.registeredAccount('recovery'))
      .uponReceiving('an unblock request without a token')
      .withRequest('POST', PATH, (builder) => {
        builder.headers(jsonContentType()).jsonBody(body);
      })
      // "Requires authentication": a missing credential is 401 (RFC 9110 §15.5.2), not a guess.
      .willRespondWith(401)
      .executeTest(async (mockServer) => {
        // No stored pair: the client sends no Authorization header and cannot refresh.
        const client = clientFor(mockServer);
        const error = await refusal(client.unblockRecoveryCode(EXAMPLE.email));
        expect(error.status).toBe(401);
        await client.close();
      });
  });
});
