/**
 * The last line of defence: after a run, look for the known secrets in every file under reports/.
 * A secret reaches a file in whatever spelling that file uses, so each secret is searched as
 * written and as JSON, HTML/XML, markdown and URL encoding would write it. Findings never carry
 * the secret itself, only enough to tell which one it was.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { escapeHtml, escapeMarkdownCell, escapeXml } from './escape.ts';

export interface SecretFinding {
  /** Path relative to the scanned folder. */
  file: string;
  /** `secret #2 (12 chars, sha256 3f1a9c…)`: identifies the secret without revealing it. */
  secretHint: string;
}

export function secretHint(secret: string, index: number): string {
  const hash = createHash('sha256').update(secret).digest('hex').slice(0, 8);
  return `secret #${index + 1} (${secret.length} chars, sha256 ${hash}…)`;
}

export function spellings(secret: string): string[] {
  const json = JSON.stringify(secret).slice(1, -1);
  return [
    ...new Set([
      secret,
      json,
      JSON.stringify(json).slice(1, -1),
      escapeHtml(secret),
      escapeXml(secret),
      escapeMarkdownCell(secret),
      encodeURIComponent(secret),
      // index.html's data block: JSON with `<` written as \u003c
      json.replace(/</g, '\\u003c'),
    ]),
  ];
}

export async function scanForSecrets(dir: string, secrets: readonly string[]): Promise<SecretFinding[]> {
  const wanted = secrets
    .map((secret, index) => ({
      hint: secretHint(secret, index),
      forms: spellings(secret).map((s) => Buffer.from(s)),
    }))
    .filter((_, index) => (secrets[index] ?? '').length > 0);
  const findings: SecretFinding[] = [];
  for (const file of await listFiles(dir)) {
    const content = await readFile(file);
    for (const secret of wanted) {
      if (secret.forms.some((form) => content.includes(form))) {
        findings.push({ file: relative(dir, file), secretHint: secret.hint });
      }
    }
  }
  return findings;
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await listFiles(path)));
    else if (entry.isFile()) files.push(path);
  }
  return files.sort();
}
