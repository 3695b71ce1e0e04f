/**
 * The anonymous auth endpoints (DOC): login, refresh, recover-password and
 * change-password-with-recovery-code.
 */
import { randomInt } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { DEFAULT_PATHS } from '../../target/types.ts';
import type { AccountRecord } from '../accounts.ts';
import type { ApiContext } from '../context.ts';
import { badRequest, bearerToken, parseBody, unauthorized } from '../http.ts';
import { HttpProblem } from '../problem.ts';
import { reject } from '../rate-limit-gate.ts';
import { newRecoveryCode, WRONG_CODES_BEFORE_BLOCK } from '../recovery.ts';
import type { TokenPair } from '../tokens.ts';

const text = (field: string, max: number) =>
  z
    .string({
      error: (issue) => (issue.input === undefined ? `${field} is required` : `${field} must be a string`),
    })
    .min(1, `${field} must not be empty`)
    .max(max, `${field} must be at most ${max} characters`);

const LoginBody = z.object({
  email: text('email', 320),
  password: text('password', 1024),
  skipMultiFactorAuthentication: z
    .boolean({ error: 'skipMultiFactorAuthentication must be true or false' })
    .optional(),
});

const RefreshBody = z.object({ refreshToken: text('refreshToken', 16 * 1024).optional() }).optional();

const RecoverBody = z.object({ email: text('email', 320) });

const ChangeBody = z.object({
  email: text('email', 320),
  password: z
    .string({
      error: (issue) => (issue.input === undefined ? 'password is required' : 'password must be a string'),
    })
    .min(8, 'password must be at least 8 characters')
    .max(128, 'password must be at most 128 characters'),
  // DOC's example sends a string; the hub types it int32 (target option recoveryCodeType).
  recoveryCode: z.union([z.string(), z.number()], {
    error: (issue) =>
      issue.input === undefined ? 'recoveryCode is required' : 'recoveryCode must be a string or a number',
  }),
});

export function registerAuthRoutes(fastify: FastifyInstance, ctx: ApiContext): void {
  fastify.post(DEFAULT_PATHS.login, async (request, reply) => {
    const body = parseBody(LoginBody, request.body);
    const account =
      ctx.accounts.authenticate(body.email, body.password) ??
      (ctx.defects.has('login-any-password') ? ctx.accounts.byEmail(body.email) : undefined);
    if (!account) throw wrongCredentials(ctx);
    return reply.send(tokenResponse(await ctx.tokens.issuePair(account), ctx));
  });

  fastify.post(DEFAULT_PATHS.refresh, async (request, reply) => {
    const body = parseBody(RefreshBody, request.body);
    const token = refreshTokenOf(body?.refreshToken, bearerToken(request), ctx);
    const result = await ctx.tokens.refresh(token);
    if (!result.ok) throw unauthorized(`the refresh token is not valid: ${result.reason}`, result.reason);
    return reply.send(tokenResponse(result.pair, ctx));
  });

  fastify.post(DEFAULT_PATHS.recoverPassword, async (request, reply) => {
    const body = parseBody(RecoverBody, request.body);
    const account = ctx.accounts.byEmail(body.email);
    if (account) {
      if (ctx.defects.has('rate-limit-known-only')) {
        const lease = await ctx.limiter.acquire(request.ip);
        if (!lease.admitted) {
          return reject(reply, lease, ctx);
        }
      }
      const issued = ctx.recovery.issueCode(account.id);
      const code = ctx.defects.has('recovery-mail-wrong-code') ? otherCode(issued) : issued;
      if (!ctx.defects.has('recovery-mail-never-sent')) {
        ctx.outbox.add({ ...recoveryMail(account, code, ctx), createdMs: ctx.clock.now() });
      }
      if (ctx.defects.has('recover-password-timing')) await delay(50);
    } else {
      if (ctx.defects.has('recover-password-enumeration')) {
        throw new HttpProblem(404, 'Not Found', 'no account has this e-mail address');
      }
      // The same work as for a known address, so the answer's timing does not tell them apart.
      recoveryMail(
        { id: 0, email: body.email, firstName: '', lastName: '', companyId: 0, role: 'User' },
        newRecoveryCode(),
        ctx,
      );
    }
    return reply.send({});
  });

  fastify.put(DEFAULT_PATHS.changePasswordWithRecoveryCode, async (request, reply) => {
    const body = parseBody(ChangeBody, request.body);
    const code = normalizeCode(body.recoveryCode, ctx.options.readings.recoveryCodeType);
    const account = ctx.accounts.byEmail(body.email);
    if (!account) throw wrongCode(undefined);
    const result = await ctx.recovery.attempt(account.id, code);
    switch (result.outcome) {
      case 'blocked':
        if (result.rightCode && ctx.defects.has('blocked-change-applies')) {
          ctx.accounts.setPassword(account.id, body.password);
        }
        throw new HttpProblem(
          ctx.options.readings.blockedStatus,
          STATUS_CODES[ctx.options.readings.blockedStatus] ?? 'Client Error',
          `password recovery for this account is blocked until ${new Date(result.blockedUntil).toISOString()} after ${WRONG_CODES_BEFORE_BLOCK} wrong codes; an Admin or the account's property management company can unblock it`,
        );
      case 'wrong':
        if (ctx.defects.has('wrong-code-changes-password'))
          ctx.accounts.setPassword(account.id, body.password);
        throw wrongCode(result.attemptsLeft);
      case 'accepted':
        if (!ctx.defects.has('password-not-changed')) {
          ctx.accounts.setPassword(account.id, body.password, {
            keepOld: ctx.defects.has('old-password-still-works'),
          });
        }
        if (!ctx.defects.has('refresh-survives-password-change')) ctx.tokens.revokeAccount(account.id);
        return reply.send({});
    }
  });
}

