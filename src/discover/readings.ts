/**
 * Discovery: which readings of the spec's OPEN points a live target takes, found with as few and
 * as harmless requests as possible — one login, one refresh each way (spending only the pair
 * that login just got), one wrong password for an account that is not the recovery account, and
 * optionally a bounded rate-limit probe against an address no account has. Readings that could
 * only be seen by spending recovery attempts, blocking an account or waiting out a token are
 * reported as not inferred, with the reason.
 */
import { randomBytes } from 'node:crypto';
import { request } from 'undici';
import type { AccountSlot } from '../roles.ts';
import type { Readings } from '../target/readings.ts';
import type { Credentials, Target } from '../target/types.ts';
import { type LimiterReading, type ProbeBudget, probeLimiter } from './limiter.ts';

/** The target options (`options.*`) that announce a reading, and the limiter's reading. */
export type ReadingOption =
  | Exclude<keyof Readings, 'paths' | 'protectedPath'>
  | 'tokenLeewaySeconds'
  | 'rateLimit';

/** A reading found, as the target option that announces it and what showed it. */
export interface Found {
  option: ReadingOption;
  value: unknown;
  evidence: string;
}

export interface NotInferred {
  option: ReadingOption;
  reason: string;
}

export interface Discovery {
  target: { name: string; baseUrl: string };
  found: Found[];
  notInferred: NotInferred[];
  /** Every request discovery sent, the probe's included. */
  requests: number;
  /** What the probe saw, when it ran. */
  limiter?: LimiterReading;
}

export interface DiscoverOptions {
  /** The rate-limit probe's budget; `false` leaves the limiter out. */
  probe: false | ProbeBudget;
  /** Why the probe was left out, when it was. */
  skipReason?: string;
}

/** Accounts discovery may log in as, in order of preference: never the recovery account. */
const LOGIN_SLOTS: readonly AccountSlot[] = [
  'user',
  'contractor',
  'admin',
  'propertyManagementCompany',
  'otherCompanyPropertyManagementCompany',
];

interface Answer {
  status: number;
  body: unknown;
}

