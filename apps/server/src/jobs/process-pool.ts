import { fork, type ChildProcess } from 'node:child_process';
import type { MessagePort } from 'node:worker_threads';
import type { Outcome, WorkerTask } from '../worker/task-types.js';
import type { HostReply, HostRequest } from '../worker/process-host.js';

/** How a pool's worker ended while it ran a task: out of memory, a crash, or stopped on request. */
export class WorkerLostError extends Error {
  constructor(
    message: string,
    readonly reason: 'memory' | 'crash' | 'aborted',
  ) {
    super(message);
    this.name = reason === 'aborted' ? 'AbortError' : 'WorkerLostError';
  }
}

export interface ProcessPoolOptions {
  /** The worker entry (process-host.js, or the tsx entry from sources). */
  readonly filename: string;
  readonly size: number;
  /** V8 heap of each worker process, MB (`--max-old-space-size`). */
  readonly memoryMb: number;
  /** A worker idle this long is ended (a tfjs backend and cached models hold memory). */
  readonly idleTimeoutMs: number;
  readonly env?: NodeJS.ProcessEnv;
}

interface Queued {
  readonly task: WorkerTask;
  readonly signal?: AbortSignal;
  resolve(outcome: Outcome<unknown>): void;
  reject(err: Error): void;
  onAbort?: () => void;
}

interface Running extends Queued {
  readonly id: number;
  /** The task's port on the server side (progress and cancel are relayed through it). */
  readonly port?: MessagePort;
}

interface Slot {
  readonly child: ChildProcess;
  current: Running | null;
  idleTimer?: NodeJS.Timeout;
  /** Set when the worker is being ended on purpose (retired, aborted, idle, closing). */
  ending: boolean;
  /** The end of its stderr: why it died (V8 prints "heap out of memory" before aborting). */
  stderr: string;
}

const OOM = /heap out of memory|Allocation failed|out of memory/i;

/**
 * Worker processes that run one task at a time each. Processes, not threads: V8 can abort the
 * whole process when a thread's heap runs out (a `resourceLimits` worker is not always stopped
 * cleanly), and a process has its own WebAssembly memory. A worker that runs out of memory or
 * crashes fails only its own task, with the reason, and is replaced; one whose task reports its
 * WebAssembly memory as corrupted (`retire`) is ended before it gets another task.
 */
export class ProcessPool {
  private readonly slots = new Set<Slot>();
  private readonly queue: Queued[] = [];
  private nextId = 1;
  private closed = false;

  constructor(private readonly options: ProcessPoolOptions) {}

  /** Runs a task; rejects with WorkerLostError when its worker dies or `signal` aborts it. */
  run(task: WorkerTask, opts: { signal?: AbortSignal } = {}): Promise<Outcome<unknown>> {
    if (this.closed) return Promise.reject(new Error('the worker pool is closed'));
    return new Promise((resolve, reject) => {
      if (opts.signal?.aborted) return reject(new WorkerLostError('cancelled before it started', 'aborted'));
      const entry: Queued = { task, signal: opts.signal, resolve, reject };
      entry.onAbort = () => this.abort(entry);
      opts.signal?.addEventListener('abort', entry.onAbort, { once: true });
      this.queue.push(entry);
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const entry of this.queue.splice(0)) this.settle(entry, new Error('the server is shutting down'));
    await Promise.all([...this.slots].map((slot) => this.end(slot)));
  }

  private dispatch(): void {
    while (this.queue.length > 0 && !this.closed) {
      let slot = [...this.slots].find((s) => !s.current && !s.ending);
      if (!slot) {
        if (this.slots.size >= this.options.size) return;
        slot = this.spawn();
      }
      const entry = this.queue.shift()!;
      clearTimeout(slot.idleTimer);
      const id = this.nextId++;
      const port = 'port' in entry.task ? (entry.task.port as MessagePort) : undefined;
      const child = slot.child;
      port?.on('message', (message: unknown) => this.send(child, { type: 'control', id, message }));
      slot.current = { ...entry, id, port };
      const { port: _omitted, ...plain } = entry.task as WorkerTask & { port?: MessagePort };
      this.send(child, { type: 'run', id, task: plain as WorkerTask });
    }
  }

  private send(child: ChildProcess, request: HostRequest): void {
    if (child.connected) child.send(request, (err) => err && child.kill('SIGKILL'));
  }

  private spawn(): Slot {
    const child = fork(this.options.filename, [], {
      env: this.options.env,
      execArgv: [`--max-old-space-size=${this.options.memoryMb}`],
      serialization: 'advanced', // typed arrays and Maps cross as they are
      stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
    });
    const slot: Slot = { child, current: null, ending: false, stderr: '' };
    this.slots.add(slot);
    child.stderr!.on('data', (chunk: Buffer) => {
      process.stderr.write(chunk);
      slot.stderr = (slot.stderr + chunk.toString()).slice(-4096);
    });
    child.on('message', (reply: HostReply) => {
      const entry = slot.current;
      if (!entry || reply.id !== entry.id) return;
      if (reply.type === 'event') {
        entry.port?.postMessage(reply.event);
        return;
      }
      slot.current = null;
      this.settle(entry, null, reply.outcome);
      if (reply.retire) void this.end(slot);
      else this.idle(slot);
      this.dispatch();
    });
    child.on('error', () => undefined); // 'exit' follows and says what happened
    child.on('exit', (code, signal) => {
      this.slots.delete(slot);
      clearTimeout(slot.idleTimer);
      const entry = slot.current;
      slot.current = null;
      if (entry) {
        const how = signal ? `signal ${signal}` : `code ${code}`;
        const err = slot.ending
          ? new WorkerLostError('stopped on request', 'aborted')
          : OOM.test(slot.stderr)
            ? new WorkerLostError(`the worker ran out of memory (its JavaScript heap is limited to ${this.options.memoryMb} MB, XAI_WORKER_MEMORY_MB) and was replaced`, 'memory')
            : new WorkerLostError(`the worker process ended (${how}) and was replaced${slot.stderr ? `: ${lastLine(slot.stderr)}` : ''}`, 'crash');
        this.settle(entry, err);
      }
      this.dispatch();
    });
    return slot;
  }

  private idle(slot: Slot): void {
    clearTimeout(slot.idleTimer);
    slot.idleTimer = setTimeout(() => void this.end(slot), this.options.idleTimeoutMs);
    slot.idleTimer.unref();
  }

  private async end(slot: Slot): Promise<void> {
    slot.ending = true;
    clearTimeout(slot.idleTimer);
    if (slot.child.exitCode !== null || slot.child.signalCode !== null) return;
    const exited = new Promise((resolve) => slot.child.once('exit', resolve));
    slot.child.kill('SIGKILL');
    await exited;
  }

  private abort(entry: Queued): void {
    const queued = this.queue.indexOf(entry);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      this.settle(entry, new WorkerLostError('cancelled before it started', 'aborted'));
      return;
    }
    const slot = [...this.slots].find((s) => s.current?.resolve === entry.resolve);
    if (slot) void this.end(slot); // its exit settles the task
  }

  private settle(entry: Queued | Running, err: Error | null, outcome?: Outcome<unknown>): void {
    if (entry.onAbort) entry.signal?.removeEventListener('abort', entry.onAbort);
    if ('port' in entry) entry.port?.close();
    if (err) entry.reject(err);
    else entry.resolve(outcome!);
  }
}

const lastLine = (text: string) => text.trim().split('\n').filter(Boolean).at(-1)?.slice(0, 300) ?? '';
