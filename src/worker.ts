import 'reflect-metadata';

import { NestFactory } from '@nestjs/core';

import { AppModule } from './app.module';
import { ConfigError, loadConfig } from './config/config';
import { createRootLogger, PinoNestLogger } from './infra/logging/logger';

/** The worker process: consumes BullMQ jobs and relays the outbox. Same build as the API. */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createRootLogger(config.LOG_LEVEL);
  const app = await NestFactory.createApplicationContext(
    AppModule.forRoot(config, { runWorker: true, http: false }),
    {
      logger: new PinoNestLogger(logger),
      abortOnError: false,
    },
  );
  app.enableShutdownHooks();
  await app.init();
  logger.info('Roster worker started');
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      setTimeout(() => process.exit(1), config.SHUTDOWN_GRACE_MS).unref();
    });
  }
}

main().catch((error: unknown) => {
  const message =
    error instanceof ConfigError ? error.message : `Roster worker failed to start: ${String(error)}`;
  process.stderr.write(`${message}\n`);
  process.exit(1);
});
