/** `--only` in one place, so the CLI, the runner and the vitest wrappers refuse the same ids. */
import { ConfigError } from '../errors.ts';
import type { Check } from './registry.ts';

export function selectChecks(checks: readonly Check[], only: readonly string[] | undefined): Check[] {
  if (!only || only.length === 0) return [...checks];
  const known = new Set(checks.map((check) => check.id));
  const unknown = only.filter((id) => !known.has(id));
  if (unknown.length > 0) {
    throw new ConfigError(`unknown check id${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`, {
      where: '--only',
      hint: `use one of: ${[...known].join(', ')} (\`facilioo-auth scenarios --list\` describes them)`,
    });
  }
  return checks.filter((check) => only.includes(check.id));
}
