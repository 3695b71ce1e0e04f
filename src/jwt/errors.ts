/**
 * Why a token failed a check. Suites branch on `code`; the message is for people and never
 * carries token material (the encoded token, its signature), only what was wrong and where.
 */
export type TokenCheckCode =
  | 'malformed'
  | 'signature'
  | 'expired'
  | 'not-yet-valid'
  | 'issuer'
  | 'audience'
  | 'sub-layout';

export class TokenCheckError extends Error {
  override readonly name = 'TokenCheckError';
  readonly code: TokenCheckCode;

  constructor(code: TokenCheckCode, message: string) {
    super(message);
    this.code = code;
  }
}

export function isTokenCheckError(error: unknown, code?: TokenCheckCode): error is TokenCheckError {
  return error instanceof TokenCheckError && (code === undefined || error.code === code);
}
