// Reads the request body within BODY_LIMIT_BYTES and parses it, so nothing half-read, unparsable or
// ambiguous ever goes on to MAS: bad JSON is a 400 that says where it broke.
import type { RequestHandler } from 'express';
import { readUpTo } from '../bounded-read.ts';
import { ScimError } from '../scim/error.ts';
import { MAX_JSON_DEPTH, structureProblem } from '../scim/json.ts';
import { lingerAfterAnswer } from './linger.ts';

const JSON_TYPE = /^application\/(scim\+)?json\b|\+json\b/i;
const CHARSET = /;\s*charset\s*=\s*"?([^";\s]*)/i;
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

export function body({ limitBytes }: { limitBytes: number }): RequestHandler {
  const tooLarge = () =>
    new ScimError(
      413,
      `The request body is larger than ${limitBytes} bytes (BODY_LIMIT_BYTES); send fewer operations per request or raise the limit.`,
      {
        code: 'body_too_large',
        headers: { connection: 'close' },
      },
    );
  return async function body(req, res, next) {
    const declared = Number(req.get('content-length') ?? 0);
    let chunks: Buffer[] | undefined;
    try {
      const read = declared > limitBytes ? undefined : await readUpTo(req, limitBytes);
      chunks = read?.complete ? read.chunks : undefined;
    } catch (error) {
      return next(
        new ScimError(400, 'The request body could not be read to the end; send it again.', {
          code: 'body_aborted',
          cause: error,
        }),
      );
    }
    if (!chunks) {
      // The client is likely still sending: it must be able to read this answer before the close.
      lingerAfterAnswer(req);
      return next(tooLarge());
    }
    let raw = Buffer.concat(chunks);
    // RFC 8259 §8.1: a BOM may be ignored but must not be passed on to another parser.
    if (raw.subarray(0, 3).equals(BOM)) raw = raw.subarray(3);
    res.locals.rawBody = raw;
    if (raw.length === 0) return next();
    if (!BODY_METHODS.has(req.method)) {
      // No route reads one (docs/security.md): it would reach MAS without any rule having seen it.
      return next(
        new ScimError(400, `A ${req.method} request carries no body in SCIM (RFC 7644 §3); send it without one.`, {
          code: 'body_not_expected',
          scimType: 'invalidSyntax',
        }),
      );
    }
    const type = req.get('content-type');
    if (type && !JSON_TYPE.test(type)) {
      return next(
        new ScimError(
          415,
          `The body is ${type.slice(0, 80)}; SCIM bodies are JSON: send Content-Type: application/scim+json.`,
          { code: 'unsupported_media_type' },
        ),
      );
    }
    const charset = type && CHARSET.exec(type)?.[1];
    if (charset && !/^utf-?8$/i.test(charset)) {
      return next(
        new ScimError(415, `The body is declared as ${charset.slice(0, 40)}; send it as UTF-8 (charset=utf-8).`, {
          code: 'unsupported_charset',
        }),
      );
    }
    const parsed = parseJson(raw);
    if (BODY_METHODS.has(req.method) && (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))) {
      const kind = parsed === null ? 'null' : Array.isArray(parsed) ? 'an array' : typeof parsed;
      return next(
        new ScimError(400, `A ${req.method} body must be a JSON object; this one is ${kind}.`, {
          code: 'body_not_object',
          scimType: 'invalidSyntax',
        }),
      );
    }
    res.locals.exchange.original.body = parsed;
    next();
  };
}

/** The body as JSON, refused (ScimError 400) when it is not UTF-8, not JSON, or unsafe to pass on. */
export function parseJson(raw: Buffer): unknown {
  let text: string;
  try {
    text = UTF8.decode(raw);
  } catch {
    throw new ScimError(400, 'The request body is not valid UTF-8; send JSON encoded as UTF-8.', {
      code: 'invalid_utf8',
      scimType: 'invalidSyntax',
    });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ScimError(400, `The request body is not valid JSON (${(error as Error).message}); fix the JSON.`, {
      code: 'invalid_json',
      scimType: 'invalidSyntax',
    });
  }
  const problem = structureProblem(text, MAX_JSON_DEPTH);
  if (problem) {
    throw new ScimError(400, `The request body is refused: ${problem}. Send plain SCIM JSON.`, {
      code: 'unsafe_json',
      scimType: 'invalidSyntax',
    });
  }
  return parsed;
}
