#!/usr/bin/env node
// The CLI is written in TypeScript; tsx's loader runs it without a build step, so the
// installed binary and `npm start` always run the sources that the tests exercised.
import { ensureSupportedNode } from './node-line.js';

await ensureSupportedNode();
const { register } = await import('tsx/esm/api');
register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv);
