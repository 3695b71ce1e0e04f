/**
 * Bundles a k6 script with esbuild into one ES2017 script that requires nothing but k6's core
 * modules, so k6 releases without native TypeScript (before 0.57) run it too. The bundle keeps
 * generators, which k6 runs since 0.43. It is CommonJS, which every k6 runs as it is: before 0.52
 * k6 passed any script with `import`/`export` through Babel inside its JavaScript VM, about 3 s
 * and 2 s of CPU per run on this 18 kB bundle (0.1 s as CommonJS), before a single request.
 * A script that pulls in anything else (a Node built-in,
 * an npm package, a k6 extension or experimental module) is refused here rather than failing
 * later inside k6 on someone's staging run.
 */
import { mkdir, readdir } from 'node:fs/promises';
import { basename, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { ConfigError } from '../errors.ts';

/** The stable core API: what every k6 release since 0.43 offers, and all these scripts may import. */
export const K6_CORE_MODULES: readonly string[] = ['k6', 'k6/http', 'k6/metrics', 'k6/execution', 'k6/data'];

export const LOAD_DIR = fileURLToPath(new URL('../../load/', import.meta.url));
export const DEFAULT_BUILD_DIR = join('reports', 'load', 'build');

export interface BundleResult {
  script: string;
  /** `rate-limit-probe`, `auth-flow.smoke`, ... */
  name: string;
  outfile: string;
  /** Every module the bundle still imports (all external). */
  imports: string[];
  bytes: number;
}

/** The entry scripts: `load/*.ts` (lib/ holds the shared parts, k8s/ the manifests). */
export async function listScripts(dir: string = LOAD_DIR): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts'))
    .map((e) => join(dir, e.name))
    .sort();
}

export function scriptName(script: string): string {
  return basename(script).replace(/\.ts$/, '');
}

/** `rate-limit-probe`, `rate-limit-probe.ts`, `load/rate-limit-probe.ts` or a path → the file. */
export async function resolveScript(name: string, cwd: string, dir: string = LOAD_DIR): Promise<string> {
  const scripts = await listScripts(dir);
  const wanted = scriptName(name);
  const byName = scripts.find((s) => scriptName(s) === wanted);
  if (byName && !name.includes('/')) return byName;
  const asPath = isAbsolute(name) ? name : resolve(cwd, name);
  const byPath = scripts.find((s) => s === asPath || s === `${asPath}.ts`);
  if (byPath) return byPath;
  if (byName) return byName;
  throw new ConfigError(`no k6 script "${name}"`, {
    where: '<script>',
    hint: `use one of ${scripts.map(scriptName).join(', ')}`,
  });
}

export async function bundleScript(
  script: string,
  outDir: string = DEFAULT_BUILD_DIR,
): Promise<BundleResult> {
  const name = scriptName(script);
  await mkdir(outDir, { recursive: true });
  const outfile = resolve(outDir, `${name}.js`);
  const result = await build({
    entryPoints: [script],
    outfile,
    bundle: true,
    platform: 'neutral',
    format: 'cjs',
    target: 'es2017',
    external: ['k6', 'k6/*'],
    metafile: true,
    logLevel: 'silent',
    legalComments: 'none',
    banner: {
      js: `// Bundled from load/${basename(script)} by facilioo-auth; edit the source, not this file.`,
    },
  }).catch(
    (error: { errors?: Array<{ text: string; location?: { file: string; line: number } | null }> }) => {
      // esbuild cannot resolve Node built-ins, npm packages without an ESM entry, or remote URLs.
      const first = error.errors?.[0];
      const where = first?.location ? `${first.location.file}:${first.location.line}` : script;
      throw new ConfigError(`cannot bundle load/${basename(script)}: ${first?.text ?? String(error)}`, {
        where,
        hint: `k6 scripts here may import only ${K6_CORE_MODULES.join(', ')} and local files`,
      });
    },
  );
  const output = Object.values(result.metafile.outputs)[0];
  const imports = [...new Set((output?.imports ?? []).map((i) => i.path))].sort();
  const foreign = imports.filter((i) => !K6_CORE_MODULES.includes(i));
  if (foreign.length > 0) {
    throw new ConfigError(`load/${basename(script)} imports ${foreign.join(', ')}`, {
      where: script,
      hint: `k6 scripts here may import only ${K6_CORE_MODULES.join(', ')} (and local files)`,
    });
  }
  return { script, name, outfile, imports, bytes: output?.bytes ?? 0 };
}
