/**
 * What every consumer test shares: the pact (one file for the consumer–provider pair), the
 * readings it is written for, the client under contract configured for them and pointed at the
 * mock server, the example values the pact file shows, and the shapes pinned the same way
 * everywhere. The readings come from FACILIOO_CONTRACT_READINGS (`gate --target` sets it), else
 * the spec's defaults.
 */
import { MatchersV3, PactV4 } from '@pact-foundation/pact';
// The root module does not re-export the V4 HTTP builder types.
import type {
  V4MockServer,
  V4RequestBuilder,
  V4ResponseBuilder,
} from '@pact-foundation/pact/src/v4/http/types.js';
import { expect } from 'vitest';
import {
  ApiError,
  AuthClient,
  clientOptionsForReadings,
  MemoryTokenStore,
  type TokenPair,
} from '../src/client/index.ts';
import { ACCESS_TOKEN_JWT, JSON_CONTENT_TYPE, JWT } from '../src/pact/matchers.ts';
import { CONSUMER, contractPactDir, PROVIDER } from '../src/pact/pact-files.ts';
import { contractReadings } from '../src/target/index.ts';

/** The readings of the target these contracts are written for. */
export const READINGS = contractReadings(process.env);
export const PATHS = READINGS.paths;

const { like, regex, fromProviderState, matchStatus, HTTPResponseStatusClass } = MatchersV3;

export function createPact(): PactV4 {
  return new PactV4({
    consumer: CONSUMER,
    provider: PROVIDER,
    dir: contractPactDir(process.env),
    logLevel: 'warn',
  });
}

/** The client under contract, in the target's readings, talking to the mock server. */
export function clientFor(mockServer: V4MockServer, tokens?: TokenPair): AuthClient {
  return new AuthClient({
    baseUrl: mockServer.url,
    tokenStore: new MemoryTokenStore(tokens),
    options: clientOptionsForReadings(READINGS),
  });
}

function jwt(header: object, payload: object): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part(header)}.${part(payload)}.${Buffer.from(`example signature ${JSON.stringify(payload)}`).toString('base64url')}`;
}

const HEADER = { alg: 'RS256', typ: 'JWT' };
const SUB = { accountId: 2, companyId: 2 };

/**
 * Example values the pact file shows. They are public and expired: the access token is the
 * document's own example; the others are built the same way and signed by nobody.
 */
export const EXAMPLE = {
  email: 'pm@example.com',
  password: 'example-password',
  newPassword: 'newSecurePassword',
  /** Wrong on purpose; not a credential, so it is pinned as is. */
  wrongPassword: 'not-the-password',
  unknownEmail: 'nobody@example.invalid',
  recoveryCode: '123456',
  wrongRecoveryCode: '654321',
  /** The document's example access token (expired 2022-05-05). */
  accessToken:
    'eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJuYmYiOjE2NTE3NjAyNDIsImV4cCI6MTY1MTc2Mzg0MiwiaXNzIjoiZGV2LWFwaS5mYWNpbGlvby5kZSIsImF1ZCI6ImRldi1hcHAuZmFjaWxpb28uZGUiLCJzdWIiOnsiYWNjb3VudElkIjoyLCJjb21wYW55SWQiOjJ9fQ.KJPsiOzcu8SHXU_GhGz5qS6cg-moXAC83WOLI8J9vFLgk5k0MdkxR8S88Ri0BJuCmifFtHpbR7bH4tKxeF8-pW_wU08uQ_MJxJqcK9MOjyVITsLzok7RJxqevv0SjPZkgqqxGwgGbcgsYJaG2u44RYnnyf5xPce9MKQcfHa23C-NyQIBmseO7RdFNAFZM8Lc-nEf0tjJc3ciBdr7t_s8dUS2vCb4ALWj8Dhrs9UyO3bA1yMQt4xACfQzGbDMV_4R8nbgOL9KkywcmJD-JdcIiYIGk2GEhbhuL05CtJthZT4XWVE0wdA00YmDBdvuekzykDKalXU2C1ED3winvL6VGg',
  refreshToken: jwt(HEADER, { nbf: 1651760242, exp: 1654352242, sub: SUB }),
  /** What a refresh returns: a pair that differs from the one spent. */
  rotatedAccessToken: jwt(HEADER, { nbf: 1651763000, exp: 1651766600, sub: SUB }),
  rotatedRefreshToken: jwt(HEADER, { nbf: 1651763000, exp: 1654355000, sub: SUB }),
};

/**
 * A value the provider state supplies (`provides` in states.ts): the verifier injects it, the
 * consumer test sees `example`. Pact's expression syntax is `${name}`.
 */
export function fromState<T>(name: string, example: T) {
  return fromProviderState(expression(name), example);
}

/** Pact's provider-state expression syntax. */
const expression = (name: string) => `\${${name}}`;

/** `Authorization: Bearer <the provider state's value>`, the access token unless named. */
export function bearerFromState(example: string = EXAMPLE.accessToken, name = 'accessToken') {
  return { Authorization: fromProviderState(`Bearer ${expression(name)}`, `Bearer ${example}`) };
}

