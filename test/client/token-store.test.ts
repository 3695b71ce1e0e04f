// A stored token pair is private (0600), replaced atomically, and a broken store file is reported by name.
import { mkdtemp, readdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { FileTokenStore, MemoryTokenStore, type TokenPair } from '../../src/client/index.ts';
import { ConfigError } from '../../src/errors.ts';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'token-store-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const pair = (n: number): TokenPair => ({
  accessToken: `access-${n}-${'a'.repeat(200)}`,
  refreshToken: `refresh-${n}`,
});

describe('FileTokenStore', () => {
  test('a saved pair loads back, and a missing file loads as no pair', async () => {
    const store = new FileTokenStore(join(dir, 'tokens.json'));

    expect(await store.load()).toBeUndefined();
    await store.save(pair(1));

    expect(await store.load()).toEqual(pair(1));
    expect(JSON.parse(await readFile(join(dir, 'tokens.json'), 'utf8'))).toEqual(pair(1));
  });

  test('the file is created with mode 0600, and stays 0600 after replacing a looser file', async () => {
    const path = join(dir, 'tokens.json');
    await writeFile(path, JSON.stringify(pair(0)), { mode: 0o644 });
    const store = new FileTokenStore(path);

    await store.save(pair(1));

    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  test('no temp file is left behind after saves', async () => {
    const store = new FileTokenStore(join(dir, 'tokens.json'));

    for (let n = 0; n < 20; n++) await store.save(pair(n));

    expect(await readdir(dir)).toEqual(['tokens.json']);
  });

  test('a reader racing 100 saves always sees a complete pair, never a torn or missing file', async () => {
    const path = join(dir, 'tokens.json');
    const writer = new FileTokenStore(path);
    await writer.save(pair(0));
    const reader = new FileTokenStore(path);
    let done = false;
    const seen = new Set<string>();

    const reading = (async () => {
      while (!done) {
        const loaded = await reader.load();
        expect(loaded).toBeDefined();
        seen.add(loaded!.refreshToken);
      }
    })();
    for (let n = 1; n <= 100; n++) await writer.save(pair(n));
    done = true;
    await reading;

    // The reader saw several generations, so it really raced the writer.
    expect(seen.size).toBeGreaterThan(1);
    expect(await reader.load()).toEqual(pair(100));
  });

  test('a torn file is an error naming the file, without quoting its content', async () => {
    const path = join(dir, 'tokens.json');
    const store = new FileTokenStore(path);
    await store.save(pair(7));
    await truncate(path, 40);

    const error = await store.load().catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(path);
    expect((error as Error).message).toMatch(/not valid JSON/);
    expect((error as Error).message).not.toContain('access-7');
  });

  test('a file without the fields is an error naming the file and the field', async () => {
    const path = join(dir, 'tokens.json');
    await writeFile(path, JSON.stringify({ accessToken: 'x' }));

    const error = await new FileTokenStore(path).load().catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).where).toBe(path);
    expect((error as ConfigError).field).toBe('refreshToken');
  });

  test('clear removes the pair, and clearing twice is fine', async () => {
    const store = new FileTokenStore(join(dir, 'tokens.json'));
    await store.save(pair(1));

    await store.clear();
    await store.clear();

    expect(await store.load()).toBeUndefined();
  });
});

describe('MemoryTokenStore', () => {
  test('hands out copies, so a caller cannot change the stored pair', async () => {
    const store = new MemoryTokenStore(pair(1));

    const loaded = await store.load();
    loaded!.refreshToken = 'changed';

    expect(await store.load()).toEqual(pair(1));
    await store.clear();
    expect(await store.load()).toBeUndefined();
  });
});
