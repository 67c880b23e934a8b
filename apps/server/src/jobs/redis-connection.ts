import { InvalidArgumentError } from '@xai/core';
import type { ConnectionOptions } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';

/** Connection options from a redis:// or rediss:// URL; commands wait while Redis is away (BullMQ needs that). */
export function redisOptions(url: string): RedisOptions {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new InvalidArgumentError(`XAI_REDIS_URL / --redis: '${url}' is not a URL (redis://host:port[/db])`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw new InvalidArgumentError(`XAI_REDIS_URL / --redis: '${url}' must start with redis:// or rediss://`);
  const db = u.pathname.replace(/^\//, '');
  return {
    host: u.hostname || '127.0.0.1',
    port: u.port ? Number(u.port) : 6379,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(db ? { db: Number(db) } : {}),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
    maxRetriesPerRequest: null,
    // reconnect for ever, at most every 2 s: jobs wait for Redis to come back
    retryStrategy: (times: number) => Math.min(2000, 100 * times),
  };
}

export const newRedis = (url: string): Redis => new Redis(redisOptions(url));

/** The same options for BullMQ's queues, queue events and workers (each opens its own connections). */
export const bullConnection = (url: string): ConnectionOptions => redisOptions(url) as ConnectionOptions;

/** Redis keys and BullMQ names shared by the server and the workers. */
export const QUEUE_NAMES = { explain: 'xai-explain', benchmark: 'xai-benchmark', dataset: 'xai-dataset' } as const;
export const recordKey = (job: string) => `xai:job:${job}`;
export const cancelKey = (job: string) => `xai:cancel:${job}`;
/** BullMQ job id of a chunk (custom ids must not contain ':'). */
export const chunkId = (job: string, chunk: number) => `${job}.${chunk}`;
export const chunkDirName = (chunk: number) => `chunk-${chunk}`;

/** What a chunk on the queue carries: the task with `${DATA}` paths, and its sample range. */
export interface ChunkData {
  readonly job: string;
  readonly chunk: number;
  readonly task: Record<string, unknown> & { readonly kind: 'explain' | 'benchmark' | 'analysis' };
  readonly range?: { readonly start: number; readonly end: number };
}
