// One place per rule: docs/rules.md and the README's defect table are generated from the checks' metadata, and what that metadata names exists.
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { describe, expect, test } from 'vitest';
import { ALL_CHECKS } from '../../src/scenarios/checks/index.ts';
import { RULES } from '../../src/scenarios/rules.ts';
import {
  renderReadmeDefects,
  renderRulesDoc,
  unpadTables,
  withReadmeDefects,
} from '../../src/scenarios/rules-doc.ts';

const REGENERATE = 'run `npm run rules` and commit the result';

async function pactDescriptions(): Promise<Set<string>> {
  const names = new Set<string>();
  for (const file of await readdir('contracts')) {
    if (!file.endsWith('.pact.test.ts')) continue;
    const text = await readFile(`contracts/${file}`, 'utf8');
    const pact = file.replace('.pact.test.ts', '');
    for (const match of text.matchAll(/uponReceiving\((['`])(.*?)\1\)/g))
      names.add(`${pact}: ${match[2] ?? ''}`);
    // Descriptions built from a table: `an unblock request from ${who}` with who from ['x', 'an Admin'] rows.
    for (const row of text.matchAll(/\['\w+', '([^']+)'\]/g)) {
      for (const match of text.matchAll(/uponReceiving\(`([^`]*)\$\{who\}`\)/g)) {
        names.add(`${pact}: ${match[1] ?? ''}${row[1] ?? ''}`);
      }
    }
  }
  return names;
}

describe('docs/rules.md', () => {
  test(`is current (${REGENERATE})`, async () => {
    expect(unpadTables(await readFile('docs/rules.md', 'utf8'))).toBe(unpadTables(renderRulesDoc()));
  });

  test(`the README's defect table is current (${REGENERATE})`, async () => {
    const readme = unpadTables(await readFile('README.md', 'utf8'));
    expect(readme).toContain(unpadTables(renderReadmeDefects()));
    expect(unpadTables(withReadmeDefects(readme))).toBe(readme);
  });

  test('changes when a check changes what it catches, so a stale file fails the test above', () => {
    const [first, ...rest] = ALL_CHECKS;
    const changed = [{ ...first!, catches: [] }, ...rest];
    expect(renderRulesDoc(changed)).not.toBe(renderRulesDoc());
  });
});

describe('the metadata of rules and checks', () => {
  test('names pact interactions the contracts define', async () => {
    const known = await pactDescriptions();
    const named = [
      ...Object.values(RULES).flatMap((rule): readonly string[] => rule.pacts),
      ...ALL_CHECKS.flatMap((check) => check.pacts),
    ];
    expect(named.filter((name) => !known.has(name))).toEqual([]);
  });

  test('names reference implementation files that exist', () => {
    const files = Object.values(RULES).flatMap((rule) => rule.implementation);
    expect(files.filter((file) => !existsSync(file))).toEqual([]);
  });

  test('every rule is enforced by at least one check', () => {
    const enforced = new Set(ALL_CHECKS.map((check) => check.enforces));
    expect(Object.keys(RULES).filter((id) => !enforced.has(id as keyof typeof RULES))).toEqual([]);
  });
});
