/**
 * The MAS simulator: scimmy (through scimmy-routers) answers SCIM, and a thin layer of ours adds
 * what MAS does differently, each part switchable through `SimulatorOptions`.
 *
 * scimmy keeps its configuration and declared resources in module state. Everything of ours is
 * per simulator (the handlers read their store from each request's context), so several
 * simulators can run in one process; the one thing they share is scimmy's base path for
 * `meta.location`, which scimmy-routers resets on every request.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type ErrorRequestHandler, type Express } from 'express';
import { createAuthentication } from './authentication.ts';
import { sendScimError, sendUnknownPath } from './error-body.ts';
import { type ResolvedOptions, resolveOptions, type SimulatorOptions } from './options.ts';
import { type Profile, profileSchema, stamp } from './profile.ts';
import { profilesRouter } from './profiles-router.ts';
import { scimRouter } from './scim-router.ts';
import { copy, createStore, type ScimRecord } from './store.ts';

export interface Simulator {
  readonly app: Express;
  readonly options: ResolvedOptions;
  /** A JWT the simulator accepts, as `/v1/authenticate` would mint for `subject`. */
  issueToken(subject?: string, ttlSeconds?: number): Promise<string>;
  /** Stores a profile as if POSTed; replaces one with the same id. */
  seedProfile(profile: Profile): Profile;
  /** Stores a user or group record as is (it must carry its `id`). */
  seedUser(profileId: string, user: ScimRecord): ScimRecord;
  seedGroup(profileId: string, group: ScimRecord): ScimRecord;
  profile(id: string): Profile | undefined;
  users(profileId: string): ScimRecord[];
  user(profileId: string, id: string): ScimRecord | undefined;
  groups(profileId: string): ScimRecord[];
  group(profileId: string, id: string): ScimRecord | undefined;
  /** Forgets every profile, user and group (seeded profiles from the options included). */
  reset(): void;
}

export interface StartedSimulator extends Simulator {
  /** Base URL, e.g. `http://127.0.0.1:40123`; SCIM lives under `${url}/scim/v2/<profileId>`. */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * @example
 * const sim = createSimulator({ staticTokens: ['t'], profiles: [{ id: 'p1', version: 1 }] });
 * app.use(sim.app);
 */
export function createSimulator(input: SimulatorOptions = {}): Simulator {
  const options = resolveOptions(input);
  const store = createStore();
  const auth = createAuthentication(options);
  const seedProfile = (profile: Profile): Profile => {
    const stored = stamp(profileSchema.parse(profile), 'simulator', new Date(options.now()));
    store.profiles.set(stored.id, stored);
    return copy(stored);
  };
  for (const profile of options.profiles) seedProfile(profile);

  const app = express();
  app.disable('x-powered-by');
  app.get('/v1/authenticate', auth.authenticate);
  app.use('/scim/v2/Profiles', auth.requireToken, profilesRouter(store, options));
  app.use('/scim/v2/:profileId', auth.requireToken, scimRouter(store, options));
  app.use((_req, res) => sendUnknownPath(res));
  app.use(lastResort);

  const seed = (kind: 'users' | 'groups') => (profileId: string, record: ScimRecord) => {
    store.tenant(profileId)[kind].set(record.id, copy(record));
    return copy(record);
  };
  return {
    app,
    options,
    issueToken: (subject = 'simulator', ttlSeconds) => auth.issue(subject, ttlSeconds),
    seedProfile,
    seedUser: seed('users'),
    seedGroup: seed('groups'),
    profile: (id) => optionalCopy(store.profiles.get(id)),
    users: (profileId) => copy([...store.tenant(profileId).users.values()]),
    user: (profileId, id) => optionalCopy(store.tenant(profileId).users.get(id)),
    groups: (profileId) => copy([...store.tenant(profileId).groups.values()]),
    group: (profileId, id) => optionalCopy(store.tenant(profileId).groups.get(id)),
    reset: () => store.clear(),
  };
}

/** Starts a simulator on `host` (127.0.0.1) and `port` (0: any free port). */
export async function startSimulator(
  input: SimulatorOptions & { port?: number; host?: string } = {},
): Promise<StartedSimulator> {
  const { port = 0, host = '127.0.0.1', ...options } = input;
  const simulator = createSimulator(options);
  const server = await listen(simulator.app, port, host);
  const address = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
  const close = () =>
    new Promise<void>((resolve, reject) => {
      server.close((error) => (error ? reject(error) : resolve()));
      server.closeIdleConnections();
    });
  return { ...simulator, url, close };
}

function listen(app: Express, port: number, host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host, (error?: Error) => (error ? reject(error) : resolve(server)));
  });
}

const lastResort: ErrorRequestHandler = (error, _req, res, next) => {
  if (res.headersSent) return next(error);
  const status = typeof error?.status === 'number' && error.status >= 400 ? error.status : 500;
  sendScimError(res, status, status < 500 ? String(error.message) : 'Internal error in the MAS simulator');
};

function optionalCopy<T>(value: T | undefined): T | undefined {
  return value === undefined ? undefined : copy(value);
}
