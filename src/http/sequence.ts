import type { NextFunction, Request, RequestHandler, Response } from 'express';

/**
 * The steps of an exchange as one Express handler: each runs when the one before calls `next()`,
 * and an error (passed to `next`, thrown, or a rejected promise) skips the rest and goes to the
 * app's error handler. Express's router would do the same, but it also matches a path, builds a
 * params object and a base URL for every layer of every request; the SCIM path has a dozen steps
 * and no paths to match between them.
 */
export function sequence(steps: readonly RequestHandler[]): RequestHandler {
  return function exchangeSteps(req, res, done) {
    runFrom(0, steps, req, res, done);
  };
}

function runFrom(index: number, steps: readonly RequestHandler[], req: Request, res: Response, done: NextFunction) {
  const step = steps[index];
  if (!step) return done();
  let called = false;
  const next = ((error?: unknown) => {
    // A step that calls next twice would run the rest twice: the second call is ignored.
    if (called) return;
    called = true;
    if (error !== undefined && error !== null) done(error);
    else runFrom(index + 1, steps, req, res, done);
  }) as NextFunction;
  try {
    const result: unknown = step(req, res, next);
    if (result instanceof Promise) result.catch(next);
  } catch (error) {
    next(error);
  }
}
