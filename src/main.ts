import 'reflect-metadata';

import { ConfigError, loadConfig } from './config/config';
import { createHttpApp } from './http/create-http-app';
import { createRootLogger } from './infra/logging/logger';

/** The API process: SCIM, GraphQL admin, sessions, health and metrics (and the worker under npm start). */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createRootLogger(config.LOG_LEVEL);
  const app = await createHttpApp(config, { runWorker: config.RUN_WORKERS_IN_PROCESS, logger });
  await app.listen({ port: config.PORT, host: config.HOST });
  logger.info(
    { port: config.PORT, workers: config.RUN_WORKERS_IN_PROCESS },
    `Roster listening on ${config.PUBLIC_BASE_URL}`,
  );

  // Graceful shutdown is Nest's (HTTP drains, workers finish their jobs); this only bounds it.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      logger.info(`${signal}: draining`);
      setTimeout(() => {
        logger.error('shutdown took too long; exiting');
        process.exit(1);
      }, config.SHUTDOWN_GRACE_MS).unref();
    });
  }
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(
      `Roster failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
    );
  }
  process.exit(1);
});
