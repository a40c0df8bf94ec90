// Caps the requests in flight to MAS. Entra has no client-side throttling for custom apps and treats
// a 429 as a failure to retry hours later (docs/errors.md, "How Entra reacts"), so excess requests
// wait their turn in a bounded first-in-first-out queue. Only a full queue, or a wait past its bound,
// answers 503 with Retry-After: Entra escrows that request and retries it, and MAS is never flooded.
import { ScimError } from '../scim/error.ts';

export interface MasGateOptions {
  /** Requests in flight to MAS at once; 0 means no cap. */
  max: number;
  /** Requests that may wait for a slot; one more is answered 503 at once. */
  queueLimit: number;
  /** Longest wait for a slot before the request is answered 503. */
  queueTimeoutMs: number;
  onChange?: (state: GateState) => void;
  onWait?: (seconds: number) => void;
  onReject?: (reason: 'full' | 'timeout') => void;
}

export interface GateState {
  inFlight: number;
  queued: number;
}

/** Gives the slot back; calling it again does nothing. */
export type Release = () => void;

export interface MasGate {
  /** Waits for a slot. Rejects with a 503 ScimError when the queue is full or the wait runs out, and
   * with the signal's reason when the caller gave up (its request must then not reach MAS). */
  acquire(signal?: AbortSignal): Promise<Release>;
  /** A slot at once when one is free, or undefined when the caller must wait for one (acquire). */
  tryAcquire(): Release | undefined;
  state(): GateState;
}

interface Waiter {
  grant(): void;
}

export function masGate(options: MasGateOptions): MasGate {
  const { max, queueLimit, queueTimeoutMs } = options;
  let inFlight = 0;
  const queue: Waiter[] = [];
  const state = (): GateState => ({ inFlight, queued: queue.length });
  const changed = () => options.onChange?.(state());
  const retryAfterSeconds = String(Math.max(1, Math.ceil(queueTimeoutMs / 1000)));

  const release = (): Release => {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      inFlight -= 1;
      const next = queue.shift();
      if (next) next.grant();
      else changed();
    };
  };
  const take = (): Release => {
    inFlight += 1;
    changed();
    return release();
  };
  const reject = (reason: 'full' | 'timeout') => {
    options.onReject?.(reason);
    return new ScimError(
      503,
      reason === 'full'
        ? `scim-proxy already has ${queueLimit} requests waiting for MAS (MAS_QUEUE_LIMIT) and ${max} in flight (MAS_MAX_CONCURRENCY); Entra will retry. If MAS keeps up, raise MAS_MAX_CONCURRENCY.`
        : `This request waited ${queueTimeoutMs} ms (MAS_QUEUE_TIMEOUT_MS) for one of the ${max} MAS slots (MAS_MAX_CONCURRENCY); MAS is answering slowly. Entra will retry.`,
      {
        code: reason === 'full' ? 'mas_queue_full' : 'mas_queue_timeout',
        headers: { 'retry-after': retryAfterSeconds },
      },
    );
  };

  const tryAcquire = (): Release | undefined => {
    // A free slot means nobody waits: a release hands its slot straight to the first in the queue.
    if (max !== 0 && inFlight >= max) return undefined;
    options.onWait?.(0);
    return take();
  };

  return {
    state,
    tryAcquire,
    acquire(signal) {
      if (signal?.aborted) return Promise.reject(signal.reason);
      const free = tryAcquire();
      if (free) return Promise.resolve(free);
      if (queue.length >= queueLimit) return Promise.reject(reject('full'));
      const queuedAt = performance.now();
      return new Promise<Release>((resolve, fail) => {
        const stopWaiting = () => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', abandon);
        };
        // A granted waiter was already shifted off the queue; only one that gives up is searched for.
        const leave = () => {
          stopWaiting();
          const at = queue.indexOf(waiter);
          if (at >= 0) queue.splice(at, 1);
        };
        const waiter: Waiter = {
          grant() {
            stopWaiting();
            options.onWait?.((performance.now() - queuedAt) / 1000);
            resolve(take());
          },
        };
        const abandon = () => {
          leave();
          changed();
          fail(signal?.reason);
        };
        const timer = setTimeout(() => {
          leave();
          changed();
          fail(reject('timeout'));
        }, queueTimeoutMs);
        signal?.addEventListener('abort', abandon, { once: true });
        queue.push(waiter);
        changed();
      });
    },
  };
}
