import { statSync } from 'node:fs';

export interface LruCacheOptions<V> {
  /** Entries kept at most; 0 keeps none. */
  readonly entries: number;
  /** Bytes kept at most, as `weigh` counts them (a value larger alone is returned but not kept). */
  readonly maxBytes?: number;
  readonly weigh?: (value: V) => number;
  /** Frees what an evicted value holds (a model's tensors). */
  readonly onEvict?: (value: V) => void;
}

/**
 * A small least-recently-used map of promises, one per worker process: a queue worker runs many
 * chunks of the same job one after the other, and each would otherwise read and decode the same
 * data set and load the same model again. Tasks run one at a time per worker process, so an entry
 * is never evicted from under a running task.
 */
export class LruCache<V> {
  private readonly entries = new Map<string, Promise<V>>();
  private readonly bytes = new Map<string, number>();

  constructor(private readonly options: LruCacheOptions<V>) {}

  /** The value under `key`, made by `load` when missing (a failed load is not kept). */
  get(key: string, load: () => Promise<V>): Promise<V> {
    if (this.options.entries === 0) return load(); // not kept: nothing to evict from under its user
    let entry = this.entries.get(key);
    if (entry) {
      this.entries.delete(key); // re-inserted: now the most recent
      this.entries.set(key, entry);
      return entry;
    }
    entry = load();
    this.entries.set(key, entry);
    entry.then(
      (value) => {
        if (this.entries.get(key) !== entry) return;
        this.bytes.set(key, this.options.weigh?.(value) ?? 0);
        this.trim();
      },
      () => this.entries.get(key) === entry && this.entries.delete(key),
    );
    this.trim();
    return entry;
  }

  get count(): number {
    return this.entries.size;
  }

  private trim(): void {
    const max = this.options.maxBytes ?? Infinity;
    let total = [...this.bytes.values()].reduce((a, b) => a + b, 0);
    while (this.entries.size > this.options.entries || (total > max && this.bytes.size > 0)) {
      // the oldest entry (with a byte budget: the oldest loaded one)
      const oldest = this.entries.size > this.options.entries ? this.entries.keys().next().value! : this.bytes.keys().next().value!;
      const evicted = this.entries.get(oldest)!;
      this.entries.delete(oldest);
      total -= this.bytes.get(oldest) ?? 0;
      this.bytes.delete(oldest);
      evicted.then((v) => this.options.onEvict?.(v), () => undefined);
    }
  }
}

/**
 * Options of a cache of decoded data sets: `entries` and at most XAI_WORKER_CACHE_MB (default
 * 512) of their values; none with XAI_WORKER_CACHE_MB=0 (every chunk decodes its data again: for
 * measuring, or short of memory).
 */
export function dataCacheOptions<V>(entries: number, weigh: (value: V) => number): LruCacheOptions<V> {
  const mb = Number(process.env.XAI_WORKER_CACHE_MB ?? 512);
  return { entries: mb > 0 ? entries : 0, maxBytes: mb * 2 ** 20, weigh };
}

/**
 * A file's identity for a cache key: path, modification time and size, so that a file replaced
 * under the same name (a new upload, a retrained model) is read again.
 */
export function fileVersion(path: string): string {
  try {
    const s = statSync(path);
    return `${path}@${s.mtimeMs}:${s.size}`;
  } catch {
    return `${path}@missing`; // the load reports it
  }
}
