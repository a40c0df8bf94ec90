// Bounds guessing at the token endpoint: after `maxFailures` failed client authentications within
// `windowMs`, a key (a source address, a client id) is refused for `windowMs` without its secret being
// checked at all. Per replica and in memory: replicas share nothing but the Secret.

export interface LockoutOptions {
  maxFailures: number;
  windowMs: number;
  now: () => number;
  /** Distinct keys remembered at most; the oldest are forgotten first (a spray of source addresses). */
  maxKeys?: number;
  onLock?: () => void;
}

export interface Lockout {
  /** Milliseconds until `key` may try again; 0 when it may now. */
  retryAfterMs(key: string): number;
  fail(key: string): void;
}

interface Entry {
  windowStart: number;
  failures: number;
  lockedUntil: number;
}

export function lockout({ maxFailures, windowMs, now, maxKeys = 10_000, onLock }: LockoutOptions): Lockout {
  const entries = new Map<string, Entry>();
  return {
    retryAfterMs(key) {
      const entry = entries.get(key);
      return entry ? Math.max(0, entry.lockedUntil - now()) : 0;
    },
    fail(key) {
      const at = now();
      let entry = entries.get(key);
      if (!entry || at - entry.windowStart >= windowMs) {
        entries.delete(key);
        if (entries.size >= maxKeys) entries.delete(entries.keys().next().value as string);
        entry = { windowStart: at, failures: 0, lockedUntil: 0 };
        entries.set(key, entry);
      }
      entry.failures += 1;
      if (entry.failures >= maxFailures && entry.lockedUntil <= at) {
        entry.lockedUntil = at + windowMs;
        // The lock outlasts the window it was counted in: the next window starts when it ends.
        entry.windowStart = entry.lockedUntil;
        entry.failures = 0;
        onLock?.();
      }
    },
  };
}
