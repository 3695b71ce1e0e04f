// k6 only strips types and runs what it is given: every script must type-check against @types/k6
// and bundle into a module that imports nothing but k6's stable core modules.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { bundleScript, K6_CORE_MODULES, LOAD_DIR, listScripts, resolveScript } from '../../src/k6/bundle.ts';

const run = promisify(execFile);
let outDir: string;

beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'facilioo-bundle-'));
});
afterAll(async () => {
  await rm(outDir, { recursive: true, force: true });
});

test('load/ type-checks against @types/k6', async () => {
  const tsc = join(process.cwd(), 'node_modules', 'typescript', 'bin', 'tsc');
  const result = await run(process.execPath, [tsc, '--noEmit', '-p', join(LOAD_DIR, 'tsconfig.json')]).catch(
    (error: { stdout?: string; code?: number }) => ({ stdout: error.stdout ?? '', code: error.code }),
  );
  expect(result.stdout).toBe('');
}, 60_000);

describe('bundles', async () => {
  const scripts = await listScripts();

  test('there is a probe and one auth flow whose profile is a parameter', () => {
    expect(scripts.map((s) => s.slice(LOAD_DIR.length))).toEqual(['auth-flow.ts', 'rate-limit-probe.ts']);
  });

  test.each(scripts.map((s) => [s.slice(LOAD_DIR.length), s]))(
    '%s bundles to a CommonJS script that requires only k6 core modules',
    async (_name, script) => {
      const bundle = await bundleScript(script, outDir);
      expect(bundle.imports.length).toBeGreaterThan(0);
      for (const module of bundle.imports) expect(K6_CORE_MODULES).toContain(module);
      const code = await readFile(bundle.outfile, 'utf8');
      const required = [...code.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]);
      expect(required.length).toBeGreaterThan(0);
      for (const module of required) expect(K6_CORE_MODULES).toContain(module);
      // No ES module syntax (k6 before 0.52 would run Babel over the whole bundle for it), and no
      // TypeScript left behind.
      expect(code).not.toMatch(/^\s*(import|export)\b/m);
      expect(code).not.toMatch(/from\s+["'][^"']+["']/);
      expect(code).not.toMatch(/\.ts["']/);
      // It parses as a CommonJS script (syntax only: node --check runs nothing).
      const asScript = join(outDir, `${bundle.name}.cjs`);
      await writeFile(asScript, code);
      await expect(run(process.execPath, ['--check', asScript])).resolves.toBeDefined();
    },
    30_000,
  );

  test('a script that imports anything else is refused, naming the module', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'facilioo-bad-script-'));
    try {
      const bad = join(dir, 'bad.ts');
      await writeFile(
        bad,
        "import { browser } from 'k6/browser';\nexport default function () { browser; }\n",
      );
      await expect(bundleScript(bad, outDir)).rejects.toThrow(/k6\/browser/);
      const node = join(dir, 'node.ts');
      await writeFile(
        node,
        "import { readFileSync } from 'node:fs';\nexport default function () { readFileSync; }\n",
      );
      await expect(bundleScript(node, outDir)).rejects.toThrow(/cannot bundle load\/node\.ts/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('naming a script', () => {
  test('by name, file name or path gives the same script', async () => {
    const expected = join(LOAD_DIR, 'auth-flow.ts');
    expect(await resolveScript('auth-flow', process.cwd())).toBe(expected);
    expect(await resolveScript('auth-flow.ts', process.cwd())).toBe(expected);
    expect(await resolveScript('load/auth-flow.ts', join(LOAD_DIR, '..'))).toBe(expected);
  });

  test('an unknown script is a configuration error that lists the scripts', async () => {
    await expect(resolveScript('nope', process.cwd())).rejects.toThrow(/rate-limit-probe/);
  });
});
