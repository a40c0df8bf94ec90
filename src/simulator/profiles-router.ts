/**
 * `/scim/v2/Profiles`: MAS profiles are managed only through this API (mas.md §1.1). Status codes
 * follow the API Hub (201 on create) and a client validated on MAS 9.1 (404 unknown, 409 exists).
 */
import express, { type Request, type Response, Router } from 'express';
import { sendScimError } from './error-body.ts';
import type { ResolvedOptions } from './options.ts';
import { type Profile, profileSchema, stamp, supersedes } from './profile.ts';
import { copy, type Store } from './store.ts';

const listSchema = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

export function profilesRouter(store: Store, options: ResolvedOptions): Router {
  const router = Router();
  router.use(express.json({ type: ['application/json', 'application/scim+json'] }));

  router.post('/', (req, res) => {
    const profile = parse(req, res);
    if (!profile) return;
    if (store.profiles.has(profile.id)) {
      return sendScimError(res, 409, `Profile ${profile.id} already exists`, 'uniqueness');
    }
    const stored = stamp(profile, author(res), new Date(options.now()));
    store.profiles.set(profile.id, stored);
    res.status(201).json(stored);
  });

  router.get('/', (_req, res) => {
    const profiles = [...store.profiles.values()].map((profile) => copy(profile));
    res.json({ schemas: [listSchema], totalResults: profiles.length, Resources: profiles });
  });

  router.get('/:id', (req, res) => {
    const stored = store.profiles.get(req.params.id);
    if (!stored) return notFound(res, req.params.id);
    res.json(copy(stored));
  });

  router.put('/:id', (req, res) => {
    const stored = store.profiles.get(req.params.id);
    if (!stored) return notFound(res, req.params.id);
    const profile = parse(req, res, req.params.id);
    if (!profile) return;
    if (!supersedes(profile, stored, options.profileVersionGate)) {
      // MAS is said to ignore a change whose version does not increase: nothing fails, nothing changes.
      return void res.json(copy(stored));
    }
    const updated = stamp(profile, author(res), new Date(options.now()), stored);
    store.profiles.set(req.params.id, updated);
    res.json(copy(updated));
  });

  router.delete('/:id', (req, res) => {
    if (!store.profiles.delete(req.params.id)) return notFound(res, req.params.id);
    res.status(204).end();
  });

  // Without this, an unsupported method would fall through to `/scim/v2/:profileId` as profile "Profiles".
  router.use((_req, res) => sendScimError(res, 404, 'Endpoint Not Found'));
  return router;
}

function parse(req: Request, res: Response, id?: string): Profile | undefined {
  const body: unknown = req.body;
  const candidate = id && body && typeof body === 'object' ? { ...body, id } : body;
  const result = profileSchema.safeParse(candidate);
  if (result.success) return result.data;
  const detail = result.error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`);
  sendScimError(res, 400, `Invalid profile: ${detail.join('; ')}`, 'invalidValue');
  return undefined;
}

function notFound(res: Response, id: string): void {
  sendScimError(res, 404, `Profile ${id} not found`);
}

function author(res: Response): string {
  return typeof res.locals.subject === 'string' ? res.locals.subject : 'simulator';
}
