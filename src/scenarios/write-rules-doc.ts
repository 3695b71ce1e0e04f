/** `npm run rules`: regenerates docs/rules.md and the README's defect table from the checks' metadata. */
import { readFile, writeFile } from 'node:fs/promises';
import { renderRulesDoc, withReadmeDefects } from './rules-doc.ts';

await writeFile('docs/rules.md', renderRulesDoc());
await writeFile('README.md', withReadmeDefects(await readFile('README.md', 'utf8')));
console.log('wrote docs/rules.md and the defect table in README.md');
