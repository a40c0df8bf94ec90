import type { RequestHandler, Response } from 'express';
import type { Logger } from 'winston';
import type { ExchangeObserver } from '../exchange.ts';

/**
 * Hands each finished (or cut) exchange to the observers exactly once: audit, metrics, recording.
 * They run in the response's close event, where a throw would be uncaught and end the process: one
 * observer failing on an odd exchange is logged, and the others still run.
 */
export function observe(observers: readonly ExchangeObserver[], logger?: Logger): RequestHandler {
  // One listener for every response (it reads the response as `this`), not a closure per request.
  function finished(this: Response): void {
    for (const observer of observers) {
      try {
        observer(this.locals.exchange, this.statusCode);
      } catch (error) {
        logger?.error('an exchange observer failed', {
          requestId: this.locals.exchange?.id,
          observer: observer.name || 'anonymous',
          error: error instanceof Error ? { name: error.name, message: error.message } : String(error),
        });
      }
    }
  }
  return function observe(_req, res, next) {
    // 'close' comes once per response: `on` spares the wrapper `once` builds.
    res.on('close', finished);
    next();
  };
}
