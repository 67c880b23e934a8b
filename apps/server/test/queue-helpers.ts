import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';

/** A free TCP port on 127.0.0.1 (asked of the kernel, then released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export async function until<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 90_000, everyMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/**
 * A real redis-server (Debian's) on a free port with its own folder; append-only file on, so a
 * stop (SIGTERM) and start again keeps the queues, as a production Redis with persistence does.
 */
export class TestRedis {
  private child: ChildProcess | null = null;
  readonly dir = mkdtempSync(join(tmpdir(), 'xai-redis-'));

  private constructor(readonly port: number) {}

  static async start(): Promise<TestRedis> {
    const redis = new TestRedis(await freePort());
    await redis.restart();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async restart(): Promise<void> {
    this.child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', '', '--protected-mode', 'no'], { stdio: 'ignore' });
    const client = new Redis({ port: this.port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on('error', () => undefined); // refused until it listens
    try {
      await until('redis-server to answer', async () => {
        try {
          if (client.status !== 'ready') await client.connect();
          return (await client.ping()) === 'PONG';
        } catch {
          client.disconnect();
          return false;
        }
      }, 30_000, 100);
    } finally {
      client.disconnect();
    }
  }

  /** Stops it the way a service manager does (SIGTERM: the append-only file is flushed). */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null) return;
    await new Promise((resolve) => {
      child.once('exit', resolve);
      child.kill('SIGTERM');
    });
  }

  async close(): Promise<void> {
    await this.stop();
    await rm(this.dir, { recursive: true, force: true });
  }
}

const CLI = fileURLToPath(new URL('../../cli/dist/xai.js', import.meta.url));

/** A real `xai worker` process from the built CLI; its output lines are kept. */
export class TestWorker {
  readonly lines: string[] = [];
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;

  constructor(redisUrl: string, dataDir: string, env: Record<string, string> = {}) {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build the CLI first (npx nx run @xai/cli:build)`);
    this.child = spawn(process.execPath, [CLI, 'worker', '--redis', redisUrl, '--data-dir', dataDir], {
      env: { ...process.env, XAI_QUEUE_LOCK_MS: '10000', XAI_QUEUE_STALLED_MS: '3000', ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let buffer = '';
    this.child.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const parts = buffer.split('\n');
      buffer = parts.pop()!;
      this.lines.push(...parts);
    });
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  get pid(): number {
    return this.child.pid!;
  }

  ready(): Promise<boolean> {
    return until(`worker ${this.pid} to be ready`, () => this.lines.some((l) => l.includes(' ready: ')), 60_000);
  }

  /** Chunk ids this worker finished (`done`). */
  done(): string[] {
    return this.lines.map((l) => / chunk (\S+) done$/.exec(l)?.[1]).filter((x): x is string => !!x);
  }

  started(): string[] {
    return this.lines.map((l) => / chunk (\S+) started/.exec(l)?.[1]).filter((x): x is string => !!x);
  }

  kill(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.exited;
  }
}
