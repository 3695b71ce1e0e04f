// A mailbox that never delivers ends each check and interaction that waits for a recovery code
// with a failure naming the mailbox, within maxWaitSeconds — and the gate goes on to its report.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type RunningReferenceApi, startReferenceApi } from '../src/reference-api/index.ts';
import { type MailpitStub, startMailpitStub } from '../test/mailbox/mailpit-stub.ts';
import { sharedKeys } from '../test/scenarios/reference-target.ts';
import { gateRun, privatePacts } from './support.ts';

let api: RunningReferenceApi;
let mailbox: MailpitStub;
let dir: string;
let pactDir: string;
beforeAll(async () => {
  pactDir = await privatePacts();
  api = await startReferenceApi({ keys: await sharedKeys(), host: '127.0.0.1', port: 0, control: true });
  mailbox = await startMailpitStub();
  dir = await mkdtemp(join(tmpdir(), 'facilioo-e2e-mail-'));
}, 180_000);
afterAll(async () => {
  await api?.close();
  await mailbox?.close();
  await rm(dir, { recursive: true, force: true });
  await rm(pactDir, { recursive: true, force: true });
});

// The test timeout is the bound: a wait that never ended would stop the test and fail it.
// Every check and interaction that needs a code waits its full bound, one after another (they
// share the recovery account), so the bound is short: what is proven — each wait ends, naming
// the mailbox — does not depend on its length.
test('a mailbox that never delivers: named failures in verification and scenarios, and a report', async () => {
  const doc = api.targetDocument([]) as unknown as Record<string, unknown>;
  doc.mailbox = { kind: 'mailpit', url: mailbox.url };
  doc.options = { ...(doc.options as object), maxWaitSeconds: 0.5, requestTimeoutSeconds: 2 };
  const targetFile = join(dir, 'target.json');
  await writeFile(targetFile, JSON.stringify(doc));
  const { result, output } = await gateRun(targetFile, join(dir, 'reports'), pactDir);

  expect(result.exitCode, output()).toBe(1);
  expect(mailbox.searches).toBeGreaterThan(0);
  const failed = result.report.layers.flatMap((layer) => layer.checks).filter((c) => c.status === 'failed');
  const namesMailbox = (layer: string) =>
    failed.filter((c) => c.layer === layer && (c.reason ?? '').includes(`mailbox ${mailbox.url}`));
  expect(namesMailbox('verification').length, output()).toBeGreaterThan(0);
  expect(namesMailbox('scenarios').length, output()).toBeGreaterThan(0);
  const summary = JSON.parse(await readFile(join(dir, 'reports', 'summary.json'), 'utf8'));
  expect(summary.verdict).toBe('fail');
}, 240_000);
