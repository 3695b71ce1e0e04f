/**
 * The contracts layer of the gate: the consumer tests run as the `contracts` vitest project in a
 * child process (the Pact FFI writes to the process's stdout, and a failing native mock server
 * must not take the gate down with it); vitest's JSON report becomes CheckResults.
 */
import { spawn } from 'node:child_process';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { basename, dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { PACT_DIR_ENV } from '../pact/pact-files.ts';
import { redactText } from '../redact/index.ts';
import type { CheckResult, LayerReport } from '../report/types.ts';
import { PACKAGE_ROOT } from '../scenarios/run-vitest.ts';
import { CONTRACT_READINGS_ENV, type Readings } from '../target/index.ts';
import { slug } from '../verify/pacts.ts';

/** The child's environment: ours, with the readings and the folder the contracts are written for. */
export function contractEnv(readings: Readings | undefined, pactDir?: string): NodeJS.ProcessEnv {
  const env = { ...process.env };
  if (readings) env[CONTRACT_READINGS_ENV] = JSON.stringify(readings);
  else delete env[CONTRACT_READINGS_ENV];
  if (pactDir) env[PACT_DIR_ENV] = pactDir;
  else delete env[PACT_DIR_ENV];
  return env;
}

const AssertionSchema = z.object({
  ancestorTitles: z.array(z.string()),
  title: z.string(),
  status: z.string(),
  duration: z.number().nullish(),
  failureMessages: z.array(z.string()).nullish(),
});
const VitestJsonSchema = z.object({
  testResults: z.array(
    z.object({
      name: z.string(),
      status: z.string(),
      message: z.string().nullish(),
      assertionResults: z.array(AssertionSchema),
    }),
  ),
});
export type VitestJson = z.infer<typeof VitestJsonSchema>;

function firstLine(text: string): string {
  return (text.split('\n').find((line) => line.trim() !== '') ?? text).trim().slice(0, 500);
}

const PACT_HEADERS = [
  /^(Error: )?Test failed for the following reasons:?$/,
  /^Mock server failed with the following mismatches:?$/,
];
const STACK_LINE = /^(at |❯ |⎯)/;

/**
 * What a failed consumer test says, in one line: pact-js opens its error with a generic header
 * ("Test failed for the following reasons:") and puts the mismatch — the request, what was
 * expected and what came — below it. The header goes; the mismatch stays, so every report shows it.
 */
export function contractReason(message: string): string {
  const lines = message
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  const isHeader = (line: string) => PACT_HEADERS.some((header) => header.test(line));
  if (!lines.some(isHeader)) return firstLine(message);
  const mismatch = lines.filter((line) => !isHeader(line) && !STACK_LINE.test(line));
  if (mismatch.length === 0) return firstLine(message);
  return `Pact mismatch: ${mismatch.slice(0, 16).join(' · ')}`.replace(/\s+/g, ' ').slice(0, 1000);
}

/** vitest's JSON report → one CheckResult per test; a file that failed to load is one failed check. */
export function contractChecks(json: VitestJson): CheckResult[] {
  const checks: CheckResult[] = [];
  for (const file of json.testResults) {
    const stem = basename(file.name).replace(/\.pact\.test\.ts$/, '');
    if (file.assertionResults.length === 0 && file.status === 'failed') {
      checks.push({
        layer: 'contracts',
        id: `${stem}.file-loads`,
        rule: `The consumer contract file ${basename(file.name)} loads and runs`,
        kind: 'contract',
        status: 'failed',
        durationMs: 0,
        reason: redactText(firstLine(file.message ?? 'the file failed before any test ran')),
      });
      continue;
    }
    for (const test of file.assertionResults) {
      const status = test.status === 'passed' ? 'passed' : test.status === 'failed' ? 'failed' : 'skipped';
      const check: CheckResult = {
        layer: 'contracts',
        id: `${stem}.${slug(test.title)}`,
        rule: [...test.ancestorTitles, test.title].join(': '),
        kind: 'contract',
        status,
        durationMs: Math.round(test.duration ?? 0),
      };
      if (status === 'failed') {
        check.reason = redactText(contractReason(test.failureMessages?.join('\n') ?? 'failed'));
      }
      checks.push(check);
    }
  }
  return checks;
}

export interface ContractRunOptions {
  reportDir: string;
  /** The readings of the target the contracts are written for (default: the spec's). */
  readings?: Readings;
  /** Where the consumer tests write their pacts (cleared first); verification reads them there. */
  pactDir: string;
  /** Receives vitest's own output (redacted) — printed only on failure by the gate. */
  onOutput?: (text: string) => void;
  timeoutMs?: number;
}

/** Runs the consumer contracts; they write the pacts that verification reads next. */
export async function runContracts(options: ContractRunOptions): Promise<LayerReport> {
  const started = Date.now();
  const startedAt = new Date(started).toISOString();
  const dir = resolve(options.reportDir, 'contracts');
  const jsonFile = join(dir, 'vitest.json');
  await mkdir(dir, { recursive: true });
  await rm(jsonFile, { force: true });
  const vitest = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');
  const output: string[] = [];
  const exit = await new Promise<number | string>((done) => {
    const child = spawn(
      process.execPath,
      [
        vitest,
        'run',
        '--project',
        'contracts',
        '--reporter=json',
        `--outputFile.json=${jsonFile}`,
        '--reporter=junit',
        `--outputFile.junit=${join(dir, 'junit.xml')}`,
      ],
      {
        cwd: PACKAGE_ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: contractEnv(options.readings, options.pactDir),
      },
    );
    const keep = (chunk: Buffer) => output.push(chunk.toString('utf8'));
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 300_000);
    child.once('error', (error) => done(error.message));
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      done(code ?? signal ?? 1);
    });
  });
  options.onOutput?.(redactText(output.join('')));
  let checks: CheckResult[];
  try {
    checks = contractChecks(VitestJsonSchema.parse(JSON.parse(await readFile(jsonFile, 'utf8'))));
  } catch {
    checks = [];
  }
  if (checks.length === 0) {
    checks.push({
      layer: 'contracts',
      id: 'contracts.run',
      rule: 'The consumer contracts run and write the pact files',
      kind: 'contract',
      status: 'failed',
      durationMs: Date.now() - started,
      reason: redactText(
        `vitest --project contracts ended with ${exit} and reported no test: ${firstLine(output.join('').slice(-2000))}`,
      ),
    });
  }
  return {
    layer: 'contracts',
    target: { name: 'pact mock server', baseUrl: 'http://127.0.0.1 (per test)' },
    startedAt,
    durationMs: Date.now() - started,
    checks,
  };
}
