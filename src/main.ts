// The process: environment in, servers up, signals handled. Everything else is built from parts.
import { readFileSync } from 'node:fs';
import { Registry } from 'prom-client';
import type { Config } from './config.ts';
import { ConfigError } from './config.ts';
import { checkConfiguration } from './config-check.ts';
import { createAuditLog } from './observe/audit.ts';
import { createLogger } from './observe/logger.ts';
import { createMetrics } from './observe/metrics.ts';
import { startMetricsServer } from './observe/metrics-server.ts';
import { createRecorder } from './record/recorder.ts';
import { RuleLoadError } from './rules/load.ts';
import { startService } from './service.ts';
import { releaseStartupMemory } from './startup-memory.ts';

async function main(): Promise<void> {
  let config: Readonly<Config>;
  try {
    config = (await checkConfiguration(process.env)).config;
  } catch (error) {
    if (error instanceof ConfigError)
      return fail(`${error.message}\nNothing was started. \`scim-proxy config check\` checks again without starting.`);
    throw error;
  }
  // oauth2-proxy's --config-test: the same check as `scim-proxy config check`, from the server's own command.
  if (process.argv.includes('--config-test')) {
    process.stdout.write('scim-proxy: the configuration is valid\n');
    return;
  }
  const logger = createLogger({ level: config.logLevel });
  const registry = new Registry();
  const metrics = createMetrics(registry, { version: version() });
  const audit = createAuditLog({
    hashPersonalData: config.auditHashPersonalData,
    ...(config.auditHashSalt && { hashSalt: config.auditHashSalt }),
    ...(config.auditFile && { file: config.auditFile }),
  });
  const recorder =
    config.record &&
    createRecorder({
      ...config.record,
      ...(config.auditHashSalt && { hashSalt: config.auditHashSalt }),
      onResult: metrics.recording,
      logger,
      version: version(),
    });
  if (config.record) logger.info('recording exchanges', { dir: config.record.dir });
  const metricsServer = await startMetricsServer(registry, { port: config.metricsPort }).catch(
    listenFailure('METRICS_PORT', config.metricsPort),
  );
  if (!metricsServer) return;
  logger.info('metrics are served', { port: metricsServer.port, path: '/metrics' });
  // The simulator (scimmy) is loaded only in demo mode: in front of a real MAS it is dead weight in memory.
  const demo = config.masUrl ? undefined : await (await import('./demo-upstream.ts')).startDemoUpstream(config);
  const masUrl = config.masUrl ?? (demo?.url as URL);
  let service: Awaited<ReturnType<typeof startService>>;
  try {
    service = await startService(demo?.config ?? config, masUrl, {
      logger,
      metrics,
      observers: recorder ? [audit, recorder] : [audit],
      beforeReady: releaseStartupMemory,
      ...(demo && { credentials: demo.credentials }),
    });
  } catch (error) {
    if (error instanceof RuleLoadError) return fail(error.message);
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES') {
      await metricsServer.close();
      await demo?.close();
      const port = (error as { port?: number }).port ?? config.port;
      return listenFailure(port === config.tls?.port ? 'TLS_PORT' : 'PORT', port)(error);
    }
    throw error;
  }
  if (demo) process.stderr.write(demo.banner(service.port));

  const stop = async (signal: string) => {
    logger.info('draining before exit', { signal });
    await service.drain();
    await demo?.close();
    await metricsServer.close();
    await audit.close();
    await recorder?.close();
    logger.info('stopped', { signal });
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

/** The version in package.json, which ships next to src/ and dist/ in the image. */
function version(): string {
  try {
    const manifest: unknown = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    return String((manifest as { version?: unknown }).version ?? 'unknown');
  } catch {
    return 'unknown';
  }
}

/** A port taken or forbidden is a configuration problem: one line saying which, not a stack trace. */
function listenFailure(name: string, port: number) {
  return (error: unknown): undefined => {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EADDRINUSE' && code !== 'EACCES') throw error;
    fail(
      code === 'EADDRINUSE'
        ? `cannot listen on ${name} (${port}): another process uses that port; stop it or choose another port`
        : `cannot listen on ${name} (${port}): not permitted (ports below 1024 need privileges); choose a port above 1024`,
    );
    return undefined;
  };
}

function fail(message: string): void {
  process.stderr.write(`scim-proxy: ${message}\n`);
  process.exitCode = 1;
}

await main();
