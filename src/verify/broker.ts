/**
 * The optional Pact Broker flow, on when PACT_BROKER_BASE_URL is set: publish the consumer pacts
 * under the git SHA and branch, verify the broker's pacts and publish the results (from CI only,
 * so a laptop run never marks a version verified), and ask can-i-deploy.
 *
 * The environment is read here, from the `env` the CLI hands in, and nowhere else in this
 * folder. Credentials reach the pact-broker CLI through its environment, never its arguments,
 * which `ps` would show.
 */
import { execFile, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import { ConfigError } from '../errors.ts';
import { CONSUMER, PROVIDER } from '../pact/pact-files.ts';
import { redactText, registerSecret } from '../redact/index.ts';

export type Env = Readonly<Record<string, string | undefined>>;

export interface BrokerConfig {
  url: string;
  token?: string;
  username?: string;
  password?: string;
}

export interface BuildInfo {
  /** Version to publish or verify as: the git SHA. */
  version: string;
  branch: string | undefined;
  /** Results are published only from CI. */
  ci: boolean;
}

/** The broker settings, or undefined when PACT_BROKER_BASE_URL is unset. */
export function brokerConfig(env: Env): BrokerConfig | undefined {
  const url = env.PACT_BROKER_BASE_URL?.trim();
  if (!url) return undefined;
  try {
    new URL(url);
  } catch {
    throw new ConfigError('is not a URL', {
      where: 'PACT_BROKER_BASE_URL',
      hint: 'e.g. https://broker.example.com',
    });
  }
  const config: BrokerConfig = { url };
  if (env.PACT_BROKER_TOKEN) config.token = env.PACT_BROKER_TOKEN;
  if (env.PACT_BROKER_USERNAME) config.username = env.PACT_BROKER_USERNAME;
  if (env.PACT_BROKER_PASSWORD) config.password = env.PACT_BROKER_PASSWORD;
  registerSecret(config.token);
  registerSecret(config.password);
  return config;
}

const run = promisify(execFile);

async function git(args: string[], cwd: string): Promise<string | undefined> {
  try {
    return (await run('git', args, { cwd })).stdout.trim() || undefined;
  } catch {
    return undefined;
  }
}

/** SHA and branch from GitHub Actions' variables, else from git itself. */
export async function buildInfo(env: Env, cwd: string): Promise<BuildInfo> {
  const version = env.GITHUB_SHA || (await git(['rev-parse', 'HEAD'], cwd));
  if (!version) {
    throw new ConfigError('cannot tell which version to publish: no GITHUB_SHA and no git checkout', {
      where: cwd,
      hint: 'run from the repository, or set GITHUB_SHA',
    });
  }
  const fromGit = await git(['rev-parse', '--abbrev-ref', 'HEAD'], cwd);
  const branch = env.GITHUB_HEAD_REF || env.GITHUB_REF_NAME || (fromGit === 'HEAD' ? undefined : fromGit);
  return { version, branch, ci: env.CI === 'true' };
}

function brokerEnv(config: BrokerConfig): Record<string, string> {
  const env: Record<string, string> = { PACT_BROKER_BASE_URL: config.url, PACT_DO_NOT_TRACK: 'true' };
  if (config.token) env.PACT_BROKER_TOKEN = config.token;
  if (config.username) env.PACT_BROKER_USERNAME = config.username;
  if (config.password) env.PACT_BROKER_PASSWORD = config.password;
  return env;
}

/** Runs `pact-broker <args>` and resolves with its exit code; output goes to `write`, redacted. */
export function pactBroker(
  args: string[],
  config: BrokerConfig,
  write: (text: string) => void,
): Promise<number> {
  const bin = createRequire(import.meta.url).resolve('@pact-foundation/pact-cli/bin/pact-broker.js');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      env: brokerEnv(config),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const forward = (chunk: Buffer) => write(redactText(chunk.toString('utf8')));
    child.stdout.on('data', forward);
    child.stderr.on('data', forward);
    child.once('error', reject);
    child.once('exit', (code) => resolve(code ?? 1));
  });
}

export function publishArgs(pactDir: string, build: BuildInfo): string[] {
  const args = ['publish', pactDir, '--consumer-app-version', build.version];
  if (build.branch) args.push('--branch', build.branch);
  return args;
}

/** Can the consumer (default) or provider at `version` go to `environment`? */
export function canIDeployArgs(
  build: BuildInfo,
  options: { pacticipant?: string; environment?: string; retryWhileUnknown?: number },
): string[] {
  const args = ['can-i-deploy', '--pacticipant', options.pacticipant ?? CONSUMER, '--version', build.version];
  args.push('--to-environment', options.environment ?? 'production');
  if (options.retryWhileUnknown)
    args.push('--retry-while-unknown', String(options.retryWhileUnknown), '--retry-interval', '10');
  return args;
}

export const PACTICIPANTS = { consumer: CONSUMER, provider: PROVIDER } as const;
