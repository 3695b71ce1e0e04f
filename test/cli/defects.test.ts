// `facilioo-auth defects` lists every injectable defect, one line each, and as JSON on request,
// so the names a QA engineer passes to `serve --defect` are the ones the reference API knows.
import { afterEach, describe, expect, test, vi } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { DEFECTS } from '../../src/reference-api/index.ts';

async function run(...args: string[]): Promise<{ code: number; stdout: string }> {
  let stdout = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  const code = await main(['node', 'facilioo-auth', 'defects', ...args]);
  return { code, stdout };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('defects', () => {
  test('prints one line per defect with its name, kind and description', async () => {
    const { code, stdout } = await run();
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(DEFECTS.length);
    DEFECTS.forEach((defect, i) => {
      expect(lines[i]).toMatch(new RegExp(`^${defect.name} +${defect.kind} +`));
      expect(lines[i]).toContain(defect.description);
    });
  });

  test('--json prints the list as data', async () => {
    const { code, stdout } = await run('--json');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual(DEFECTS);
  });
});
