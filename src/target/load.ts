/**
 * Target files → `Target`. Every way a target comes to exist (a file, `FACILIOO_TARGET`, the
 * embedded reference API) goes through `parseTarget`, so there is one validation path and one
 * set of error messages. Errors are ConfigErrors naming the file, the dotted field and what is
 * expected; they never quote a value that may be secret.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { z } from 'zod';
import { ConfigError } from '../errors.ts';
import { registerSecret } from '../redact/index.ts';
import {
  httpUrlProblem,
  type IssueParams,
  normaliseHttpUrl,
  type SchemaContext,
  type TargetFileSchema,
  targetFileSchema,
} from './schema.ts';
import { DEFAULT_PATHS, type Target } from './types.ts';

export type Env = Readonly<Record<string, string | undefined>>;

export interface ParseTargetOptions {
  /** Where the document came from, for messages and `Target.source`: a file path or `embedded`. */
  source: string;
  /** Directory relative key files resolve against (the target file's directory). */
  baseDir: string;
  /** The environment: `{ "env": "VAR" }` references and `FACILIOO_BASE_URL` are read from it. */
  env: Env;
}

/** Ordinary problems come after unknown fields: a misspelt key usually explains the rest. */
function rank(issue: z.core.$ZodIssue): number {
  return issue.code === 'unrecognized_keys' ? 0 : 1;
}

function fieldOf(issue: z.core.$ZodIssue): string {
  const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0] ?? ''] : issue.path;
  return path
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : `${i === 0 ? '' : '.'}${String(part)}`))
    .join('');
}

function hintOf(issue: z.core.$ZodIssue, field: string): string {
  const params = (issue as { params?: IssueParams }).params;
  if (params?.hint) return params.hint;
  if (issue.code === 'unrecognized_keys') {
    return field.startsWith('accounts.')
      ? 'accounts are keyed by slot; the party type follows from the slot (see the spec, "Targets")'
      : 'fix the spelling or remove the field; the spec\'s "Targets" section and schemas/target.schema.json list every field';
  }
  if (issue.code === 'invalid_type') {
    if (issue.input === undefined) return `add "${field.split('.').at(-1)}" (${issue.expected})`;
    return `expected ${issue.expected === 'string' ? 'a string or { "env": "VARIABLE" }' : `a ${issue.expected}`}`;
  }
  return 'see the spec\'s "Targets" section or schemas/target.schema.json';
}

/** zod reports `input` only for type issues; it never reaches the message, which could leak a secret. */
function toConfigError(issues: readonly z.core.$ZodIssue[], source: string): ConfigError {
  const sorted = [...issues].sort((a, b) => rank(a) - rank(b));
  const [first, ...rest] = sorted as [z.core.$ZodIssue, ...z.core.$ZodIssue[]];
  const field = fieldOf(first);
  const message = first.code === 'invalid_type' && first.input === undefined ? 'is required' : first.message;
  const more = rest.slice(0, 8).map((issue) => `\n  also ${fieldOf(issue)}: ${issue.message}`);
  if (rest.length > 8) more.push(`\n  and ${rest.length - 8} more`);
  return new ConfigError(`${message}${more.join('')}`, { where: source, field, hint: hintOf(first, field) });
}

// Parsing is synchronous (no async refinements), so the context cannot leak between parses.
let parsing: SchemaContext | undefined;
let schema: TargetFileSchema | undefined;

/**
 * Validates a target document (spec, "Targets") and resolves it: env references read from
 * `env`, key files made absolute, `FACILIOO_BASE_URL` applied, defaults filled in. Every
 * password is registered with the redaction module before this returns.
 */
export function parseTarget(json: unknown, { source, baseDir, env }: ParseTargetOptions): Target {
  schema ??= targetFileSchema(() => {
    if (!parsing) throw new Error('target schema used outside parseTarget');
    return parsing;
  });
  parsing = { env, baseDir };
  let result: ReturnType<TargetFileSchema['safeParse']>;
  try {
    result = schema.safeParse(json, { reportInput: true });
  } finally {
    parsing = undefined;
  }
  if (!result.success) throw toConfigError(result.error.issues, source);
  const file = result.data;

  for (const account of Object.values(file.accounts ?? {})) registerSecret(account?.password);

  const override = env.FACILIOO_BASE_URL;
  let baseUrl = file.baseUrl;
  if (override !== undefined && override !== '') {
    const problem = httpUrlProblem(override);
    if (problem) {
      throw new ConfigError(`FACILIOO_BASE_URL ${problem}`, {
        where: source,
        field: 'baseUrl',
        hint: 'set FACILIOO_BASE_URL to an absolute http(s) URL without credentials, query or fragment, or unset it',
      });
    }
    baseUrl = normaliseHttpUrl(override);
  }
  if (baseUrl === undefined) {
    throw new ConfigError('is required', {
      where: source,
      field: 'baseUrl',
      hint: 'add "baseUrl": "https://…" to the target file or set FACILIOO_BASE_URL',
    });
  }

  return {
    name: file.name,
    ...(file.production ? { production: true } : {}),
    source,
    baseUrl,
    jwt: {
      issuer: file.jwt?.issuer,
      audience: file.jwt?.audience,
      publicKeys: file.jwt?.publicKeys ?? [],
    },
    accounts: Object.fromEntries(
      Object.entries(file.accounts ?? {}).filter((entry): entry is [string, NonNullable<(typeof entry)[1]>] =>
        Boolean(entry[1]),
      ),
    ),
    mailbox: file.mailbox,
    protectedPath: file.protectedPath,
    paths: { ...DEFAULT_PATHS, ...stripUndefined(file.paths ?? {}) },
    options: file.options,
    control: file.control ?? undefined,
  };
}

