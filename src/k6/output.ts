/**
 * k6's own output, when it goes into a run's log instead of a terminal. k6 draws a banner and a
 * progress bar for people; written to a file or a test log the bar becomes one "running (1.0s)…"
 * line per second that buries what matters. So piped runs pass `--quiet` (no banner, no bar),
 * every line still passes through here, where progress-shaped lines are dropped (a k6 that
 * ignores --quiet), k6's logfmt log lines are shortened to their level and message, and every
 * secret is masked: the script's summary and threshold lines, its console output and k6's
 * warnings are what remain.
 */
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { redactText } from '../redact/index.ts';

/** `running (00m01.0s), 1/1 VUs, …` and a scenario's bar `smoke   [  80% ] 1 VUs  0m11.9s/1m0s …`. */
const PROGRESS = [/^running \(\d+m[\d.]+s\), /, /^\S+\s+[✓✗]?\s*\[\s*\d+%\s*\]/];

/** `time="…" level=warning msg="…" key=value…`: k6's structured log line. */
const LOGFMT = /^time="[^"]*" level=(\w+) msg="((?:[^"\\]|\\.)*)"(.*)$/;

export function isProgressLine(line: string): boolean {
  return PROGRESS.some((shape) => shape.test(line.trim()));
}

/**
 * One line of k6's output as it goes into the log: undefined for what is dropped (blank lines,
 * progress), else the line, its logfmt shortened (`k6 warning: …`), secrets masked.
 */
export function k6LogLine(raw: string): string | undefined {
  const line = raw.replace(/\s+$/, '');
  if (line.trim() === '' || isProgressLine(line)) return undefined;
  const logfmt = LOGFMT.exec(line);
  if (!logfmt) return redactText(line);
  const [, level, message = '', rest = ''] = logfmt;
  const text = message.replace(/\\(["\\])/g, '$1').replace(/\\n/g, ' ');
  // `source=console` only says the script logged it; other fields (error=…, url=…) carry the cause.
  const fields = rest.replace(/\s*source=console\b/, '').trim();
  return redactText(`${level}: ${text}${fields ? ` (${fields})` : ''}`);
}

/** Feeds each line of `stream` through k6LogLine into `log`; resolves when the stream ends. */
export function pipeLines(stream: Readable, log: (line: string) => void): Promise<void> {
  return new Promise((resolveDone) => {
    const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
    lines.on('line', (raw) => {
      const line = k6LogLine(raw);
      if (line !== undefined) log(line);
    });
    lines.on('close', () => resolveDone());
  });
}
