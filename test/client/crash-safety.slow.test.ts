// A process killed at any moment of a token rotation leaves the old or the new pair on disk, never a torn file.
import { type ChildProcess, fork } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { build } from 'esbuild';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { FileTokenStore } from '../../src/client/index.ts';
import { type FakeAuthServer, type Pair, startFakeAuthServer } from './fixtures/fake-auth-server.ts';

const KILLS = 40;
/** Children started ahead of time: node startup, not rotation, is what takes long. */
const PIPELINE = 3;

let dir: string;
let childScript: string;
let server: FakeAuthServer;
const children = new Set<ChildProcess>();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'crash-safety-'));
  // One bundle instead of tsx per spawn: 40 tsx startups alone would take most of a minute.
  childScript = join(dir, 'rotate-loop.mjs');
  await build({
    entryPoints: [new URL('./fixtures/rotate-loop.ts', import.meta.url).pathname],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: childScript,
    logLevel: 'warning',
    minify: true,
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
  });
  server = await startFakeAuthServer();
});

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

function spawnChild(file: string): Promise<ChildProcess> {
  const child = fork(childScript, [server.baseUrl, file, server.account.email, server.account.password], {
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  children.add(child);
  child.on('exit', () => children.delete(child));
  return new Promise((resolve, reject) => {
    child.once('message', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`the rotating child exited early with ${code}`)));
  });
}

const same = (a: Pair | undefined, b: Pair | undefined) =>
  a !== undefined && b !== undefined && a.accessToken === b.accessToken && a.refreshToken === b.refreshToken;

test(`killed with SIGKILL ${KILLS} times mid-rotation, the store always holds a pair the server issued, old or new`, async () => {
  const file = join(dir, 'tokens.json');
  const store = new FileTokenStore(file);
  const pending = Array.from({ length: PIPELINE }, () => spawnChild(file));
  let previous: Pair | undefined;
  let keptOld = 0;
  let keptNew = 0;
  const distinct = new Set<string>();
  const started = performance.now();

  for (let kill = 0; kill < KILLS; kill++) {
    const child = await pending.shift()!;
    pending.push(spawnChild(file));
    child.send('go');
    await server.waitForCount('refresh', server.counts.refresh + 1 + Math.floor(Math.random() * 4));
    // Land anywhere in: response in transit, parsing, temp write, fsync, rename, directory fsync.
    await sleep(Math.random() * 30);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;

    const raw = await readFile(file, 'utf8');
    const parsed = JSON.parse(raw) as Pair;
    const loaded = await store.load();
    expect(loaded).toEqual(parsed);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(server.issued.some((pair) => same(pair, loaded))).toBe(true);
    // Old: the pair before this child ran or the one before the last rotation; new: the last one issued.
    const candidates = [previous, server.issued.at(-2), server.issued.at(-1)];
    expect(candidates.some((pair) => same(pair, loaded))).toBe(true);
    if (same(loaded, server.issued.at(-1))) keptNew += 1;
    else keptOld += 1;
    distinct.add(loaded!.refreshToken);
    previous = loaded;
  }
  for (const child of pending) (await child).kill('SIGKILL');

  console.log(
    `crash-safety: ${KILLS} kills, ${server.counts.refresh} refreshes, ${server.counts.login} logins; ` +
      `store kept the new pair ${keptNew}×, the old pair ${keptOld}×; ${Math.round(performance.now() - started)} ms`,
  );
  // The store really moved on (a client that never saved would keep one pair throughout)...
  expect(distinct.size).toBeGreaterThan(KILLS / 2);
  // ...and both outcomes happened, so kills really landed between the server's rotation and the save.
  expect(keptOld).toBeGreaterThan(0);
  expect(keptNew).toBeGreaterThan(0);
}, 90_000);
