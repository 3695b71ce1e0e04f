/**
 * The reference API's outgoing mail, kept in memory and served as the Mailpit API subset the
 * spec names, so the suite's mailbox adapter reads codes from here exactly as from a real
 * Mailpit. Like Mailpit, it keeps a bounded number of messages and drops the oldest.
 */
import { randomBytes } from 'node:crypto';

export interface Address {
  Name: string;
  Address: string;
}

export interface OutboxMessage {
  ID: string;
  MessageID: string;
  From: Address;
  To: Address[];
  Subject: string;
  Text: string;
  HTML: string;
  /** Epoch ms on the server clock. */
  createdMs: number;
}

/** Mailpit's default `--max` is 500 messages. */
const MAX_MESSAGES = 500;

export class Outbox {
  /** Oldest first; searches walk it backwards to answer newest first. */
  #messages: OutboxMessage[] = [];

  add(message: Omit<OutboxMessage, 'ID' | 'MessageID'>): OutboxMessage {
    const id = randomBytes(16).toString('base64url');
    const stored: OutboxMessage = { ...message, ID: id, MessageID: `${id}@ref-api.facilioo.test` };
    this.#messages.push(stored);
    if (this.#messages.length > MAX_MESSAGES) this.#messages.splice(0, this.#messages.length - MAX_MESSAGES);
    return stored;
  }

  /** Newest first. */
  search(query: string | undefined): OutboxMessage[] {
    const matches = compileQuery(query);
    return this.#messages.filter(matches).reverse();
  }

  get(id: string): OutboxMessage | undefined {
    if (id === 'latest') return this.#messages.at(-1);
    return this.#messages.find((message) => message.ID === id);
  }

  get size(): number {
    return this.#messages.length;
  }

  delete(predicate: (message: OutboxMessage) => boolean): void {
    this.#messages = this.#messages.filter((message) => !predicate(message));
  }

  clear(): void {
    this.#messages = [];
  }
}

/**
 * Mailpit search filters, the subset the suite needs: `to:`, `from:`, `subject:` with a bare
 * or double-quoted value, and free words matched against subject and body. Terms are ANDed and
 * case-insensitive; a leading `-` negates a term, as in Mailpit.
 */
export function compileQuery(query: string | undefined): (message: OutboxMessage) => boolean {
  const terms = [...(query ?? '').matchAll(/(-?)(?:(to|from|subject):)?(?:"([^"]*)"|(\S+))/gi)].map((m) => ({
    negate: m[1] === '-',
    field: m[2]?.toLowerCase(),
    value: (m[3] ?? m[4] ?? '').toLowerCase(),
  }));
  return (message) =>
    terms.every(({ negate, field, value }) => {
      let hit: boolean;
      switch (field) {
        case 'to':
          hit = message.To.some((to) => includesFolded(`${to.Name} <${to.Address}>`, value));
          break;
        case 'from':
          hit = includesFolded(`${message.From.Name} <${message.From.Address}>`, value);
          break;
        case 'subject':
          hit = includesFolded(message.Subject, value);
          break;
        default:
          hit =
            includesFolded(message.Subject, value) ||
            includesFolded(message.Text, value) ||
            message.To.some((to) => includesFolded(to.Address, value));
      }
      return hit !== negate;
    });
}

function includesFolded(text: string, value: string): boolean {
  return text.toLowerCase().includes(value);
}

export function snippet(message: OutboxMessage): string {
  return message.Text.replace(/\s+/g, ' ').trim().slice(0, 250);
}
