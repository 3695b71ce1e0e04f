/**
 * Error answers are RFC 9457 problem details: a client (and a person reading a log) can tell
 * what went wrong without parsing free text, and a stack trace or framework page has no place
 * to hide in a body of known shape.
 */
import { randomBytes } from 'node:crypto';
import { ensure } from '../expect.ts';
import { defineCheck } from '../registry.ts';
import { REF } from './common.ts';

/** A frame of a Node, .NET or Java stack trace. */
const STACK_FRAME = /\bat [\w$.<>]+ \(?[^\s()]+:\d+(:\d+)?\)?|\bat [\w.]+\(.*\) in .+:line \d+/;

export const errorChecks = [
  defineCheck({
    id: 'errors.problem-details',
    rule: 'A refused login answers application/problem+json with a title, the status, and no stack trace',
    kind: 'security',
    enforces: 'problem-details',
    catches: ['problem-json-missing', 'problem-status-mismatch', 'error-stack-trace'],
    pacts: ['login: a login with a wrong password'],
    severity: 'low',
    references: [REF.problemDetails, REF.errorMessages],
    needs: ['account:user'],
    async run(ctx) {
      // An address no account has, so no real account collects a failed login.
      const domain = ctx.account('user').email.split('@')[1] ?? 'example.invalid';
      const { client } = ctx.client();
      const refusal = await ctx.expect.refused(
        'a login for an unknown address',
        client.login({
          email: `no-such-account-${randomBytes(6).toString('hex')}@${domain}`,
          password: 'Wrong-Pass-123!',
        }),
      );
      const type = refusal.headers['content-type'];
      const contentType = String(Array.isArray(type) ? type[0] : (type ?? ''))
        .split(';')[0]!
        .trim();
      ensure(
        contentType === 'application/problem+json',
        `the ${refusal.status} answer is ${contentType || 'without a content-type'}, not application/problem+json`,
      );
      const problem = refusal.problem;
      ensure(
        problem !== undefined && typeof problem.title === 'string' && problem.status === refusal.status,
        `the problem details lack a title or a status matching ${refusal.status} (status ${JSON.stringify(problem?.status)})`,
      );
      const text = JSON.stringify(problem);
      ensure(
        !STACK_FRAME.test(text),
        `the ${refusal.status} answer carries a stack trace: ${text.match(STACK_FRAME)?.[0] ?? ''}`,
      );
    },
  }),
];
