/**
 * The control API under `/_control`: move the clock, reset to the seeded state, read an
 * account's recovery state and the request counts, switch defects. Registered only with
 * `control: true`, so a plain server answers 404 for all of it.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { isControllable } from '../clock.ts';
import type { ApiContext } from '../context.ts';
import { DEFECT_NAMES, isDefectName } from '../defects.ts';
import { badRequest, parseBody } from '../http.ts';
import { HttpProblem } from '../problem.ts';

export const CONTROL_PREFIX = '/_control';
const LATEST_CLOCK_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

const ClockBody = z.union(
  [
    z.object({ advanceSeconds: z.number().finite() }).strict(),
    z.object({ set: z.string().refine((value) => !Number.isNaN(Date.parse(value))) }).strict(),
  ],
  { error: 'send {"advanceSeconds": n} or {"set": "ISO-8601 date"}' },
);

const DefectsBody = z.object({
  defects: z.array(z.string(), { error: 'defects must be an array of defect names' }),
});

export function registerControlRoutes(fastify: FastifyInstance, ctx: ApiContext): void {
  const clockState = () => ({ now: new Date(ctx.clock.now()).toISOString() });

  fastify.get(`${CONTROL_PREFIX}/clock`, async () => clockState());

  fastify.post(`${CONTROL_PREFIX}/clock`, async (request) => {
    const clock = ctx.clock;
    if (!isControllable(clock)) {
      throw new HttpProblem(
        409,
        'Conflict',
        'the server was started with a clock the control API cannot move',
      );
    }
    const body = parseBody(ClockBody, request.body);
    const target = 'advanceSeconds' in body ? clock.now() + body.advanceSeconds * 1000 : Date.parse(body.set);
    // Beyond year 9999 a date has no ISO form, and nothing in a test needs it.
    if (!(target >= 0 && target <= LATEST_CLOCK_MS)) {
      badRequest('the clock must stay between 1970-01-01 and 9999-12-31', { clock: ['out of range'] });
    }
    clock.set(target);
    return clockState();
  });

  fastify.post(`${CONTROL_PREFIX}/reset`, async () => {
    ctx.reset();
    return { reset: true, ...clockState() };
  });

  fastify.get<{ Params: { email: string } }>(
    `${CONTROL_PREFIX}/accounts/:email/recovery`,
    async (request) => {
      const account = ctx.accounts.byEmail(request.params.email);
      if (!account) throw new HttpProblem(404, 'Not Found', 'no account has this e-mail address');
      return { email: account.email, ...ctx.recovery.snapshot(account.id) };
    },
  );

  fastify.get(`${CONTROL_PREFIX}/stats`, async () => ctx.stats);

  fastify.get(`${CONTROL_PREFIX}/defects`, async () => ({ defects: ctx.defects.list() }));

  fastify.put(`${CONTROL_PREFIX}/defects`, async (request) => {
    const { defects } = parseBody(DefectsBody, request.body);
    const unknown = defects.filter((name) => !isDefectName(name));
    if (unknown.length > 0) {
      badRequest(`unknown defect(s) ${unknown.join(', ')}; known: ${DEFECT_NAMES.join(', ')}`, {
        defects: unknown.map((name) => `unknown defect ${name}`),
      });
    }
    ctx.defects.set(defects.filter(isDefectName));
    return { defects: ctx.defects.list() };
  });
}