function stripUndefined<T extends object>(record: T): { [K in keyof T]-?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as never;
}

/** Reads, parses and validates a target file. Relative key files resolve against its directory. */
export function loadTarget(file: string, env: Env): Target {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(
      code === 'ENOENT' ? 'target file not found' : `cannot read the target file (${code})`,
      {
        where: file,
        hint: 'name an existing JSON target file with --target FILE or FACILIOO_TARGET; examples/targets/ has two to copy',
      },
    );
  }
  const json = parseJson(text.replace(/^\uFEFF/, ''), file);
  return parseTarget(json, { source: file, baseDir: dirname(resolve(file)), env });
}

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // V8's message quotes the surrounding text, which may be an inline password, and only
    // sometimes gives a position; locate the problem ourselves and quote one character at most.
    const { offset, message } = locateJsonError(text) ?? { offset: 0, message: 'not valid JSON' };
    const before = text.slice(0, offset).split('\n');
    const line = before.length;
    const column = (before.at(-1)?.length ?? 0) + 1;
    throw new ConfigError(`invalid JSON at line ${line}, column ${column}: ${message}`, {
      where: file,
      hint: 'a target file is plain JSON: double-quoted keys and strings, no comments, no trailing commas',
    });
  }
}

/**
 * The offset of the first JSON syntax error in `text`, or undefined when JSON.parse would accept
 * it. A small recursive-descent scanner over RFC 8259's grammar; it builds no values.
 */
export function locateJsonError(text: string): { offset: number; message: string } | undefined {
  let i = 0;
  class Stop extends Error {
    constructor(
      readonly offset: number,
      readonly reason: string,
    ) {
      super(reason);
    }
  }
  const fail = (reason?: string): never => {
    if (i >= text.length) throw new Stop(i, reason ?? 'unexpected end of file');
    const char = text[i]!;
    if (char === '/' && (text[i + 1] === '/' || text[i + 1] === '*'))
      throw new Stop(i, 'comments are not allowed in JSON');
    const shown = /[\x20-\x7e]/.test(char)
      ? `'${char}'`
      : `U+${char.codePointAt(0)!.toString(16).padStart(4, '0')}`;
    throw new Stop(i, reason ?? `unexpected character ${shown}`);
  };
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const literal = (word: string) => {
    for (const char of word) {
      if (text[i] !== char) fail();
      i++;
    }
  };
  const string = () => {
    i++; // opening quote
    for (;;) {
      if (i >= text.length) fail('unterminated string');
      const char = text[i]!;
      if (char === '"') {
        i++;
        return;
      }
      if (char === '\\') {
        i++;
        const escaped = text[i];
        if (escaped === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail('bad \\u escape');
          i += 5;
        } else if (escaped !== undefined && '"\\/bfnrt'.includes(escaped)) i++;
        else fail('bad escape in string');
      } else if (char < ' ') fail('unescaped control character (a raw line break?) in string');
      else i++;
    }
  };
  const number = () => {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
    if (!match) fail();
    i += match![0].length;
  };
  const value = (): void => {
    ws();
    const char = text[i];
    if (char === '{') {
      i++;
      ws();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (text[i] !== '"')
          fail(text[i] === '}' ? 'trailing comma before }' : 'expected a double-quoted field name');
        string();
        ws();
        if (text[i] !== ':') fail("expected ':' after the field name");
        i++;
        value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return;
        }
        fail("expected ',' or '}' (a missing comma?)");
      }
    }
    if (char === '[') {
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (text[i] === ']') fail('trailing comma before ]');
        value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return;
        }
        fail("expected ',' or ']' (a missing comma?)");
      }
    }
    if (char === '"') string();
    else if (char === 't') literal('true');
    else if (char === 'f') literal('false');
    else if (char === 'n') literal('null');
    else if (char === '-' || (char !== undefined && char >= '0' && char <= '9')) number();
    else if (char === "'") fail('strings and field names need double quotes');
    else fail(i >= text.length ? 'unexpected end of file (empty or truncated?)' : undefined);
  };
  try {
    value();
    ws();
    if (i < text.length) fail('unexpected content after the JSON value');
  } catch (error) {
    if (error instanceof Stop) return { offset: error.offset, message: error.reason };
    throw error;
  }
  return undefined;
}
