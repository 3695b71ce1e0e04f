/**
 * The HTTP edge every route shares: JSON body parsing, problem+json errors (never a 5xx for a
 * client's mistake), 404 and 405 with `Allow`, request validation and bearer authentication.
 */
import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { AccountRecord } from './accounts.ts';
import type { ApiContext } from './context.ts';
import { HttpProblem, PROBLEM_CONTENT_TYPE } from './problem.ts';

export function installHttpEdge(fastify: FastifyInstance, ctx: ApiContext): void {
  // Only JSON is spoken; everything else is a 415. An empty JSON body counts as no body, so a
  // bearer-style refresh that still sends `Content-Type: application/json` is accepted.
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch {
      // The parser's message quotes the body, which may hold a password: never echo it.
      done(new HttpProblem(400, 'Bad Request', 'the body is not valid JSON; send a JSON object'), undefined);
    }
  });
  // An empty body under another media type is no body (the Pact verifier labels a body-less
  // POST as text): ASP.NET binds nothing there either, so only a non-empty one is a 415.
  fastify.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => {
    if (String(body).trim() === '') return done(null, undefined);
    done(new HttpProblem(415, 'Unsupported Media Type', 'send the body as application/json'), undefined);
  });

  const routes: { method: string; pattern: RegExp }[] = [];
  fastify.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const pattern = new RegExp(
      `^${route.url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:[A-Za-z0-9_]+/g, '[^/]+')}$`,
    );
    for (const method of methods) routes.push({ method, pattern });
  });

  fastify.setNotFoundHandler((request) => {
    const path = request.url.split('?')[0] ?? '/';
    const allowed = [...new Set(routes.filter((r) => r.pattern.test(path)).map((r) => r.method))].sort();
    if (allowed.length > 0) {
      throw new HttpProblem(
        405,
        'Method Not Allowed',
        `${request.method} is not allowed on ${path}; use ${allowed.join(', ')}`,
        { headers: { allow: allowed.join(', ') } },
      );
    }
    throw new HttpProblem(404, 'Not Found', `there is no route ${request.method} ${path}`);
  });

  fastify.setErrorHandler((error: FastifyError | HttpProblem, request, reply) => {
    const problem = error instanceof HttpProblem ? error : fromFrameworkError(error, ctx);
    if (problem.status >= 500) request.log.error({ err: error }, 'reference API failure');
    return sendProblem(reply, problem, ctx);
  });
}

function fromFrameworkError(error: FastifyError, ctx: ApiContext): HttpProblem {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new HttpProblem(
        413,
        'Payload Too Large',
        `the body is larger than ${ctx.options.bodyLimitBytes} bytes; send a small JSON object`,
      );
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new HttpProblem(415, 'Unsupported Media Type', 'send the body as application/json');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new HttpProblem(400, 'Bad Request', 'the Content-Length header does not match the body');
  }
  const status = typeof error.statusCode === 'number' && error.statusCode >= 400 ? error.statusCode : 500;
  if (status < 500)
    return new HttpProblem(status, STATUS_CODES[status] ?? 'Client Error', 'the request is malformed');
  return new HttpProblem(
    500,
    'Internal Server Error',
    'the reference API failed; this is a bug in it, please report it',
  );
}

export function sendProblem(reply: FastifyReply, problem: HttpProblem, ctx: ApiContext): FastifyReply {
  reply.code(problem.status);
  for (const [name, value] of Object.entries(problem.headers)) {
    if (name === 'www-authenticate' && ctx.defects.has('no-www-authenticate')) continue;
    const basic = name === 'www-authenticate' && ctx.defects.has('www-authenticate-basic');
    reply.header(name, basic ? 'Basic realm="facilioo"' : value);
  }
  if (ctx.defects.has('problem-json-missing')) {
    return reply.type('text/plain; charset=utf-8').send(`${problem.title}: ${problem.detail}`);
  }
  return reply.type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problemBodyDefects(problem, ctx)));
}

function problemBodyDefects(problem: HttpProblem, ctx: ApiContext): Record<string, unknown> {
  const body: Record<string, unknown> = { ...problem.body() };
  if (ctx.defects.has('problem-status-mismatch')) body.status = problem.status === 400 ? 500 : 400;
  if (ctx.defects.has('error-stack-trace') && problem.status === 401) {
    body.detail = `${String(body.detail)}\n    at AccountStore.authenticate (/app/src/accounts.ts:118:11)\n    at Object.login (/app/src/routes/auth.ts:61:30)`;
  }
  return body;
}

/** Parses a body with a zod schema; a failure is a 400 that names each field and what it needs. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const errors: Record<string, string[]> = {};
  for (const issue of result.error.issues) {
    const field = issue.path.length > 0 ? issue.path.join('.') : 'body';
    const message = issue.path.length > 0 ? issue.message : 'the body must be a JSON object';
    errors[field] = [...(errors[field] ?? []), message];
  }
  const detail = Object.values(errors).flat().join('; ');
  return badRequest(detail, errors);
}

export function badRequest(detail: string, errors?: Record<string, string[]>): never {
  throw new HttpProblem(400, 'Bad Request', detail, errors ? { errors } : {});
}

/** The bearer credential of a request, if it carries one. */
export function bearerToken(request: FastifyRequest): string | undefined {
  const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(request.headers.authorization ?? '');
  return match?.[1];
}

export function unauthorized(detail: string, tokenError?: string): HttpProblem {
  // RFC 6750 §3: no error code when no credentials were sent; invalid_token when they were bad.
  const challenge = tokenError
    ? `Bearer error="invalid_token", error_description="${tokenError.replace(/["\\]/g, "'")}"`
    : 'Bearer';
  return new HttpProblem(401, 'Unauthorized', detail, { headers: { 'www-authenticate': challenge } });
}

/** The account behind the request's access token, or a 401. */
export async function authenticate(request: FastifyRequest, ctx: ApiContext): Promise<AccountRecord> {
  const token = bearerToken(request);
  if (!token) {
    throw unauthorized('this endpoint needs an access token: send Authorization: Bearer <accessToken>');
  }
  if (ctx.defects.has('malformed-token-500') && token.split('.').length !== 3) {
    throw new Error('cannot read the token: expected three segments');
  }
  const check = await ctx.tokens.checkAccessToken(token);
  if (!check.ok && check.reason === 'the token has expired' && ctx.defects.has('expired-token-403')) {
    throw new HttpProblem(403, 'Forbidden', 'the access token has expired');
  }
  if (!check.ok) throw unauthorized(`the access token is not valid: ${check.reason}`, check.reason);
  return check.account;
}
