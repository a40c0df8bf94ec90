import type { RequestHandler } from 'express';
import type { ExchangeObserver } from '../exchange.ts';

/** Hands each finished (or cut) exchange to the observers exactly once: audit, metrics, recording. */
export function observe(observers: readonly ExchangeObserver[]): RequestHandler {
  return function observe(_req, res, next) {
    res.once('close', () => {
      for (const observer of observers) observer(res.locals.exchange, res.statusCode);
    });
    next();
  };
}
