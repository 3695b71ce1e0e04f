/**
 * The target file format as JSON Schema, rendered from the zod schema for editors
 * (`schemas/target.schema.json`, written by `npm run schema`, checked current by a test).
 */
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { ENV_NAME, envLeaves, targetFileSchema } from './schema.ts';

const ANNOTATIONS = new Set(['description', 'default', 'title', 'examples', 'deprecated']);

/** The JSON Schema of a target file, for `schemas/target.schema.json` and editors. */
export function targetJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(
    targetFileSchema(() => ({ env: {}, baseDir: '.' })),
    {
      io: 'input',
      override: (ctx) => {
        const def = ctx.zodSchema._zod.def;
        if (def.type !== 'pipe' || !envLeaves.has((def as z.core.$ZodPipeDef).in)) return;
        const json = ctx.jsonSchema as Record<string, unknown>;
        const own: Record<string, unknown> = {};
        for (const key of Object.keys(json)) {
          if (ANNOTATIONS.has(key)) continue;
          own[key] = json[key];
          delete json[key];
        }
        json.anyOf = [own, { $ref: '#/$defs/envRef' }];
      },
    },
  ) as Record<string, unknown>;
  const { $schema, ...rest } = schema;
  return {
    $schema,
    title: 'facilioo-auth target',
    description: 'One deployment the facilioo-auth suite runs against (spec, "Targets").',
    ...rest,
    $defs: {
      ...(rest.$defs as Record<string, unknown> | undefined),
      envRef: {
        description: 'Read this value from an environment variable.',
        type: 'object',
        properties: { env: { type: 'string', pattern: ENV_NAME.source } },
        required: ['env'],
        additionalProperties: false,
      },
    },
  };
}

export const TARGET_SCHEMA_FILE = fileURLToPath(new URL('../../schemas/target.schema.json', import.meta.url));

/** The committed file's content (`npm run schema` then lets Biome format it). */
export function renderTargetSchema(): string {
  return `${JSON.stringify(targetJsonSchema(), null, 2)}\n`;
}
