// Step 5: a slot among MAS_MAX_CONCURRENCY before the request goes to MAS, held until Entra has its
// answer. A request Entra abandons while it waits is dropped here and never reaches MAS.
import type { RequestHandler } from 'express';
import type { MasGate } from '../upstream/mas-gate.ts';

export function masSlot(gate: MasGate): RequestHandler {
  return async function masSlot(_req, res, next) {
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
    res.once('close', release);
    next();
  };
}
