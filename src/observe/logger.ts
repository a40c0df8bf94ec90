// Operational logs: one JSON object per line on stdout, `kind: "log"`, so a log collector can keep
// them apart from the audit trail (`kind: "audit"`). Secrets are redacted by key and by shape before
// any transport sees them.
import type { Writable } from 'node:stream';
import winston from 'winston';
import { SECRET_KEY } from './audit-view.ts';

const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi;

function redact(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return value.replace(BEARER, '$1 [redacted]');
  if (depth > 8 || typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key, SECRET_KEY.test(key) ? '[redacted]' : redact(item, depth + 1)]),
  );
}

const redaction = winston.format((info) => {
  for (const key of Object.keys(info)) {
    if (key === 'level') continue;
    (info as Record<string, unknown>)[key] = SECRET_KEY.test(key) ? '[redacted]' : redact(info[key]);
  }
  return info;
});

export interface LoggerOptions {
  level: string;
  silent?: boolean;
  /** Where the lines go instead of stdout (tests read them back). */
  stream?: Writable;
}

export function createLogger({ level, silent = false, stream }: LoggerOptions): winston.Logger {
  return winston.createLogger({
    level,
    silent,
    defaultMeta: { kind: 'log' },
    format: winston.format.combine(redaction(), winston.format.timestamp(), winston.format.json()),
    transports: [stream ? new winston.transports.Stream({ stream }) : new winston.transports.Console()],
  });
}
