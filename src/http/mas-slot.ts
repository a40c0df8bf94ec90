// Step 5: a slot among MAS_MAX_CONCURRENCY before the request goes to MAS, held until Entra has its
// answer. A request Entra abandons while it waits is dropped here and never reaches MAS.
import type { NextFunction, RequestHandler, Response } from 'express';
import type { MasGate } from '../upstream/mas-gate.ts';

export function masSlot(gate: MasGate): RequestHandler {
  return function masSlot(_req, res, next) {
    // Almost every request finds a slot free: it goes on at once, with no hang-up watch to set up
    // (an AbortController per request was a measurable share of the proxy's CPU) and no promise.
    const release = gate.tryAcquire();
    if (!release) return waitForSlot(gate, res, next);
    res.locals.exchange.queueMs = 0;
    // 'close' comes once per response: `on` spares the wrapper `once` builds.
    res.on('close', release);
    return next();
  };
}

async function waitForSlot(gate: MasGate, res: Response, next: NextFunction): Promise<void> {
  const gone = new AbortController();
  const hungUp = () => gone.abort(new Error('the client closed the connection'));
  res.once('close', hungUp);
  const queuedAt = performance.now();
  let release: () => void;
  try {
    release = await gate.acquire(gone.signal);
  } catch (error) {
    if (!gone.signal.aborted) next(error);
    return;
  }
  res.off('close', hungUp);
  if (gone.signal.aborted) return release();
  res.locals.exchange.queueMs = performance.now() - queuedAt;
  res.on('close', release);
  next();
}
