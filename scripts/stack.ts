// A fresh MAS simulator, alone or behind scim-proxy, configured as an administrator would
// configure the real pair; shared by the demo and the Postman run.
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/observe/logger.ts';
import { startService } from '../src/service.ts';
import { type SimulatorOptions, type StartedSimulator, startSimulator } from '../src/simulator/index.ts';

export const PROFILE_ID = 'MasProfile1';

export interface SimulatedMas {
  sim: StartedSimulator;
  /** The MAS token the simulator accepts. */
  token: string;
}

export interface Stack extends SimulatedMas {
  /** Where Entra points: the proxy's base URL. */
  proxyUrl: string;
  /** The Secret Token Entra presents to the proxy. */
  entraToken: string;
  close(): Promise<void>;
}

export async function startSimulatedMas(options: SimulatorOptions = {}): Promise<SimulatedMas> {
  const token = randomBytes(18).toString('base64url');
  const sim = await startSimulator({
    staticTokens: [token],
    // As the README asks: Maximo group names stay as Entra sends them, without a random suffix.
    profiles: [{ id: PROFILE_ID, version: 1, runtimeConfigs: { useGroupDisplayNameAsGroupId: true } }],
    ...options,
  });
  return { sim, token };
}

export async function startStack(options: SimulatorOptions = {}): Promise<Stack> {
  const mas = await startSimulatedMas(options);
  const entraToken = randomBytes(18).toString('base64url');
  const config = loadConfig({ PORT: '0', MAS_URL: mas.sim.url, SCIM_TOKEN: entraToken, MAS_TOKEN: mas.token });
  const service = await startService(config, new URL(mas.sim.url), {
    logger: createLogger({ level: 'error', silent: true }),
    host: '127.0.0.1',
  });
  return {
    ...mas,
    proxyUrl: `http://127.0.0.1:${service.port}`,
    entraToken,
    close: async () => {
      await service.drain();
      await mas.sim.close();
    },
  };
}
