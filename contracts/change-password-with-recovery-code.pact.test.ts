// The recovery code from the e-mail changes the password; a wrong code is refused, and once five
// wrong codes have blocked recovery, even the right code is refused. Statuses are left open (4xx).
import { MatchersV3 } from '@pact-foundation/pact';
import type { V4RequestBuilder } from '@pact-foundation/pact/src/v4/http/types.js';
import { describe, expect, test } from 'vitest';
import type { AuthClient } from '../src/client/index.ts';
import { state } from '../src/pact/states.ts';
import {
  clientFor,
  createPact,
  EXAMPLE,
  errorBody,
  fromState,
  jsonContentType,
  openStatus,
  PATHS,
  READINGS,
  recoveryCodeFromState,
  refusal,
  undocumentedDto,
} from './support.ts';

const { matchStatus, HTTPResponseStatusClass } = MatchersV3;
const pact = createPact();

const PATH = PATHS.changePasswordWithRecoveryCode;
/** The blocked status: the target's pinned one, or any 4xx with 423 Locked as our example. */
const BLOCKED = READINGS.blockedStatus ?? 423;
const email = fromState('email', EXAMPLE.email);
const newPassword = fromState('newPassword', EXAMPLE.newPassword);

/** The change request with the code the provider state supplies (DOC's example sends it as a
 * string; the hub types it int32: recoveryCodeType decides). */
function changeWith(code: 'recoveryCode' | 'wrongRecoveryCode') {
  return (builder: V4RequestBuilder) => {
    builder
      .headers(jsonContentType())
      .jsonBody({ email, password: newPassword, recoveryCode: recoveryCodeFromState(code, EXAMPLE[code]) });
  };
}

const change = (client: AuthClient, recoveryCode: string) =>
  client.changePasswordWithRecoveryCode({
    email: EXAMPLE.email,
    password: EXAMPLE.newPassword,
    recoveryCode,
  });

describe(`PUT ${PATH}`, () => {
  test('the right recovery code changes the password', async () => {
    await pact
      .addInteraction()
      .given(...state.recoveryCodeSent())
      .uponReceiving('a password change with the right recovery code')
      .withRequest('PUT', PATH, changeWith('recoveryCode'))
      .willRespondWith(matchStatus(200, HTTPResponseStatusClass.Success), undocumentedDto)
      .executeTest(async (mockServer) => {
        const client = clientFor(mockServer);
        const response = await change(client, EXAMPLE.recoveryCode);
        expect(response.status).toBe(200);
        await client.close();
      });
  });

  test('a wrong recovery code is refused with a client error', async () => {
    await pact
      .addInteraction()
      .given(...state.recoveryCodeSent())
      .uponReceiving('a password change with a wrong recovery code')
      .withRequest('PUT', PATH, changeWith('wrongRecoveryCode'))
      .willRespondWith(matchStatus(400, HTTPResponseStatusClass.ClientError), errorBody)
      .executeTest(async (mockServer) => {
        const client = clientFor(mockServer);
        const error = await refusal(change(client, EXAMPLE.wrongRecoveryCode));
        expect(error.status).toBe(400);
        await client.close();
      });
  });

  test('while recovery is blocked, even the right recovery code is refused', async () => {
    await pact
      .addInteraction()
      .given(...state.recoveryBlocked())
      .uponReceiving('a password change with the right recovery code while recovery is blocked')
      .withRequest('PUT', PATH, changeWith('recoveryCode'))
      // The document only says "blocked for 24 hours": exact only where the target pins a status.
      .willRespondWith(openStatus(BLOCKED, READINGS.blockedStatus !== null), errorBody)
      .executeTest(async (mockServer) => {
        const client = clientFor(mockServer);
        const error = await refusal(change(client, EXAMPLE.recoveryCode));
        expect(error.status).toBe(BLOCKED);
        await client.close();
      });
  });
});
