// The profiles of MAS_PROFILES looked up once in MAS: a missing profile, or one without
// useGroupDisplayNameAsGroupId, is silent at run time (users without entitlements, groups with random
// suffixes), so it is said at start in the log and on a metric the dashboard and an alert show. The
// proxy serves either way; MAS may be down at start, so an unfinished lookup is tried again later.
import type { Logger } from 'winston';
import type { Credentials } from './credentials.ts';

export type ProfileState = 'ok' | 'missing' | 'no_group_display_names' | 'unchecked';
export const PROFILE_STATES: readonly ProfileState[] = ['ok', 'missing', 'no_group_display_names', 'unchecked'];

export interface ProfileLookupOptions {
  ids: readonly string[];
  masUrl: URL;
  credentials: Credentials;
  timeoutMs: number;
  logger: Logger;
  onState?: (profile: string, state: ProfileState) => void;
  fetch?: typeof fetch;
}

export interface ProfileLookup {
  /** Looks every profile up; resolves when all are known or could not be checked. */
  run(): Promise<ReadonlyMap<string, ProfileState>>;
  /** Runs again only if a profile is still unchecked (MAS was down at start). */
  retryUnchecked(): Promise<void>;
}

export function profileLookup(options: ProfileLookupOptions): ProfileLookup {
  const { ids, logger } = options;
  const doFetch = options.fetch ?? fetch;
  const states = new Map<string, ProfileState>(ids.map((id) => [id, 'unchecked']));
  let running: Promise<ReadonlyMap<string, ProfileState>> | undefined;

  async function lookUp(id: string): Promise<ProfileState> {
    try {
      const authorization = await options.credentials.authorization();
      const res = await doFetch(new URL(`/scim/v2/Profiles/${encodeURIComponent(id)}`, options.masUrl), {
        headers: { accept: 'application/json', ...(authorization && { authorization }) },
        signal: AbortSignal.timeout(options.timeoutMs),
      });
      const body = (await res.json().catch(() => undefined)) as
        | { runtimeConfigs?: Record<string, unknown> }
        | undefined;
      if (res.status === 404 && body !== undefined) {
        logger.warn('MAS profile does not exist', {
          profile: id,
          fix: `create it (scim-proxy profiles apply FILE) or remove it from MAS_PROFILES and Entra's Tenant URL: users created under it get no workspace, application or entitlement`,
        });
        return 'missing';
      }
      if (res.ok && body) {
        if (body.runtimeConfigs?.useGroupDisplayNameAsGroupId === true) return 'ok';
        logger.warn('MAS profile lacks useGroupDisplayNameAsGroupId', {
          profile: id,
          fix: 'set runtimeConfigs.useGroupDisplayNameAsGroupId: true and run scim-proxy profiles apply FILE; until then MAS gives new groups random suffixes (AP_MAXIMO_SUPERVISORS_cbpxyc)',
        });
        return 'no_group_display_names';
      }
      logger.info('MAS profile could not be checked', {
        profile: id,
        status: res.status,
        fix: 'the API key needs systemAdmin and userAdmin to read profiles; run scim-proxy doctor',
      });
    } catch (error) {
      logger.info('MAS profile could not be checked', {
        profile: id,
        error: (error as Error).message,
        fix: 'MAS is not reachable yet; the lookup is tried again when /readyz first succeeds',
      });
    }
    return 'unchecked';
  }

  async function run(): Promise<ReadonlyMap<string, ProfileState>> {
    for (const id of ids) {
      const state = await lookUp(id);
      states.set(id, state);
      options.onState?.(id, state);
    }
    return states;
  }

  return {
    run() {
      running ??= run().finally(() => {
        running = undefined;
      });
      return running;
    },
    async retryUnchecked() {
      if ([...states.values()].includes('unchecked')) await this.run();
    },
  };
}
