// The audit trail: one JSON line per exchange, `kind: "audit"`, saying what Entra asked, what the
// proxy changed (as a JSON Patch), and what MAS and Entra were told. It reads the finished exchange
// once; no step of the request writes to it.
import type { Writable } from 'node:stream';
import winston from 'winston';
import { type Exchange, type ExchangeObserver, outcomeOf } from '../exchange.ts';
import { isPlainObject, type PlainObject } from '../scim/patch.ts';
import { decodeSegment } from '../scim/resource-path.ts';
import { auditQuery, auditView, type Hasher, hasher } from './audit-view.ts';
import { diff, type PatchOperation } from './json-patch.ts';

export interface AuditFile {
  path: string;
  maxBytes: number;
  maxFiles: number;
}

export interface AuditOptions {
  /** Where the lines go; stdout when neither this nor `logger` is given. */
  stream?: Writable;
  /** A ready-made logger (its format is used as is). */
  logger?: winston.Logger;
  hashPersonalData: boolean;
  /** Key for the personal-data hashes (HMAC-SHA256); plain SHA-256 without it. */
  hashSalt?: string;
  file?: AuditFile;
}

export interface AuditRecord {
  kind: 'audit';
  time: string;
  requestId: string;
  method: string;
  /** The path as received (an id of Users hashed when personal data is), so a wrong Tenant URL shows. */
  path: string;
  profile: string | null;
  resource: string | null;
  resourceId: string | null;
  rules: readonly string[];
  outcome: ReturnType<typeof outcomeOf>;
  decidedBy: string | null;
  change: PatchOperation[];
  queryChange: PatchOperation[];
  query: Record<string, string>;
  masStatus: number | null;
  status: number;
  error: string | null;
  /** Why the request was refused or failed, in the words Entra was given (MAS's own, for its errors). */
  detail: string | null;
  /** The id MAS gave what this request created: Entra's provisioning log shows it as the target id. */
  createdId: string | null;
  upstreamError: string | null;
  durationMs: number;
  upstreamMs: number | null;
  /** Time spent waiting for a free MAS slot (MAS_MAX_CONCURRENCY). */
  queueMs: number | null;
}

const round = (ms: number) => Math.round(ms * 10) / 10;

export function auditRecord(exchange: Exchange, status: number, hash: Hasher | undefined): AuditRecord {
  const resource = exchange.target?.resource;
  const view = (body: unknown) => auditView(body, { resource, hash });
  const { original, rewritten, decision } = exchange;
  const query = auditQuery(original.query, hash);
  const id = exchange.target?.id;
  return {
    kind: 'audit',
    time: exchange.startedAt.toISOString(),
    requestId: exchange.id,
    method: exchange.method,
    path: auditPath(exchange, hash),
    profile: exchange.target?.profile ?? null,
    resource: resource ?? null,
    // MAS may use the user name as a user's id, so it is personal data too.
    resourceId: id !== undefined && hash && resource === 'Users' ? hash(id) : (id ?? null),
    rules: exchange.applied,
    outcome: outcomeOf(exchange, status),
    decidedBy: decision && decision.kind !== 'forward' ? decision.rule : null,
    // The engine hands back the very same objects when no rule touched them: nothing to compare.
    change: rewritten && rewritten.body !== original.body ? diff(view(original.body), view(rewritten.body)) : [],
    queryChange: rewritten && rewritten.query !== original.query ? diff(query, auditQuery(rewritten.query, hash)) : [],
    query,
    masStatus: exchange.upstreamStatus ?? null,
    status,
    error: exchange.error?.code ?? null,
    detail: detailOf(exchange, hash),
    createdId: createdIdOf(exchange, hash),
    upstreamError: exchange.upstreamError ?? null,
    durationMs: round(performance.now() - exchange.startedMs),
    upstreamMs: exchange.upstreamMs === undefined ? null : round(exchange.upstreamMs),
    queueMs: exchange.queueMs === undefined ? null : round(exchange.queueMs),
  };
}

const PATH_LIMIT = 500;

