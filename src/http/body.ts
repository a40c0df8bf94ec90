// Reads the request body within BODY_LIMIT_BYTES and parses it, so nothing half-read or unparsable
// ever goes on to MAS: bad JSON is a 400 that says where it broke.
import type { RequestHandler } from 'express';
import { ScimError } from '../scim/error.ts';

const JSON_TYPE = /^application\/(scim\+)?json\b|\+json\b/i;

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
    if (declared > limitBytes) return next(tooLarge());
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of req as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > limitBytes) return next(tooLarge());
        chunks.push(chunk);
      }
    } catch (error) {
      return next(
        new ScimError(400, 'The request body could not be read to the end; send it again.', {
          code: 'body_aborted',
          cause: error,
        }),
      );
    }
    const raw = Buffer.concat(chunks);
    res.locals.rawBody = raw;
    if (raw.length === 0) return next();
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
    res.locals.exchange.original.body = parseJson(raw);
    next();
  };
}

function parseJson(raw: Buffer): unknown {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(raw);
  } catch {
    throw new ScimError(400, 'The request body is not valid UTF-8; send JSON encoded as UTF-8.', {
      code: 'invalid_utf8',
      scimType: 'invalidSyntax',
    });
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ScimError(400, `The request body is not valid JSON (${(error as Error).message}); fix the JSON.`, {
      code: 'invalid_json',
      scimType: 'invalidSyntax',
    });
  }
}
