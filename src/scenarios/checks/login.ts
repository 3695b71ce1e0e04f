/**
 * Login hands out tokens for the right password only (DOC): a wrong password for a registered
 * address is refused, however the target words the refusal (401 or 400, a reading of the OPEN
 * point), and nothing about the account changes.
 */
import { randomBytes } from 'node:crypto';
import { registerSecret } from '../../redact/index.ts';
import { defineCheck } from '../registry.ts';

export const loginChecks = [
  defineCheck({
    id: 'login.wrong-password-refused',
    rule: 'A login with a wrong password for a registered address is refused; the right password still logs in',
    kind: 'behaviour',
    enforces: 'login',
    catches: ['login-any-password'],
    pacts: ['login: a login with a wrong password'],
    needs: ['account:user'],
    async run(ctx) {
      const { email } = ctx.account('user');
      const wrong = `Wrong-${randomBytes(9).toString('base64url')}-1a!`;
      registerSecret(wrong);
      await ctx.expect.refused(
        `a login as ${email} with a wrong password`,
        ctx.client().client.login({ email, password: wrong }),
      );
      await ctx.login('user');
    },
  }),
];
