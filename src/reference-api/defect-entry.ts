/**
 * One entry of the defect catalog. The catalog is split by area (defects-tokens.ts,
 * defects-recovery.ts, the rest in defects.ts), which defects.ts joins into the one list.
 */

/** `load`: only a load run shows it (test/load/k6-run.slow.test.ts); the scenario suite does not hunt it. */
export type DefectKind = 'behaviour' | 'security' | 'shape' | 'load';

export interface DefectEntry {
  name: string;
  description: string;
  /** The documented rule or standard the defect breaks. */
  rule: string;
  kind: DefectKind;
}

export const defect = <const N extends string>(
  name: N,
  kind: DefectKind,
  description: string,
  rule: string,
) => ({
  name,
  kind,
  description,
  rule,
});
