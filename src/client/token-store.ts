/**
 * Where the AuthClient keeps its token pair. Refresh tokens are one-time: once the server has
 * rotated them, the only valid refresh token is the one in the store. So the file store must
 * never lose a pair to a crash: it writes a temp file, fsyncs it, renames it over the old file
 * and fsyncs the directory. A process killed at any moment leaves the old or the new pair.
 */
import { randomBytes } from 'node:crypto';
import { open, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { ConfigError } from '../errors.ts';

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
}

export interface TokenStore {
  /** The stored pair, or undefined when none has been saved (or it was cleared). */
  load(): Promise<TokenPair | undefined>;
  /** Resolves only once the pair is durable (for the file store: on disk, fsynced). */
  save(pair: TokenPair): Promise<void>;
  clear(): Promise<void>;
}

export class MemoryTokenStore implements TokenStore {
  #pair: TokenPair | undefined;

  constructor(initial?: TokenPair) {
    this.#pair = initial ? { ...initial } : undefined;
  }

  async load(): Promise<TokenPair | undefined> {
    return this.#pair ? { ...this.#pair } : undefined;
  }

  async save(pair: TokenPair): Promise<void> {
    this.#pair = { accessToken: pair.accessToken, refreshToken: pair.refreshToken };
  }

  async clear(): Promise<void> {
    this.#pair = undefined;
  }
}

function isErrno(error: unknown, ...codes: string[]): boolean {
  return (
    typeof (error as { code?: unknown })?.code === 'string' &&
    codes.includes((error as { code: string }).code)
  );
}

/** JSON file `{ "accessToken": "...", "refreshToken": "..." }`, mode 0600, replaced atomically. */
export class FileTokenStore implements TokenStore {
  readonly path: string;

  constructor(path: string) {
    this.path = resolve(path);
  }

  async load(): Promise<TokenPair | undefined> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if (isErrno(error, 'ENOENT')) return undefined;
      throw new ConfigError(`cannot read the token store: ${(error as Error).message}`, {
        where: this.path,
        hint: 'check the file permissions, or point the token store at another file',
      });
    }
    const hint = 'the file is not a token pair this tool wrote; delete it and log in again';
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      // The parser's message would quote the file's bytes, which are tokens.
      throw new ConfigError(`the token store is not valid JSON (${text.length} bytes)`, {
        where: this.path,
        hint,
      });
    }
    if (parsed === null || typeof parsed !== 'object') {
      throw new ConfigError('the token store does not hold a JSON object', { where: this.path, hint });
    }
    for (const field of ['accessToken', 'refreshToken'] as const) {
      const value = (parsed as Record<string, unknown>)[field];
      if (typeof value !== 'string' || value === '') {
        throw new ConfigError('expected a non-empty string', { where: this.path, field, hint });
      }
    }
    const pair = parsed as TokenPair;
    return { accessToken: pair.accessToken, refreshToken: pair.refreshToken };
  }

  async save(pair: TokenPair): Promise<void> {
    const data = `${JSON.stringify({ accessToken: pair.accessToken, refreshToken: pair.refreshToken })}\n`;
    await this.#replace(data);
  }

  async clear(): Promise<void> {
    try {
      await unlink(this.path);
    } catch (error) {
      if (!isErrno(error, 'ENOENT')) throw error;
      return;
    }
    await this.#syncDirectory();
  }

  async #replace(data: string): Promise<void> {
    // Same directory, so the rename stays on one file system and is atomic.
    const temp = join(
      dirname(this.path),
      `.${basename(this.path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`,
    );
    try {
      const handle = await open(temp, 'wx', 0o600);
      try {
        // The umask can only remove bits, but be explicit: tokens are credentials.
        await handle.chmod(0o600);
        await handle.writeFile(data, 'utf8');
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, this.path);
    } catch (error) {
      await unlink(temp).catch(() => undefined);
      throw error;
    }
    await this.#syncDirectory();
  }

  /** Makes the rename itself durable; without it a power cut can bring back the old entry. */
  async #syncDirectory(): Promise<void> {
    let handle: Awaited<ReturnType<typeof open>> | undefined;
    try {
      handle = await open(dirname(this.path), 'r');
      await handle.sync();
    } catch (error) {
      // Some platforms (Windows) and file systems cannot fsync a directory; the rename is still atomic.
      if (!isErrno(error, 'EISDIR', 'EPERM', 'EINVAL', 'EACCES', 'ENOTSUP')) throw error;
    } finally {
      await handle?.close();
    }
  }
}
