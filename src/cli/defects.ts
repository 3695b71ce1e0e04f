/**
 * `facilioo-auth defects [--json]`: the defects `serve --defect NAME` can inject, one line each,
 * so a QA engineer can pick one and watch a suite catch it.
 */
import { DEFECTS } from '../reference-api/defects.ts';
import type { RegisterCommand } from './main.ts';

export const register: RegisterCommand = (program) => {
  program
    .command('defects')
    .description('list the defects the reference API can inject (serve --defect NAME)')
    .option('--json', 'print them as a JSON array of { name, kind, description, rule }')
    .action((flags: { json?: boolean }) => {
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(DEFECTS, null, 2)}\n`);
        return;
      }
      const width = Math.max(...DEFECTS.map((defect) => defect.name.length));
      const lines = DEFECTS.map(
        (defect) =>
          `${defect.name.padEnd(width)}  ${defect.kind.padEnd(9)}  ${defect.description} (breaks: ${defect.rule})`,
      );
      process.stdout.write(`${lines.join('\n')}\n`);
    });
};