export async function discoverReadings(target: Target, options: DiscoverOptions): Promise<Discovery> {
  const discovery: Discovery = {
    target: { name: target.name, baseUrl: target.baseUrl },
    found: [],
    notInferred: [],
    requests: 0,
  };
  const send = async (route: 'login' | 'refresh', body: unknown, bearer?: string): Promise<Answer> => {
    discovery.requests++;
    const timeoutMs = target.options.requestTimeoutSeconds * 1000;
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (bearer !== undefined) headers.authorization = `Bearer ${bearer}`;
    const response = await request(new URL(target.paths[route], target.baseUrl), {
      method: 'POST',
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    const text = await response.body.text();
    let parsed: unknown;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return { status: response.statusCode, body: parsed };
  };

  const slot = LOGIN_SLOTS.find((candidate) => target.accounts[candidate]);
  const account = slot ? target.accounts[slot] : undefined;
  if (!slot || !account) {
    const reason = 'the target lists no account other than recovery to log in with';
    for (const option of ['refreshTokenShape', 'refreshTokenIn', 'wrongPasswordStatus'] as const) {
      discovery.notInferred.push({ option, reason });
    }
  } else {
    await discoverTokenReadings(discovery, send, slot, account);
    await discoverWrongPassword(discovery, send, slot, account);
  }

  discovery.notInferred.push(
    {
      option: 'recoveryCodeType',
      reason:
        'only a change-password attempt shows it, and that spends one of the recovery account’s five attempts',
    },
    {
      option: 'blockedStatus',
      reason: 'only a blocked recovery shows it, and blocking takes five wrong codes and lasts 24 hours',
    },
    {
      option: 'tokenLeewaySeconds',
      reason:
        'only an access token past its exp shows it: that means waiting out the token’s lifetime or moving the target’s clock',
    },
  );

  if (options.probe === false) {
    discovery.notInferred.push({
      option: 'rateLimit',
      reason: options.skipReason || 'the probe was not run',
    });
  } else {
    const limiter = await probeLimiter(target, options.probe);
    discovery.requests += limiter.requestsSent;
    discovery.limiter = limiter;
    if (limiter.found) {
      discovery.found.push({ option: 'rateLimit', value: limiter.reading, evidence: limiter.evidence });
    } else {
      discovery.notInferred.push({ option: 'rateLimit', reason: limiter.evidence });
    }
  }
  return discovery;
}

type Send = (route: 'login' | 'refresh', body: unknown, bearer?: string) => Promise<Answer>;

async function discoverTokenReadings(
  discovery: Discovery,
  send: Send,
  slot: AccountSlot,
  account: Credentials,
): Promise<void> {
  const login = await send('login', { ...account, skipMultiFactorAuthentication: true });
  const loginToken = refreshTokenIn(login);
  if (login.status !== 200 || !loginToken) {
    const reason =
      login.status === 200
        ? `login as ${slot} answered 200 without a refresh token string or an object carrying one`
        : `login as ${slot} answered ${login.status}; check the account's password in the target file`;
    discovery.notInferred.push({ option: 'refreshTokenShape', reason }, { option: 'refreshTokenIn', reason });
    return;
  }
  discovery.found.push({
    option: 'refreshTokenShape',
    value: loginToken.shape,
    evidence:
      loginToken.shape === 'object'
        ? `login answered refreshToken as an object carrying the token under "${loginToken.key}"`
        : 'login answered refreshToken as a string',
  });
  if (loginToken.key !== undefined)
    discovery.found.push({
      option: 'refreshTokenKey',
      value: loginToken.key,
      evidence: `the object's member "${loginToken.key}" carries the token`,
    });

  // The pair the login just got is the only one spent: a body refresh first; a server that reads
  // only the Bearer credential refuses the body without spending the token, so it still works.
  const inBody = await send('refresh', { refreshToken: loginToken.token });
  if (inBody.status === 200) {
    const next = refreshTokenIn(inBody);
    const asBearer = next ? await send('refresh', undefined, next.token) : undefined;
    discovery.found.push({
      option: 'refreshTokenIn',
      value: 'body',
      evidence:
        asBearer?.status === 200
          ? 'a refresh with the token in the body answered 200, and so did one as Bearer: either works, body is the default'
          : `a refresh with the token in the body answered 200${asBearer ? `, as Bearer ${asBearer.status}` : ''}`,
    });
    return;
  }
  const asBearer = await send('refresh', undefined, loginToken.token);
  if (asBearer.status === 200) {
    discovery.found.push({
      option: 'refreshTokenIn',
      value: 'bearer',
      evidence: `a refresh with the token in the body answered ${inBody.status}, the same token as Bearer 200`,
    });
  } else {
    discovery.notInferred.push({
      option: 'refreshTokenIn',
      reason: `a refresh with the fresh token answered ${inBody.status} in the body and ${asBearer.status} as Bearer`,
    });
  }
}

async function discoverWrongPassword(
  discovery: Discovery,
  send: Send,
  slot: AccountSlot,
  account: Credentials,
): Promise<void> {
  // One wrong password, never more: lockout policies count failed logins.
  const wrong = await send('login', {
    email: account.email,
    password: `not-the-password-${randomBytes(6).toString('hex')}`,
    skipMultiFactorAuthentication: true,
  });
  if (wrong.status === 401 || wrong.status === 400) {
    discovery.found.push({
      option: 'wrongPasswordStatus',
      value: wrong.status,
      evidence: `one login as ${slot} with a wrong password answered ${wrong.status}`,
    });
  } else {
    discovery.notInferred.push({
      option: 'wrongPasswordStatus',
      reason: `one login as ${slot} with a wrong password answered ${wrong.status}, neither 401 nor 400`,
    });
  }
}

const JWT_SHAPE = /^[\w-]+\.[\w-]+\.[\w-]*$/;

/** The refresh token of a login or refresh answer, and the shape it came in. */
function refreshTokenIn(
  answer: Answer,
): { token: string; shape: 'string' | 'object'; key?: string } | undefined {
  if (answer.status !== 200 || typeof answer.body !== 'object' || answer.body === null) return undefined;
  const value = (answer.body as Record<string, unknown>).refreshToken;
  if (typeof value === 'string' && value !== '') return { token: value, shape: 'string' };
  if (typeof value !== 'object' || value === null) return undefined;
  // The member that carries the token: the one string that looks like a JWT, else the only string.
  const strings = Object.entries(value).filter(
    (entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1] !== '',
  );
  const carrier =
    strings.find(([, inner]) => JWT_SHAPE.test(inner)) ?? (strings.length === 1 ? strings[0] : undefined);
  return carrier ? { token: carrier[1], shape: 'object', key: carrier[0] } : undefined;
}
