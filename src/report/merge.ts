/**
 * The gate's verdict is computed in one place, from the layers' own results, so that the exit
 * code, summary.json, summary.md and index.html can never disagree about it.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { ConfigError } from '../errors.ts';
import type { CheckResult, GateReport, LayerReport } from './types.ts';
import { failsRun, isFinding } from './types.ts';

export interface MergeOptions {
  strictSecurity: boolean;
  /** Only `name` and `baseUrl` are copied: a resolved Target also holds passwords. */
  target: { name: string; baseUrl: string };
  /** ISO time the gate started. */
  startedAt: string;
  /** Wall time of the whole gate; by default the span from `startedAt` to the last layer's end. */
  durationMs?: number;
}

export function mergeLayers(layers: LayerReport[], options: MergeOptions): GateReport {
  const checks = layers.flatMap((layer) => layer.checks);
  return {
    verdict: checks.some((check) => failsRun(check, options.strictSecurity)) ? 'fail' : 'pass',
    strictSecurity: options.strictSecurity,
    target: { name: options.target.name, baseUrl: options.target.baseUrl },
    startedAt: options.startedAt,
    durationMs: options.durationMs ?? spanOf(layers, options.startedAt),
    counts: countChecks(checks),
    layers,
  };
}

export function countChecks(checks: readonly CheckResult[]): GateReport['counts'] {
  const counts = { passed: 0, failed: 0, skipped: 0, findings: 0 };
  for (const check of checks) {
    counts[check.status] += 1;
    if (isFinding(check)) counts.findings += 1;
  }
  return counts;
}

function spanOf(layers: readonly LayerReport[], startedAt: string): number {
  const start = Date.parse(startedAt);
  if (Number.isNaN(start)) return layers.reduce((sum, layer) => sum + layer.durationMs, 0);
  const end = Math.max(start, ...layers.map((layer) => Date.parse(layer.startedAt) + layer.durationMs));
  return Number.isNaN(end) ? 0 : end - start;
}

const checkSchema = z.object({
  layer: z.enum(['contracts', 'verification', 'scenarios', 'load']),
  id: z.string().min(1),
  rule: z.string(),
  kind: z.enum(['contract', 'behaviour', 'security']),
  status: z.enum(['passed', 'failed', 'skipped']),
  durationMs: z.number().nonnegative(),
  reason: z.string().optional(),
  severity: z.enum(['critical', 'high', 'medium', 'low']).optional(),
  references: z.array(z.string()).optional(),
});

const layerSchema = z.object({
  layer: checkSchema.shape.layer,
  target: z.object({ name: z.string(), baseUrl: z.string() }),
  startedAt: z.string(),
  durationMs: z.number().nonnegative(),
  checks: z.array(checkSchema),
});

/**
 * Reads a layer's `reports/<layer>/summary.json`. A layer that crashed half-way may leave a
 * broken file; the gate must say which file and field rather than report a pass without it.
 */
export async function readLayerReport(file: string): Promise<LayerReport> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    const why = error instanceof SyntaxError ? 'is not valid JSON' : 'cannot be read';
    throw new ConfigError(`the layer report ${why}`, {
      where: file,
      hint: 'run that layer again; it writes this file when it finishes',
    });
  }
  const parsed = layerSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`the layer report does not have the LayerReport shape: ${issue?.message}`, {
      where: file,
      field: issue?.path.join('.') || undefined,
      hint: 'see src/report/types.ts for the shape every layer writes',
    });
  }
  return parsed.data;
}
