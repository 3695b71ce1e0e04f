/**
 * How a wait announces itself. Every wait the suites make on a target — a token's expiry, a
 * rate-limit window, a mailbox — is one trace line in this one shape, whoever waits (a scenario
 * check, a verification state handler, the client's Retry-After). Whoever shows progress (the
 * gate, `verify`, the verification worker's messages to its parent) recognises it with the one
 * parser below, so a wait is never silent in one layer and loud in another.
 */

export interface WaitNotice {
  /** What the wait is for, as a phrase: "the access token to expire". */
  what: string;
  seconds: number;
  /** An upper bound (mail usually comes at once), not a sleep of that length. */
  upTo: boolean;
}

/** `waiting 9 s for the access token to expire`, `waiting up to 60 s for the recovery code …`. */
export function waitLine(notice: WaitNotice): string {
  return `waiting ${notice.upTo ? 'up to ' : ''}${Math.max(0, Math.ceil(notice.seconds))} s for ${notice.what}`;
}

// Scenario traces prefix their lines with the check's id in brackets.
const WAIT = /^(?:\[([^\]]+)\] )?waiting (up to )?(\d+) s for (.+)$/;

/** The wait a trace line announces, with the check that owns it, or undefined for any other line. */
export function parseWaitLine(line: string): (WaitNotice & { owner?: string }) | undefined {
  const match = WAIT.exec(line);
  if (!match) return undefined;
  const [, owner, upTo, seconds, what = ''] = match;
  return { what, seconds: Number(seconds), upTo: upTo !== undefined, ...(owner ? { owner } : {}) };
}
