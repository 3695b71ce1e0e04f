/**
 * `npm run schema`: writes schemas/target.schema.json from the zod schema, so the file editors
 * validate against cannot drift from the one the loader enforces (a unit test checks that the
 * committed copy is current).
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { renderTargetSchema, TARGET_SCHEMA_FILE } from './json-schema.ts';

writeFileSync(TARGET_SCHEMA_FILE, renderTargetSchema());
// `npm run lint` checks JSON formatting too; let the formatter own the layout.
execFileSync('npx', ['biome', 'format', '--write', TARGET_SCHEMA_FILE], { stdio: 'inherit' });
console.log(`wrote ${TARGET_SCHEMA_FILE}`);
