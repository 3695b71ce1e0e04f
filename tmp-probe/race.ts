import { runChecks } from '../src/scenarios/runner.ts';
import { resolveTarget } from '../src/target/index.ts';
import { generateKeys } from '../src/reference-api/index.ts';
const keys = await generateKeys(1);
const only = process.argv[3]!.split(',');
const defect = process.argv[2] === 'clean' ? [] : [process.argv[2]!];
const counts: Record<string, number> = {};
for (let i = 0; i < 10; i++) {
  const r = await resolveTarget({ env: {}, reference: { keys, defects: defect as never } });
  const results = await runChecks(r.target, { only });
  for (const x of results) counts[`${x.id} ${x.status}`] = (counts[`${x.id} ${x.status}`] ?? 0) + 1;
  await r.close();
}
console.log(process.argv[2], counts);
