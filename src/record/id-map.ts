// Ids MAS assigned during the recording, and the ids the replay target assigned to the same
// resources. A later request that names a recorded id (in its path, a filter, a member, a manager)
// is sent with the new one, so it acts on what the replay created.
import { setOwn } from '../scim/json.ts';
import { isPlainObject } from '../scim/patch.ts';
import { decodeSegment } from '../scim/resource-path.ts';
import type { RecordedRequest } from './recorded-case.ts';

export interface IdMap {
  /** Pairs the ids of a recorded answer with those of the replayed answer, in order. */
  learn(recorded: readonly string[], replayed: readonly string[]): void;
  /** The request with every recorded id replaced by its new one. */
  apply(request: RecordedRequest): RecordedRequest;
}

// An id inside a string counts only as a whole token: quoted in a filter, bare after `eq`, or a
// whole member value. One fixed pattern, each token looked up: no pattern built from the ids, whose
// rebuilding after every answer made a long replay quadratic.
const TOKEN = /[^"\s[\]()]+/g;

export function idMap(): IdMap {
  const ids = new Map<string, string>();
  const swap = (text: string): string => ids.get(text) ?? text.replace(TOKEN, (token) => ids.get(token) ?? token);
  const walk = (value: unknown): unknown => {
    if (typeof value === 'string') return swap(value);
    if (Array.isArray(value)) return value.map(walk);
    if (!isPlainObject(value)) return value;
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) setOwn(copy, key, walk(item));
    return copy;
  };
  return {
    learn(recorded, replayed) {
      if (recorded.length !== replayed.length) return;
      recorded.forEach((id, i) => {
        const now = replayed[i];
        if (now !== undefined && id !== '') ids.set(id, now);
      });
    },
    apply(request) {
      if (ids.size === 0) return request;
      const path = request.path
        .split('/')
        .map((segment) => {
          const now = ids.get(decodeSegment(segment) ?? segment);
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
  };
}
