/**
 * Assertions for checks. A failure message must tell QA what the server did and which rule that
 * breaks without opening a trace, so each helper takes a `what` ("the spent refresh token") and
 * says what came back. Messages pass through redaction: a token in an error body stays hidden.
 */
import { ApiError, type ApiResponse, AuthClientError, TransportError } from '../client/index.ts';
import { redactText } from '../redact/index.ts';
import { CheckFailure } from './registry.ts';

/** Which statuses count as a refusal: any 4xx, or exactly these. */
export type Refusal = '4xx' | readonly number[];

export interface Expect {
  /** The call must succeed (2xx); anything else fails the check with what came back. */
  ok<T>(what: string, call: Promise<T>): Promise<T>;
  /** The call must be refused with a 4xx (or one of `statuses`); success or a 5xx fails the check. */
  refused(what: string, call: Promise<unknown>, statuses?: Refusal): Promise<ApiError>;
}

export function fail(message: string): never {
  throw new CheckFailure(redactText(message));
}

function describeRefusal(statuses: Refusal): string {
  if (statuses === '4xx') return 'a 4xx refusal';
  return statuses.length === 1 ? `${statuses[0]}` : `one of ${statuses.join(', ')}`;
}

export function isRefusal(status: number, statuses: Refusal): boolean {
  return statuses === '4xx' ? status >= 400 && status < 500 : statuses.includes(status);
}

function statusOf(value: unknown): string {
  const response = value as Partial<ApiResponse> | undefined;
  return typeof response?.status === 'number' ? `${response.status}` : 'success';
}

/** The check's own assertion: a plain function, so TypeScript narrows after it. */
export function ensure(condition: unknown, failure: string): asserts condition {
  if (!condition) fail(failure);
}

export const expect: Expect = {
  async ok<T>(what: string, call: Promise<T>): Promise<T> {
    try {
      return await call;
    } catch (error) {
      if (error instanceof AuthClientError) fail(`${what} failed: ${error.message}`);
      throw error;
    }
  },

  async refused(what: string, call: Promise<unknown>, statuses: Refusal = '4xx'): Promise<ApiError> {
    let value: unknown;
    try {
      value = await call;
    } catch (error) {
      if (error instanceof ApiError) {
        if (isRefusal(error.status, statuses)) return error;
        fail(`${what} should get ${describeRefusal(statuses)}, got ${error.message}`);
      }
      if (error instanceof TransportError)
        fail(`${what} should get ${describeRefusal(statuses)}: ${error.message}`);
      throw error;
    }
    return fail(`${what} was accepted (${statusOf(value)}); expected ${describeRefusal(statuses)}`);
  },
};