/** A code that is certainly not `code`. */
function otherCode(code: string): string {
  return String((Number(code) + 500_000) % 1_000_000).padStart(6, '0');
}

function wrongCode(attemptsLeft: number | undefined): HttpProblem {
  const left =
    attemptsLeft === undefined ? '' : `; ${attemptsLeft} more wrong code(s) block recovery for 24 hours`;
  return new HttpProblem(400, 'Bad Request', `the recovery code is wrong or has expired${left}`, {
    errors: { recoveryCode: ['the recovery code is wrong or has expired'] },
  });
}

/**
 * SEEN: some clients send the refresh token as the bearer credential with no body. A deployment
 * that reads only one of the two answers 400 to the other, as ASP.NET's model binding would.
 */
function refreshTokenOf(inBody: string | undefined, asBearer: string | undefined, ctx: ApiContext): string {
  const where = ctx.options.readings.refreshTokenIn;
  if (where === 'bearer' && inBody !== undefined) {
    badRequest('send the refresh token as Authorization: Bearer <refreshToken> with no body', {
      refreshToken: ['this server takes the refresh token only as the bearer credential'],
    });
  }
  const token = where === 'body' ? inBody : where === 'bearer' ? asBearer : (inBody ?? asBearer);
  if (token) return token;
  const how =
    where === 'body'
      ? 'send {"refreshToken": "..."}'
      : where === 'bearer'
        ? 'send Authorization: Bearer <refreshToken>'
        : 'send {"refreshToken": "..."} or Authorization: Bearer <refreshToken>';
  return badRequest(`refreshToken is required: ${how}`, { refreshToken: ['refreshToken is required'] });
}

function wrongCredentials(ctx: ApiContext): HttpProblem {
  const detail = 'the e-mail address or password is wrong';
  // A 400 reading answers like a failed validation: no authentication challenge.
  return ctx.options.readings.wrongPasswordStatus === 400
    ? new HttpProblem(400, 'Bad Request', detail)
    : unauthorized(detail);
}

/**
 * A 6-digit code as a string; a number is zero-padded (int32 on the hub loses leading zeros).
 * A server that declares one JSON type refuses the other, as a typed DTO would.
 */
function normalizeCode(code: string | number, declared: 'string' | 'number' | undefined): string {
  if (declared !== undefined && typeof code !== declared) {
    badRequest(`recoveryCode must be a JSON ${declared}`, {
      recoveryCode: [`recoveryCode must be a JSON ${declared}`],
    });
  }
  if (typeof code === 'number' && Number.isInteger(code) && code >= 0 && code <= 999_999) {
    return String(code).padStart(6, '0');
  }
  if (typeof code === 'string' && /^\d{6}$/.test(code)) return code;
  return badRequest('recoveryCode must be 6 digits', { recoveryCode: ['recoveryCode must be 6 digits'] });
}

function tokenResponse(pair: TokenPair, ctx: ApiContext): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (!ctx.defects.has('access-token-missing')) {
    body[ctx.defects.has('access-token-renamed') ? 'access_token' : 'accessToken'] = pair.accessToken;
  }
  const refreshField = ctx.defects.has('refresh-token-renamed') ? 'refresh_token' : 'refreshToken';
  // DOC's table types the refresh token as an object; that reading wraps the JWT.
  const refreshToken =
    ctx.options.readings.refreshTokenShape === 'object'
      ? { [ctx.options.readings.refreshTokenKey]: pair.refreshToken }
      : pair.refreshToken;
  body[refreshField] = ctx.defects.has('refresh-token-not-string') ? randomInt(1, 2 ** 31) : refreshToken;
  return body;
}

function recoveryMail(account: AccountRecord, code: string, ctx: ApiContext) {
  const minutes = Math.round(ctx.options.recoveryCodeSeconds / 60);
  const greeting = account.firstName ? `Hello ${account.firstName},` : 'Hello,';
  return {
    From: { Name: 'facilioo (reference API)', Address: `no-reply@${ctx.options.issuer}` },
    To: [{ Name: `${account.firstName} ${account.lastName}`.trim(), Address: account.email }],
    Subject: 'Your facilioo password recovery code',
    Text: `${greeting}\n\nyour recovery code is ${code}. It is valid for ${minutes} minutes.\n\nIf you did not ask to reset your password, ignore this message.\n`,
    HTML: `<p>${escapeHtml(greeting)}</p><p>your recovery code is <strong>${code}</strong>. It is valid for ${minutes} minutes.</p><p>If you did not ask to reset your password, ignore this message.</p>`,
  };
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
