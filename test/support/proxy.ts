// Starts scim-proxy in this process, configured the way an administrator would (through the
// environment), on a free port. Each test starts its own and stops it.
import { loadConfig } from '../../src/config.ts';
import type { ExchangeObserver } from '../../src/exchange.ts';
import { createLogger } from '../../src/observe/logger.ts';
import { type Service, type ServiceParts, startService } from '../../src/service.ts';

export const ENTRA_TOKEN = 'entra-token-for-tests';
export const MAS_TOKEN = 'mas-token-for-tests';

export interface TestProxy {
  url: string;
  service: Service;
  close(): Promise<void>;
}

export async function startProxy(
  masUrl: string,
  env: Record<string, string> = {},
  observers: readonly ExchangeObserver[] = [],
  parts: Partial<Pick<ServiceParts, 'metrics' | 'logger' | 'now' | 'beforeReady'>> = {},
): Promise<TestProxy> {
  const config = loadConfig({ PORT: '0', MAS_URL: masUrl, SCIM_TOKEN: ENTRA_TOKEN, MAS_TOKEN, ...env });
  const service = await startService(config, new URL(masUrl), {
    logger: parts.logger ?? createLogger({ level: 'error', silent: true }),
    host: '127.0.0.1',
    observers,
    ...(parts.metrics && { metrics: parts.metrics }),
    ...(parts.now && { now: parts.now }),
    ...(parts.beforeReady && { beforeReady: parts.beforeReady }),
  });
  return { url: `http://127.0.0.1:${service.port}`, service, close: () => service.drain() };
}

export const auth = { authorization: `Bearer ${ENTRA_TOKEN}` };
export const scimJson = { ...auth, 'content-type': 'application/scim+json' };

export interface ScimErrorJson {
  schemas: string[];
  status: string;
  scimType?: string;
  detail: string;
}

/** The SCIM error body of a response. */
export const errorOf = async (res: Response): Promise<ScimErrorJson> => (await res.json()) as ScimErrorJson;
