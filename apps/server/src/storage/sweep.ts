import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { ServerContext } from '../context.js';
import { isId } from './data-dir.js';

/**
 * At start: removes what a crash can leave in the data directory — uploads being received, and
 * model/input/data-set/job folders with no database row (an upload that failed half-way, a stale demo).
 * Returns how many folders went.
 */
export async function sweepOrphans(ctx: ServerContext): Promise<number> {
  const { store, dirs } = ctx;
  const known = {
    models: new Set(store.listModels().map((m) => m.id)),
    inputs: new Set(store.listInputs().map((i) => i.id)),
    datasets: new Set(store.listDatasets().map((d) => d.id)),
    jobs: null as null,
  };
  let removed = 0;
  for (const kind of ['uploads', 'models', 'inputs', 'datasets', 'jobs'] as const) {
    for (const name of await readdir(join(dirs.root, kind))) {
      const keep =
        kind === 'uploads' ? false
        : kind === 'jobs' ? isId(name) && store.getJob(name) !== undefined
        : known[kind].has(name);
      if (keep) continue;
      await dirs.remove(join(dirs.root, kind, name));
      removed++;
    }
  }
  return removed;
}