function auditPath(exchange: Exchange, hash: Hasher | undefined): string {
  const path = exchange.receivedPath.slice(0, PATH_LIMIT);
  const { target } = exchange;
  if (!hash || target?.resource !== 'Users' || target.id === undefined) return path;
  const segments = path.split('/');
  const at = segments.findIndex((segment) => decodeSegment(segment) === target.id);
  if (at > 0) segments[at] = hash(target.id);
  return segments.join('/');
}

function answerOf(exchange: Exchange): PlainObject | undefined {
  if (!exchange.answer || exchange.answer.length === 0) return undefined;
  try {
    const json: unknown = JSON.parse(exchange.answer.toString('utf8'));
    return isPlainObject(json) ? json : undefined;
  } catch {
    return undefined;
  }
}

/** The proxy's own message, the rule's reason, or MAS's error detail (left out when personal data is hashed: MAS may quote it). */
function detailOf(exchange: Exchange, hash: Hasher | undefined): string | null {
  if (exchange.error) return exchange.error.message;
  if (exchange.decision && exchange.decision.kind !== 'forward') return exchange.decision.reason;
  if ((exchange.upstreamStatus ?? 0) < 400 || hash) return null;
  const answer = answerOf(exchange);
  const said = answer?.detail ?? (isPlainObject(answer?.exception) ? answer.exception.message : undefined);
  return typeof said === 'string' ? said.slice(0, PATH_LIMIT) : null;
}

function createdIdOf(exchange: Exchange, hash: Hasher | undefined): string | null {
  const status = exchange.upstreamStatus ?? 0;
  if (exchange.method !== 'POST' || status < 200 || status >= 300) return null;
  const id = answerOf(exchange)?.id;
  if (typeof id !== 'string') return null;
  return hash && exchange.target?.resource === 'Users' ? hash(id) : id;
}

// The audit file goes through winston for its size-based rotation. The console stream, written on
// every request, is written directly: winston's format pipeline cost more than building the record.
function fileLogger(file: AuditFile): winston.Logger {
  // The record is the line: no level, no message, nothing a downstream parser must skip.
  const line = winston.format.printf(({ level: _level, message: _message, ...record }) => JSON.stringify(record));
  return winston.createLogger({
    level: 'info',
    format: line,
    transports: [
      new winston.transports.File({
        filename: file.path,
        maxsize: file.maxBytes,
        maxFiles: file.maxFiles,
        tailable: true,
      }),
    ],
  });
}

/** An observer that also flushes and closes its transports (the audit file) on shutdown. */
export type AuditLog = ExchangeObserver & { close(): Promise<void> };

export function createAuditLog(options: AuditOptions): AuditLog {
  const stream = options.stream ?? process.stdout;
  const hash = options.hashPersonalData ? hasher(options.hashSalt) : undefined;
  const logger = options.logger ?? (options.file && fileLogger(options.file));
  // Ending the logger while the file transport is still writing or rotating makes winston write
  // after end and lose lines: close waits until every line handed to the file has been logged.
  const file = logger?.transports.find((t) => t instanceof winston.transports.File);
  let pending = 0;
  let idle: (() => void) | undefined;
  file?.on('logged', () => {
    pending -= 1;
    if (pending === 0) idle?.();
  });
  // The lines of one event-loop turn go out in one write: on stdout (a pipe in a pod, written
  // synchronously) that is one system call per turn instead of one per request.
  let batch = '';
  const flush = () => {
    const lines = batch;
    batch = '';
    if (lines) stream.write(lines);
  };
  const audit: ExchangeObserver = function audit(exchange, status) {
    const record = auditRecord(exchange, status, hash);
    if (!options.logger) {
      if (!batch) setImmediate(flush);
      batch += `${JSON.stringify(record)}\n`;
    }
    if (logger) {
      if (file) pending += 1;
      logger.info('exchange', record);
    }
  };
  const close = async () => {
    flush();
    if (!logger) return;
    if (pending > 0) await new Promise<void>((resolve) => (idle = resolve));
    await new Promise<void>((resolve) => {
      (file ?? logger).once('finish', () => resolve());
      logger.end();
    });
  };
  return Object.assign(audit, { close });
}
