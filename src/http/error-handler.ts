import type { ErrorRequestHandler } from 'express';
import type { Logger } from 'winston';
import { toScimError } from '../scim/error.ts';
import { sendScimError } from './send-error.ts';

/** The terminal error middleware: logs what was unexpected, answers every error as SCIM. */
export function errorHandler({ logger }: { logger: Logger }): ErrorRequestHandler {
  return function scimErrorHandler(error, req, res, _next) {
    const scimError = toScimError(error);
    if (scimError.status >= 500 && scimError.code === 'internal') {
      logger.error('unexpected error while handling a request', {
        requestId: res.locals.exchange?.id,
        method: req.method,
        error:
          error instanceof Error ? { name: error.name, message: error.message, stack: error.stack } : String(error),
      });
    }
    // MAS refusing the proxy's own credentials is for the operator, not only for Entra's log.
    if (scimError.code === 'upstream_credentials_rejected') {
      logger.warn("MAS refused the proxy's credentials", {
        requestId: res.locals.exchange?.id,
        error: scimError.code,
        detail: scimError.message,
      });
    }
    sendScimError(res, scimError);
  };
}
