// A production target is recognised by its name or by facilioo's production host, so load runs can refuse it.
import { expect, test } from 'vitest';
import { isProductionTarget } from '../../src/target/production.ts';

test.each([
  ['production', 'https://staging-api.facilioo.de'],
  ['prod', 'http://127.0.0.1:8080'],
  [' PROD ', 'http://127.0.0.1:8080'],
  ['staging', 'https://api.facilioo.de'],
  ['anything', 'https://API.facilioo.de/api'],
  ['anything', 'https://api.facilioo.de.:443'],
])('name %j with base URL %s is production', (name, baseUrl) => {
  expect(isProductionTarget({ name, baseUrl })).toBe(true);
});

test.each([
  ['staging', 'https://staging-api.facilioo.de'],
  ['dev', 'https://dev-api.facilioo.de'],
  ['production-like', 'http://127.0.0.1:8080'],
  ['local', 'https://api.facilioo.de.example.test'],
  ['local', 'https://notapi.facilioo.de'],
])('name %j with base URL %s is not production', (name, baseUrl) => {
  expect(isProductionTarget({ name, baseUrl })).toBe(false);
});
