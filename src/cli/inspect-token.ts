/**
 * `facilioo-auth inspect-token <TOKEN|-> [--key FILE]... [--jwks URL]... [--at ISO-TIME] [--require-valid]`
 *
 * jwt.io, offline: prints the decoded header and claims, nbf/exp as ISO times, whether the token
 * is valid at a moment, and which key verified it. The token itself is never printed back; `-`
 * reads it from stdin so it stays out of the shell history and the process list.
 */
import { ConfigError } from '../errors.ts';
import { isTokenCheckError } from '../jwt/errors.ts';
import { inspectToken } from '../jwt/inspect.ts';
import { type KeySource, loadKeys } from '../jwt/keys.ts';
import type { RegisterCommand } from './main.ts';

interface InspectTokenFlags {
  key: string[];
  jwks: string[];
  at?: string;
  requireValid?: boolean;
}

// A zone is required: a bare local time would judge validity differently on each machine.
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

const collect = (value: string, previous: string[]): string[] => [...previous, value];

export const register: RegisterCommand = (program, setExitCode) => {
  program
    .command('inspect-token')
    .description('decode an access token, judge its validity window and find the key that signed it')
    .argument('<token>', 'the token, or - to read it from stdin (keeps it out of the process list)')
    .option('--key <file>', 'PEM file of RSA public key(s), PKCS#1 or SPKI; repeatable', collect, [])
    .option('--jwks <url>', 'URL of a JWK set to take RSA keys from; repeatable', collect, [])
    .option('--at <iso-time>', 'judge validity at this moment instead of now, e.g. 2022-05-05T14:30:00Z')
    .option('--require-valid', 'exit 1 unless the token is inside its window and a key verified it')
    .action(async (tokenArgument: string, flags: InspectTokenFlags) => {
      const at = parseAt(flags.at);
      const where = tokenArgument === '-' ? 'stdin' : 'TOKEN argument';
      const token = bareToken(tokenArgument === '-' ? await readStdin() : tokenArgument);
      if (token === '') {
        throw new ConfigError('no token given', {
          where,
          hint: 'pass the access token, or - and pipe it in',
        });
      }
      const sources: KeySource[] = [...flags.key, ...flags.jwks.map((jwksUrl) => ({ jwksUrl }))];
      const keys = await loadKeys(sources);
      let inspection: Awaited<ReturnType<typeof inspectToken>>;
      try {
        inspection = await inspectToken(token, { keys, at });
      } catch (error) {
        if (!isTokenCheckError(error, 'malformed')) throw error;
        throw new ConfigError(error.message, {
          where,
          hint: 'pass the accessToken from a login or refresh response: three base64url parts joined by dots',
        });
      }
      process.stdout.write(`${JSON.stringify(inspection, null, 2)}\n`);
      if (flags.requireValid) {
        const problems = [
          inspection.validAt.valid
            ? undefined
            : `not valid at ${inspection.validAt.at}: ${inspection.validAt.reason}`,
          inspection.signature.verifiedBy === null
            ? `signature not verified: ${inspection.signature.reason}`
            : undefined,
        ].filter((problem) => problem !== undefined);
        if (problems.length > 0) {
          process.stderr.write(`facilioo-auth inspect-token: ${problems.join('; ')}\n`);
          setExitCode(1);
        }
      }
    });
};

function parseAt(value: string | undefined): Date {
  if (value === undefined) return new Date();
  const at = new Date(value);
  if (!ISO_TIME.test(value) || Number.isNaN(at.getTime())) {
    throw new ConfigError(`"${value}" is not an ISO 8601 time with a zone`, {
      where: '--at',
      hint: 'write it like 2022-05-05T14:30:00Z or 2022-05-05T16:30:00+02:00',
    });
  }
  return at;
}

/** Tolerates what copying from a header or a file brings along: whitespace and a `Bearer ` prefix. */
function bareToken(text: string): string {
  return text.trim().replace(/^Bearer\s+/i, '');
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
