/**
 * A gate run whose results carry known secrets in every free-text place a check could put them:
 * the way a careless check would leak a password, a token or a recovery code into a report.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { registerSecret } from '../../src/redact/index.ts';
import type { ProbeResult } from '../../src/report/inputs.ts';
import { mergeLayers } from '../../src/report/merge.ts';
import type { GateReport } from '../../src/report/types.ts';
import { STARTED_AT, samplePact, scenariosLayer } from './sample.ts';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

export const PLANTED = {
  password: 'Correct-Horse-Battery-42',
  // Characters every output format escapes, so only a scan of every spelling finds it.
  hostilePassword: 'p@ss<w>rd&"quote"\'',
  accessToken: `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64({ sub: { accountId: 2, companyId: 2 }, exp: 1 })}.${'s1gnature'.repeat(8)}`,
  refreshToken: 'rt_9f8e7d6c5b4a3928170655aa',
  recoveryCode: '493817',
} as const;
export const PLANTED_SECRETS: string[] = Object.values(PLANTED);

/** What the target loader, client and mailbox do with these values in a real run. */
export function registerLikeARun(): void {
  registerSecret(PLANTED.password);
  registerSecret(PLANTED.hostilePassword);
  registerSecret(PLANTED.refreshToken);
  registerSecret(PLANTED.recoveryCode);
  // The access token is not registered: it must be caught by its JWT shape alone.
}

export function leakyGate(): GateReport {
  const p = PLANTED;
  const layer = {
    ...scenariosLayer,
    checks: [
      {
        ...scenariosLayer.checks[0]!,
        reason: `login with ${p.password} answered {"accessToken":"${p.accessToken}","refreshToken":"${p.refreshToken}"}`,
      },
      {
        ...scenariosLayer.checks[1]!,
        status: 'failed' as const,
        reason: `code ${p.recoveryCode} was accepted while blocked`,
      },
      {
        ...scenariosLayer.checks[2]!,
        reason: `the account with password ${p.hostilePassword} is not in the target`,
      },
      {
        ...scenariosLayer.checks[3]!,
        rule: `a replayed token (Bearer ${p.accessToken}) revokes the family`,
        references: [`RFC 9700 §4.14.2 (seen with ${p.refreshToken})`],
      },
    ],
  };
  return mergeLayers([layer], { strictSecurity: false, target: layer.target, startedAt: STARTED_AT });
}

export const leakyProbe: ProbeResult = {
  rateLimit: {
    endpoint: `recoverPassword?code=${PLANTED.recoveryCode}`,
    limit: 5,
    windowSeconds: 10,
    rejectStatus: 429,
    retryAfterSeconds: null,
    algorithm: null,
    requestsSent: 9,
  },
  timeline: [{ t: 0, status: 200 }],
};

/** A pact whose states carry a password, in a folder of its own (pact files are another layer's). */
export async function writeLeakyPact(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  const pact = {
    ...samplePact,
    interactions: [
      {
        ...samplePact.interactions[0]!,
        description: `a login as ${PLANTED.password}`,
        providerStates: [{ name: 'an account exists', params: { password: PLANTED.hostilePassword } }],
      },
    ],
  };
  await writeFile(join(dir, 'leaky.json'), JSON.stringify(pact));
}
