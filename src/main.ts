// The process: environment in, servers up, signals handled. Everything else is built from parts.
import { type Config, ConfigError, loadConfig } from './config.ts';
import { startDemoUpstream } from './demo-upstream.ts';
import { createLogger } from './observe/logger.ts';
import { RuleLoadError } from './rules/load.ts';
import { startService } from './service.ts';

async function main(): Promise<void> {
  let config: Readonly<Config>;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) return fail(error.message);
    throw error;
  }
  const logger = createLogger({ level: config.logLevel });
  const demo = config.masUrl ? undefined : await startDemoUpstream(config);
  const masUrl = config.masUrl ?? (demo?.url as URL);
  let service: Awaited<ReturnType<typeof startService>>;
  try {
    service = await startService(demo?.config ?? config, masUrl, {
      logger,
      ...(demo && { credentials: demo.credentials }),
    });
  } catch (error) {
    if (error instanceof RuleLoadError) return fail(error.message);
    throw error;
  }
  if (demo) process.stderr.write(demo.banner(service.port));

  const stop = async (signal: string) => {
    logger.info('draining before exit', { signal });
    await service.drain();
    await demo?.close();
    logger.info('stopped', { signal });
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

function fail(message: string): void {
  process.stderr.write(`scim-proxy: ${message}\n`);
  process.exitCode = 1;
}

await main();
