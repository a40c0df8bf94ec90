// Ids MAS assigned during the recording, and the ids the replay target assigned to the same
// resources. A later request that names a recorded id (in its path, a filter, a member, a manager)
// is sent with the new one, so it acts on what the replay created.
import { isPlainObject } from '../scim/patch.ts';
import type { RecordedRequest } from './recorded-case.ts';

export interface IdMap {
  /** Pairs the ids of a recorded answer with those of the replayed answer, in order. */
  learn(recorded: readonly string[], replayed: readonly string[]): void;
  /** The request with every recorded id replaced by its new one. */
  apply(request: RecordedRequest): RecordedRequest;
  readonly size: number;
}

const literally = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
// An id inside a string counts only as a whole token: quoted in a filter, or bare after `eq`.
const EDGE_BEFORE = '(?<=^|["\\s\\[(])';
const EDGE_AFTER = '(?=$|["\\s\\])])';

export function idMap(): IdMap {
  const ids = new Map<string, string>();
  let pattern: RegExp | undefined;
  const swap = (text: string): string => {
    const exact = ids.get(text);
    if (exact !== undefined) return exact;
    if (!pattern) return text;
    return text.replace(pattern, (id) => ids.get(id) ?? id);
  };
  const walk = (value: unknown): unknown => {
    if (typeof value === 'string') return swap(value);
    if (Array.isArray(value)) return value.map(walk);
    if (!isPlainObject(value)) return value;
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      Object.defineProperty(copy, key, { value: walk(item), enumerable: true, writable: true, configurable: true });
    }
    return copy;
  };
  return {
    learn(recorded, replayed) {
      if (recorded.length !== replayed.length) return;
      recorded.forEach((id, i) => {
        const now = replayed[i];
        if (now !== undefined && id !== '') ids.set(id, now);
      });
      // Longest first, so an id that contains another is replaced whole.
      const alternatives = [...ids.keys()].sort((a, b) => b.length - a.length).map(literally);
      pattern =
        alternatives.length > 0
          ? new RegExp(`${EDGE_BEFORE}(?:${alternatives.join('|')})${EDGE_AFTER}`, 'g')
          : undefined;
    },
    apply(request) {
      if (ids.size === 0) return request;
      const path = request.path
        .split('/')
        .map((segment) => {
          const decoded = safeDecode(segment);
          const now = ids.get(decoded);
          return now === undefined ? segment : encodeURIComponent(now);
        })
        .join('/');
      return {
        ...request,
        path,
        query: walk(request.query) as Record<string, string>,
        body: walk(request.body),
      };
    },
    get size() {
      return ids.size;
    },
  };
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
