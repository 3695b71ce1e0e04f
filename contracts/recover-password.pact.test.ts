// recover-password answers a known and an unknown address alike (same status class, same loose
// shape), so the answer cannot tell whether an account exists; past its limit it is refused.
import { MatchersV3 } from '@pact-foundation/pact';
import { describe, expect, test } from 'vitest';
import { state } from '../src/pact/states.ts';
import {
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

describe(`POST ${PATHS.recoverPassword}`, () => {
  test('a known address is answered with a success and a JSON object', async () => {
    await pact
      .addInteraction()
      .given(...state.registeredAccount('recovery'))
      .uponReceiving('a password recovery request for a registered address')
      .withRequest('POST', PATHS.recoverPassword, (builder) => {
        builder.headers(jsonContentType()).jsonBody({ email: fromState('email', EXAMPLE.email) });
      })
      // PasswordRecoveryResponseDto has no documented fields, and 200 vs 202/204 is not documented either.
      .willRespondWith(matchStatus(200, HTTPResponseStatusClass.Success), undocumentedDto)
      .executeTest(async (mockServer) => {
        const client = clientFor(mockServer);
        const response = await client.recoverPassword(EXAMPLE.email);
        expect(response.status).toBe(200);
        await client.close();
      });
  });

  test('an unknown address is answered exactly like a known one', async () => {
    await pact
      .addInteraction()
      .given(...state.unknownAddress())
      .uponReceiving('a password recovery request for an address that belongs to no account')
      .withRequest('POST', PATHS.recoverPassword, (builder) => {
        builder.headers(jsonContentType()).jsonBody({ email: fromState('email', EXAMPLE.unknownEmail) });
      })
      .willRespondWith(matchStatus(200, HTTPResponseStatusClass.Success), undocumentedDto)
      .executeTest(async (mockServer) => {
        const client = clientFor(mockServer);
        const response = await client.recoverPassword(EXAMPLE.unknownEmail);
        expect(response.status).toBe(200);
        await client.close();
      });
  });

  test('a request over the rate limit is refused with 429 or 503', async () => {
    await pact
      .addInteraction()
      .given(...state.recoveryLimitUsedUp())
      .uponReceiving('a password recovery request over the rate limit')
      .withRequest('POST', PATHS.recoverPassword, (builder) => {
        builder.headers(jsonContentType()).jsonBody({ email: fromState('email', EXAMPLE.unknownEmail) });
      })
      // DOC: rate limited (DefaultRateLimitAuth). ASP.NET's limiter answers 503 unless it is
      // configured for 429; either holds. Retry-After and the body are optional there: not pinned.
      .willRespondWith(matchStatus(429, [429, 503]))
      .executeTest(async (mockServer) => {
        const client = clientFor(mockServer);
        const error = await refusal(client.recoverPassword(EXAMPLE.unknownEmail));
        expect(error.status).toBe(429);
        await client.close();
      });
  });
});
