#!/usr/bin/env node
/**
 * `node apps/server/dist/main.js`: the xai server on XAI_HOST:XAI_PORT (default 127.0.0.1:3000)
 * with its data in XAI_DATA_DIR (default ./data). See README: Configuration.
 */
import { buildApp } from './app.js';
import { configFromEnv } from './config.js';

let config;
try {
  config = configFromEnv();
} catch (err) {
  console.error(`xai server: ${(err as Error).message}`);
  process.exit(2);
}

const app = await buildApp(config);
const address = await app.listen({ host: config.host, port: config.port });
console.log(`xai server listening on ${address} (data: ${config.dataDir}${config.token ? ', bearer token required' : ''})`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) process.exit(1);
    stopping = true;
    console.log(`xai server: ${signal}, shutting down`);
    app.close().then(
      () => process.exit(0),
      (err: Error) => {
        console.error(`xai server: shutdown failed: ${err.message}`);
        process.exit(1);
      },
    );
  });
}