/**
 * A refresh request in the target's reading: `{ "refreshToken": … }` (DOC), or the token as the
 * Bearer credential with no body (SEEN). `token` is a fixed value or the provider state's.
 */
export function refreshRequest(token: { fromState: string } | { value: string }) {
  return (builder: V4RequestBuilder) => {
    if (READINGS.refreshTokenIn === 'bearer') {
      builder.headers(
        'fromState' in token
          ? bearerFromState(token.fromState, 'refreshToken')
          : { Authorization: `Bearer ${token.value}` },
      );
      return;
    }
    const refreshToken = 'fromState' in token ? fromState('refreshToken', token.fromState) : token.value;
    builder.headers(jsonContentType()).jsonBody({ refreshToken });
  };
}

/** The recovery code as the target types it (the hub's int32, or DOC's string). */
export function recoveryCodeFromState(name: 'recoveryCode' | 'wrongRecoveryCode', example: string) {
  return fromState(name, READINGS.recoveryCodeType === 'number' ? Number(example) : example);
}

/** `Content-Type` of a JSON answer, pinned loosely (problem+json or plain JSON, any charset). */
export const jsonContentType = () => ({
  'Content-Type': regex(JSON_CONTENT_TYPE, 'application/json; charset=utf-8'),
});

/**
 * The documented token pair (DOC: accessToken and refreshToken, both JWTs), by shape only. In the
 * object reading the refresh token is `{ <refreshTokenKey>: <JWT> }`: a pact cannot leave the
 * member's name open, so the target names it (default `token`).
 */
export function tokenPairResponse(pair: TokenPair) {
  const refreshToken = regex(JWT, pair.refreshToken);
  return (builder: V4ResponseBuilder) => {
    builder.headers(jsonContentType()).jsonBody({
      accessToken: regex(ACCESS_TOKEN_JWT, pair.accessToken),
      refreshToken:
        READINGS.refreshTokenShape === 'object' ? { [READINGS.refreshTokenKey]: refreshToken } : refreshToken,
    });
  };
}

/**
 * A status the document leaves open: any 4xx with the target's reading as the example, or
 * exactly the reading when the target pins it (`exact`).
 */
export function openStatus(example: number, exact = false) {
  return exact ? example : matchStatus(example, HTTPResponseStatusClass.ClientError);
}

/**
 * An answer whose DTO the document names without fields: a JSON object, nothing more, so any
 * fields a conforming server sends pass.
 */
export function undocumentedDto(builder: V4ResponseBuilder): void {
  builder.headers(jsonContentType()).jsonBody(like({}));
}

/**
 * An error the application itself answers (wrong password, spent token, wrong code): a JSON
 * body the client can show — RFC 9457 problem details as ASP.NET Core writes them, or plain
 * JSON. Fields are not pinned. Errors from the authentication middleware or the rate limiter
 * (no token, expired token, wrong party type, limited) pin no body: ASP.NET sends none there.
 */
export function errorBody(builder: V4ResponseBuilder): void {
  builder
    .headers({ 'Content-Type': regex(JSON_CONTENT_TYPE, 'application/problem+json; charset=utf-8') })
    .jsonBody(like({}));
}

/** The client's call must be refused by the API: the ApiError it rejects with, for the test's own checks. */
export async function refusal(call: Promise<unknown>): Promise<ApiError> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, 'the call was expected to be refused with an API error').toBeInstanceOf(ApiError);
  return error as ApiError;
}
