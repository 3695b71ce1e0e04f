/**
 * RFC 9457 problem details, the error format ASP.NET Core (facilioo's backend) produces. Handlers
 * throw an `HttpProblem`; the app's error handler is the one place that renders it.
 */

// ASP.NET Core's default `type` for each status, so the shape matches what facilioo would send.
const TYPES: Record<number, string> = {
  400: 'https://tools.ietf.org/html/rfc9110#section-15.5.1',
  401: 'https://tools.ietf.org/html/rfc9110#section-15.5.2',
  403: 'https://tools.ietf.org/html/rfc9110#section-15.5.4',
  404: 'https://tools.ietf.org/html/rfc9110#section-15.5.5',
  405: 'https://tools.ietf.org/html/rfc9110#section-15.5.6',
  409: 'https://tools.ietf.org/html/rfc9110#section-15.5.10',
  413: 'https://tools.ietf.org/html/rfc9110#section-15.5.14',
  415: 'https://tools.ietf.org/html/rfc9110#section-15.5.16',
  423: 'https://tools.ietf.org/html/rfc4918#section-11.3',
  429: 'https://tools.ietf.org/html/rfc6585#section-4',
  500: 'https://tools.ietf.org/html/rfc9110#section-15.6.1',
  503: 'https://tools.ietf.org/html/rfc9110#section-15.6.4',
};

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  /** Validation errors per field, as ASP.NET's ValidationProblemDetails carries them. */
  errors?: Record<string, string[]>;
}

export class HttpProblem extends Error {
  readonly status: number;
  readonly title: string;
  readonly detail: string;
  readonly headers: Record<string, string>;
  readonly errors: Record<string, string[]> | undefined;

  constructor(
    status: number,
    title: string,
    detail: string,
    extra: { headers?: Record<string, string>; errors?: Record<string, string[]> } = {},
  ) {
    super(`${status} ${title}: ${detail}`);
    this.status = status;
    this.title = title;
    this.detail = detail;
    this.headers = extra.headers ?? {};
    this.errors = extra.errors;
  }

  body(): ProblemBody {
    return problemBody(this.status, this.title, this.detail, this.errors);
  }
}

export function problemBody(
  status: number,
  title: string,
  detail: string,
  errors?: Record<string, string[]>,
): ProblemBody {
  return {
    type: TYPES[status] ?? 'about:blank',
    title,
    status,
    detail,
    ...(errors ? { errors } : {}),
  };
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';
