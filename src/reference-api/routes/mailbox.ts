/**
 * The outbox as the Mailpit API v1 subset (spec, "Mailbox"), under `/mailbox`, in Mailpit's own
 * response shapes, so one mailbox adapter (or the `mailpit-api` client) reads both.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ApiContext } from '../context.ts';
import { parseBody } from '../http.ts';
import { compileQuery, type OutboxMessage, snippet } from '../outbox.ts';
import { HttpProblem } from '../problem.ts';

export const MAILBOX_PREFIX = '/mailbox';

const Paging = z.object({
  query: z.string().optional(),
  start: z.coerce
    .number({ error: 'start must be a number' })
    .int('start must be an integer')
    .min(0, 'start must be 0 or more')
    .default(0),
  limit: z.coerce
    .number({ error: 'limit must be a number' })
    .int('limit must be an integer')
    .min(0, 'limit must be 0 or more')
    .default(50),
});

const DeleteBody = z
  .object({ IDs: z.array(z.string(), { error: 'IDs must be an array of message IDs' }).optional() })
  .optional();

export function registerMailboxRoutes(fastify: FastifyInstance, ctx: ApiContext): void {
  const api = `${MAILBOX_PREFIX}/api/v1`;

  const list = (query: string | undefined, start: number, limit: number) => {
    const matches = ctx.outbox.search(query);
    const page = limit === 0 ? matches.slice(start) : matches.slice(start, start + limit);
    return {
      total: ctx.outbox.size,
      unread: ctx.outbox.size,
      count: page.length,
      messages_count: matches.length,
      messages_unread: matches.length,
      start,
      tags: [],
      messages: page.map(listItem),
    };
  };

  fastify.get(`${api}/messages`, async (request) => {
    const { start, limit } = parseBody(Paging, request.query);
    return list(undefined, start, limit);
  });

  fastify.get(`${api}/search`, async (request) => {
    const { query, start, limit } = parseBody(Paging, request.query);
    if (!query)
      throw new HttpProblem(400, 'Bad Request', 'query is required, e.g. ?query=to:"someone@example.test"');
    return list(query, start, limit);
  });

  fastify.delete(`${api}/search`, async (request, reply) => {
    const { query } = parseBody(Paging, request.query);
    if (!query)
      throw new HttpProblem(400, 'Bad Request', 'query is required, e.g. ?query=to:"someone@example.test"');
    ctx.outbox.delete(compileQuery(query));
    return reply.type('text/plain; charset=utf-8').send('ok');
  });

  fastify.delete(`${api}/messages`, async (request, reply) => {
    const ids = parseBody(DeleteBody, request.body)?.IDs;
    // Mailpit: no IDs deletes every message.
    if (ids === undefined || ids.length === 0) ctx.outbox.clear();
    else ctx.outbox.delete((message) => ids.includes(message.ID));
    return reply.type('text/plain; charset=utf-8').send('ok');
  });

  fastify.get<{ Params: { id: string } }>(`${api}/message/:id`, async (request) => {
    const message = ctx.outbox.get(request.params.id);
    if (!message) throw new HttpProblem(404, 'Not Found', `there is no message with ID ${request.params.id}`);
    return fullMessage(message);
  });
}

function listItem(message: OutboxMessage) {
  return {
    ID: message.ID,
    MessageID: message.MessageID,
    Read: false,
    From: message.From,
    To: message.To,
    Cc: [],
    Bcc: [],
    ReplyTo: [],
    Subject: message.Subject,
    Created: new Date(message.createdMs).toISOString(),
    Tags: [],
    Size: size(message),
    Attachments: 0,
    Snippet: snippet(message),
  };
}

function fullMessage(message: OutboxMessage) {
  return {
    ID: message.ID,
    MessageID: message.MessageID,
    From: message.From,
    To: message.To,
    Cc: [],
    Bcc: [],
    ReplyTo: [],
    ReturnPath: message.From.Address,
    Subject: message.Subject,
    ListUnsubscribe: { Header: '', Links: [], Errors: '', HeaderPost: '' },
    Date: new Date(message.createdMs).toISOString(),
    Tags: [],
    Text: message.Text,
    HTML: message.HTML,
    Size: size(message),
    Inline: [],
    Attachments: [],
  };
}

function size(message: OutboxMessage): number {
  return Buffer.byteLength(message.Text) + Buffer.byteLength(message.HTML);
}
