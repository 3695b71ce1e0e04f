/**
 * The authenticated endpoints: unblock-recovery-code (DOC: Admin, or the Property Management
 * Company that owns the account) and the probe endpoint `GET /api/accounts/myself`.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { AccountRole, type AccountRoleName, UNBLOCKING_ROLES } from '../../roles.ts';
import { DEFAULT_PATHS, DEFAULT_PROTECTED_PATH } from '../../target/types.ts';
import type { AccountRecord } from '../accounts.ts';
import type { ApiContext } from '../context.ts';
import { authenticate, bearerToken, parseBody } from '../http.ts';
import { HttpProblem } from '../problem.ts';

const UnblockBody = z.object({
  email: z
    .string({
      error: (issue) => (issue.input === undefined ? 'email is required' : 'email must be a string'),
    })
    .min(1, 'email must not be empty')
    .max(320, 'email must be at most 320 characters'),
});

export function registerAccountRoutes(fastify: FastifyInstance, ctx: ApiContext): void {
  fastify.post(DEFAULT_PATHS.unblockRecoveryCode, async (request, reply) => {
    const anonymousAllowed = ctx.defects.has('unblock-without-token') && !bearerToken(request);
    const caller = anonymousAllowed ? undefined : await authenticate(request, ctx);
    if (caller && !mayUnblockAtAll(caller.role, ctx)) {
      throw new HttpProblem(
        403,
        'Forbidden',
        `party type ${caller.role} may not unblock recovery codes; only ${UNBLOCKING_ROLES.join(' and ')} may`,
      );
    }
    const body = parseBody(UnblockBody, request.body);
    const target = ctx.accounts.byEmail(body.email);
    if (!target) throw new HttpProblem(404, 'Not Found', 'no account has this e-mail address');
    if (
      caller?.role === 'PropertyManagementCompany' &&
      caller.companyId !== target.companyId &&
      !ctx.defects.has('unblock-cross-company')
    ) {
      throw new HttpProblem(
        403,
        'Forbidden',
        "a property management company may unblock only its own company's accounts",
      );
    }
    if (!ctx.defects.has('unblock-noop')) ctx.recovery.unblock(target.id);
    return reply.send({});
  });

  fastify.get(DEFAULT_PROTECTED_PATH, async (request, reply) => {
    const account = await authenticate(request, ctx);
    return reply.send(profile(account));
  });
}

function mayUnblockAtAll(role: AccountRoleName, ctx: ApiContext): boolean {
  if (role === 'Admin' && ctx.defects.has('unblock-by-admin-refused')) return false;
  if (role === 'PropertyManagementCompany' && ctx.defects.has('unblock-by-pmc-refused')) return false;
  return (
    UNBLOCKING_ROLES.includes(role) ||
    (role === 'Contractor' && ctx.defects.has('unblock-by-contractor')) ||
    (role === 'User' && ctx.defects.has('unblock-by-user'))
  );
}

function profile(account: AccountRecord) {
  return {
    id: account.id,
    email: account.email,
    firstName: account.firstName,
    lastName: account.lastName,
    companyId: account.companyId,
    role: AccountRole[account.role],
    partyType: account.role,
  };
}
