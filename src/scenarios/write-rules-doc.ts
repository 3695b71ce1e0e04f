/** `npm run rules`: regenerates docs/rules.md and the README's defect table from the checks' metadata. */
import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { renderRulesDoc, withReadmeDefects } from './rules-doc.ts';

await writeFile('docs/rules.md', renderRulesDoc());
await writeFile('README.md', withReadmeDefects(await readFile('README.md', 'utf8')));
// Biome pads the tables; the staleness test compares them with the padding taken out.
execFileSync('node_modules/.bin/biome', ['format', '--write', 'docs/rules.md', 'README.md'], {
  stdio: 'inherit',
});
console.log('wrote docs/rules.md and the defect table in README.md');
