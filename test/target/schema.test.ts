// The JSON Schema editors use is generated from the loader's zod schema, so the two cannot drift.
import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { renderTargetSchema, TARGET_SCHEMA_FILE } from '../../src/target/json-schema.ts';

test('the committed schemas/target.schema.json is what `npm run schema` generates', () => {
  const committed = JSON.parse(readFileSync(TARGET_SCHEMA_FILE, 'utf8'));
  expect(committed, 'run `npm run schema` and commit the result').toEqual(JSON.parse(renderTargetSchema()));
});

test('every string field accepts an env reference and unknown fields are refused', () => {
  const schema = JSON.parse(renderTargetSchema());
  expect(schema.additionalProperties).toBe(false);
  expect(schema.properties.accounts.additionalProperties).toBe(false);
  expect(schema.properties.name.anyOf).toContainEqual({ $ref: '#/$defs/envRef' });
  expect(schema.properties.accounts.properties.admin.properties.password.anyOf).toContainEqual({
    $ref: '#/$defs/envRef',
  });
  expect(schema.$defs.envRef.required).toEqual(['env']);
});
