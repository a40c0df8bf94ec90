// One recorded exchange, in the corpus format of test/fixtures/entra: `request` as Entra sent it,
// `expect` as the corpus says it (`upstream` for what was forwarded, `local_status` for a local
// answer, `blocked` for a refusal) plus the status Entra got, and `mas` for MAS's status and the ids
// it answered with, which a replay needs to follow the resources it creates. The recorder writes it,
// `scim-proxy replay` and `scim-proxy rewrite` read it, the corpus tools take it as it is.

import { type Exchange, outcomeOf } from '../exchange.ts';
import { isPlainObject } from '../scim/patch.ts';
import { receivedHeaders } from './headers.ts';
import type { Scrubber } from './scrubber.ts';

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: unknown;
}

export interface RecordedCase {
  name: string;
  source: string;
  notes: string;
  request: RecordedRequest;
  expect: {
    upstream?: { method: string; path: string; query: Record<string, string>; body: unknown };
    local_status?: number;
    blocked?: boolean;
    why?: string;
    /** The status Entra was answered: what a replay compares. */
    status: number;
  };
  /** MAS's answer: its status, and the ids of the resources in it (one, or a list's). */
  mas?: { status: number; ids: string[] };
  recorded: {
    time: string;
    requestId: string;
    outcome: ReturnType<typeof outcomeOf>;
    rules: readonly string[];
    personalData: 'hashed' | 'as sent';
  };
}

// A wrong token is a probe, not what the tenant sends; a token in the query cannot be kept, and the
// request without it would replay as another request.
const UNRECORDED = new Set(['unauthorized', 'token_in_query']);

/** Only what Entra sent to a SCIM path with a valid token is worth replaying. */
export function isRecordable(exchange: Exchange): boolean {
  return exchange.target !== undefined && !UNRECORDED.has(exchange.error?.code ?? '');
}

/** `20250131T235959123Z-000042-PATCH-Users`: sorts in arrival order, says what it is at a glance. */
export function caseName(exchange: Exchange, sequence: number): string {
  const stamp = exchange.startedAt.toISOString().replace(/[-:.]/g, '');
  const resource = (exchange.target?.resource ?? 'unknown').replace(/[^\w-]/g, '_').slice(0, 40);
  return `${stamp}-${String(sequence).padStart(6, '0')}-${exchange.method}-${resource}`;
}

export function recordedCase(
  exchange: Exchange,
  status: number,
  scrub: Scrubber,
  meta: { name: string; version: string; hashed: boolean },
): RecordedCase {
  const target = exchange.target;
  if (!target) throw new Error('only exchanges with a SCIM target are recorded');
  const { resource } = target;
  const path = scrub.path(target);
  const received = {
    query: scrub.query(exchange.original.query, resource),
    body: scrub.body(exchange.original.body, resource),
  };
  const outcome = outcomeOf(exchange, status);
  const { decision } = exchange;
  const forwarded = exchange.forwardedAtMs !== undefined ? (exchange.rewritten ?? exchange.original) : undefined;
  const masStatus = exchange.upstreamStatus;
  const masIds = masStatus === undefined ? [] : answerIds(exchange.answer).map((id) => scrub.id(id, resource));
  return {
    name: meta.name,
    source: `recorded by scim-proxy ${meta.version} at ${exchange.startedAt.toISOString()} (request id ${exchange.id})`,
    notes: [
      `${exchange.method} ${resource}: ${outcome}`,
      masStatus !== undefined && `MAS answered ${masStatus}`,
      `Entra was answered ${status}`,
      exchange.applied.length > 0 && `rules: ${exchange.applied.join(', ')}`,
      meta.hashed && 'user names, emails, names, user ids and filter values are hashed',
    ]
      .filter(Boolean)
      .join('; '),
    request: {
      method: exchange.method,
      path,
      query: received.query,
      headers: receivedHeaders(exchange.rawHeaders),
      body: received.body,
    },
    expect: {
      ...(forwarded && {
        upstream: {
          method: exchange.method,
          path,
          // The engine hands back the very objects it did not change: scrubbed once, not twice.
          query: forwarded.query === exchange.original.query ? received.query : scrub.query(forwarded.query, resource),
          body: forwarded.body === exchange.original.body ? received.body : scrub.body(forwarded.body, resource),
        },
      }),
      ...(decision?.kind === 'answer' && { local_status: decision.status }),
      ...(decision?.kind === 'refuse' && { blocked: true, why: `refused by rule ${decision.rule}` }),
      status,
    },
    ...(masStatus !== undefined && { mas: { status: masStatus, ids: masIds } }),
    recorded: {
      time: exchange.startedAt.toISOString(),
      requestId: exchange.id,
      outcome,
      rules: exchange.applied,
      personalData: meta.hashed ? 'hashed' : 'as sent',
    },
  };
}

/** The ids in a SCIM answer: the resource's own, or each of a list's `Resources`. */
export function answerIds(answer: Buffer | unknown): string[] {
  let json: unknown = answer;
  if (Buffer.isBuffer(answer)) {
    try {
      json = JSON.parse(answer.toString('utf8'));
    } catch {
      return [];
    }
  }
  if (!isPlainObject(json)) return [];
  if (typeof json.id === 'string') return [json.id];
  if (!Array.isArray(json.Resources)) return [];
  return json.Resources.flatMap((resource) =>
    isPlainObject(resource) && typeof resource.id === 'string' ? [resource.id] : [],
  );
}

/** A file's content as a case to replay, or why it is not one. */
export function readCase(json: unknown): RecordedCase | string {
  if (!isPlainObject(json) || !isPlainObject(json.request)) return 'not a corpus case: no "request"';
  const { request } = json;
  if (typeof request.method !== 'string' || typeof request.path !== 'string')
    return 'not a corpus case: "request" needs "method" and "path"';
  if (!isPlainObject(json.expect)) return 'not a corpus case: no "expect"';
  return json as unknown as RecordedCase;
}
