// One exchange between Entra and MAS, as it travels through the proxy. Each step writes what it did
// here; audit and metrics read it once, at the end, instead of each step logging on its own.
import type { Outcome } from './rules/apply.ts';
import type { Rule } from './rules/rule.ts';
import type { ParsedQuery } from './scim/query.ts';
import type { ResourcePath } from './scim/resource-path.ts';

export type ExchangeOutcome = 'forwarded' | 'answered' | 'refused' | 'rejected' | 'failed';

export interface Exchange {
  id: string;
  method: string;
  /** Wall-clock start, for the audit record. */
  startedAt: Date;
  /** Monotonic start (performance.now()), for durations. */
  startedMs: number;
  /** The path exactly as received (no query), whatever became of it: the audit joins on it. */
  receivedPath: string;
  target: ResourcePath | undefined;
  /** The headers as received (req.rawHeaders, credentials included): only the recorder reads them, through receivedHeaders. */
  rawHeaders: readonly string[];
  original: { query: Record<string, string>; body: unknown };
  rewritten: { query: Record<string, string>; body: unknown } | undefined;
  applied: readonly string[];
  /** Response rules that changed MAS's answer (group names mapped back). */
  responseApplied: readonly string[];
  decision: Outcome | undefined;
  /** How long the request waited for a free MAS slot (MAS_MAX_CONCURRENCY). */
  queueMs: number | undefined;
  /** When the request left for MAS (performance.now()). */
  forwardedAtMs: number | undefined;
  upstreamStatus: number | undefined;
  upstreamMs: number | undefined;
  /** MAS's answer when it was read whole: the recorder takes the ids MAS assigned from it. */
  answer: Buffer | undefined;
  /** Why MAS could not answer (`timeout`, `ECONNREFUSED`, ...): a bounded label for metrics. */
  upstreamError: string | undefined;
  /** Set when the proxy answered with an error; `code` is the stable ScimError code. */
  error: { code: string; message: string } | undefined;
}

export function newExchange(id: string, method: string, receivedPath = ''): Exchange {
  return {
    id,
    method,
    receivedPath,
    startedAt: new Date(),
    startedMs: performance.now(),
    target: undefined,
    rawHeaders: [],
    original: { query: {}, body: null },
    rewritten: undefined,
    applied: [],
    responseApplied: [],
    decision: undefined,
    queueMs: undefined,
    forwardedAtMs: undefined,
    upstreamStatus: undefined,
    upstreamMs: undefined,
    answer: undefined,
    upstreamError: undefined,
    error: undefined,
  };
}

/** What became of the exchange, from what the steps recorded and the status Entra got. */
export function outcomeOf(exchange: Exchange, status: number): ExchangeOutcome {
  if (exchange.decision?.kind === 'refuse') return 'refused';
  if (exchange.decision?.kind === 'answer') return 'answered';
  if (exchange.upstreamStatus !== undefined) return 'forwarded';
  if (exchange.error && status >= 500) return 'failed';
  return 'rejected';
}

/** Called once per exchange when the response to Entra is finished or cut. */
export type ExchangeObserver = (exchange: Exchange, status: number) => void;

declare global {
  namespace Express {
    interface Locals {
      exchange: Exchange;
      /** The query as received, parsed once (scimTarget). */
      query: ParsedQuery;
      /** The body as received, a BOM removed (body). */
      rawBody: Buffer;
      /** The rule set this exchange uses from request to response (normalize). */
      rules: readonly Rule[];
    }
  }
}
