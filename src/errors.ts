/**
 * Errors a user can meet. A ConfigError is the user's to fix (a target file, a flag, an
 * environment variable): the CLI prints it and exits 2. Messages name where the problem is
 * and what to do; they never carry a secret value.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly exitCode = 2;
  /** The file, URL or flag the problem is in, e.g. `targets/staging.json` or `--port`. */
  readonly where: string | undefined;
  /** The field inside it, as a dotted path, e.g. `accounts.admin.password`. */
  readonly field: string | undefined;
  /** What to do about it. */
  readonly hint: string | undefined;

  constructor(message: string, details: { where?: string; field?: string; hint?: string } = {}) {
    const location = [details.where, details.field].filter(Boolean).join(': ');
    super(
      [location ? `${location}: ${message}` : message, details.hint ? `  → ${details.hint}` : '']
        .filter(Boolean)
        .join('\n'),
    );
    this.where = details.where;
    this.field = details.field;
    this.hint = details.hint;
  }
}

export function isConfigError(error: unknown): error is ConfigError {
  return error instanceof ConfigError;
}
