/**
 * Plugins: modules that register rules, composites, node kinds or methods with core when imported.
 * Applications (the CLI, the server and its worker threads) load the ones listed in `XAI_PLUGINS`
 * (comma-separated module specifiers or file paths) at start-up, so every thread knows the same names.
 */
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InvalidArgumentError } from './errors.js';

const loaded = new Map<string, Promise<unknown>>();

/** The plugin modules `XAI_PLUGINS` lists. */
export function pluginsFromEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  return (env.XAI_PLUGINS ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}

/** Imports plugin modules once each (paths are resolved against the working directory). */
export async function loadPlugins(specifiers: readonly string[] = pluginsFromEnv()): Promise<void> {
  for (const spec of specifiers) {
    const url = isAbsolute(spec) || spec.startsWith('.') ? pathToFileURL(resolve(spec)).href : spec;
    if (!loaded.has(url)) {
      loaded.set(url, import(url).catch((err: Error) => {
        loaded.delete(url);
        throw new InvalidArgumentError(`plugin '${spec}' could not be loaded: ${err.message}`);
      }));
    }
    await loaded.get(url);
  }
}
