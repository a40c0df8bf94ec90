// Polling for files mounted from a ConfigMap or Secret (the rule set, the watched secret files):
// one check at a time, because two overlapping reads could finish out of order and put the older
// contents live.

export interface SerialPoll<T> {
  /** Runs a check after any check in progress; what the poller itself runs too. */
  check(): Promise<T>;
  /** Stops polling (drain). */
  stop(): void;
}

/** Starts polling every `intervalMs` (0: never; `check` still works). A failed check is reported, then polling goes on. */
export function startSerialPoll<T>(
  load: () => Promise<T>,
  intervalMs: number,
  onError: (error: unknown) => void,
): SerialPoll<T> {
  let queue: Promise<unknown> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const check = () => {
    const result = queue.then(load);
    queue = result.catch(() => {});
    return result;
  };
  const poll = () => {
    timer = setTimeout(() => {
      check()
        .catch(onError)
        .finally(() => {
          if (!stopped) poll();
        });
    }, intervalMs);
    timer.unref();
  };
  if (intervalMs > 0) poll();
  return {
    check,
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
