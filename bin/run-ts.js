#!/usr/bin/env node
// Runs one TypeScript file (benchmarks, scripts) through tsx's loader.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ensureSupportedNode } from './node-line.js';

await ensureSupportedNode();
const { register } = await import('tsx/esm/api');

const file = process.argv[2];
if (!file) {
  console.error('usage: run-ts.js FILE.ts [ARGS...]');
  process.exit(2);
}
register();
process.argv.splice(2, 1);
await import(pathToFileURL(resolve(file)).href);
