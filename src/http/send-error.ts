// The one place an error becomes a response: always a SCIM error body, never HTML or a stack trace.
import type { Response } from 'express';
import { toScimError } from '../scim/error.ts';

export function sendScimError(res: Response, error: unknown): void {
  const scimError = toScimError(error);
  const exchange = res.locals.exchange;
  if (exchange) exchange.error = { code: scimError.code, message: scimError.message };
  if (res.headersSent) {
    // MAS's answer was already on its way: cutting the connection is the only honest signal left.
    res.destroy();
    return;
  }
  res
    .status(scimError.status)
    .set(scimError.headers)
    .type('application/scim+json')
    .send(JSON.stringify(scimError.toBody()));
}
