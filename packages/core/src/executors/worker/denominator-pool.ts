import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../backend.js';
import { onLinearOpDispose, type LinearOp, type ParamModifier } from '../../graph/linear-op.js';
import { readView } from '../../ops/elementwise.js';
import { encodeOp, type OpDescription } from './op-codec.js';
import type { FromWorker, TensorData, ToWorker } from './protocol.js';

/** Process-unique ids of the ops whose parameters went to the worker. */
const opIds = new WeakMap<LinearOp, number>();
let nextOpId = 1;
const opId = (op: LinearOp): number => {
  let id = opIds.get(op);
  if (id === undefined) opIds.set(op, (id = nextOpId++));
  return id;
};

/** A worker that answers nothing for this long while work is pending is taken as dead. */
const STALL_LIMIT_MS = 30_000;

/** A copy of a tensor's values that can be transferred (never the backend's own buffer). */
const toData = (t: tf.Tensor): TensorData => ({ data: readView(t).slice(), shape: [...t.shape] });

/** The worker: the compiled .js next to this module, or (tsx, vitest) the .ts source loaded through tsx. */
function spawnWorker(): Worker {
  const self = new URL(import.meta.url);
  const options = { stdout: false, stderr: false };
  if (!self.pathname.endsWith('.ts')) return new Worker(new URL('./denominator-worker.js', self), options);
  const source = new URL('./denominator-worker.ts', self).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(source)}); });`;
  return new Worker(boot, { ...options, eval: true });
}

/**
 * A second thread that computes rule denominators during the forward pass. `submit` returns at
 * once; `take` blocks (Atomics.wait) until the result is there, so explanations stay synchronous.
 * If the worker fails, `take` returns null and the caller computes the denominator itself.
 */
export class DenominatorPool {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly signal = new Int32Array(new SharedArrayBuffer(4));
  private readonly results = new Map<number, FromWorker>();
  private readonly sent = new Set<string>();
  private readonly abandoned = new Set<number>();
  private nextJob = 1;
  /** Counters for tests and diagnostics. */
  readonly stats = { submitted: 0, delivered: 0, failed: 0, waitedMs: 0 };
  private broken: string | null = null;
  /** Resolves once the worker has its backend up (explanations block on it: it must be alive). */
  private readonly ready: Promise<void>;

  private constructor(backend: string) {
    this.worker = spawnWorker();
    this.worker.unref();
    this.ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the denominator worker did not start within 60 s')), 60_000);
      this.worker.once('message', (msg: { ready: boolean; error?: string }) => {
        clearTimeout(timer);
        if (msg.ready) resolve();
        else reject(new Error(`the denominator worker failed: ${msg.error}`));
      });
      this.worker.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
    this.worker.on('error', (err) => (this.broken = err.message));
    this.worker.on('exit', (code) => (this.broken ??= `worker exited with code ${code}`));
    const channel = new MessageChannel();
    this.port = channel.port1 as unknown as MessagePort;
    this.post({ type: 'init', backend: backend as never, signal: this.signal.buffer as SharedArrayBuffer, port: channel.port2 as never }, [channel.port2 as never]);
    onLinearOpDispose((op) => {
      const opUid = opIds.get(op);
      if (opUid === undefined) return;
      for (const key of [...this.sent]) if (key.startsWith(`${opUid}:`)) this.sent.delete(key);
      this.post({ type: 'release', opUid });
    });
  }

  private static instance: DenominatorPool | null = null;

  /** The process-wide pool, started on first use. */
  static async shared(): Promise<DenominatorPool> {
    const backend = await initBackend();
    if (DenominatorPool.instance?.broken) await DenominatorPool.instance.terminate();
    if (!DenominatorPool.instance) {
      const pool = new DenominatorPool(backend);
      try {
        await pool.ready;
      } catch (err) {
        await pool.worker.terminate();
        throw err;
      }
      DenominatorPool.instance = pool;
    }
    return DenominatorPool.instance;
  }

  /** The pool if it was already started (explanations are synchronous: they cannot start it). */
  static current(): DenominatorPool | null {
    return DenominatorPool.instance?.broken ? null : DenominatorPool.instance;
  }

  private post(message: ToWorker, transfer: Transferable[] = []): void {
    this.worker.postMessage(message, transfer as never);
  }

  /** Makes sure the worker holds an op described by `description` with these parameters under `key`. */
  private ensureParams(key: string, op: LinearOp, description: OpDescription, kernel: () => tf.Tensor, bias: () => tf.Tensor | null): void {
    if (this.sent.has(key)) return;
    const b = bias();
    this.post({ type: 'params', key, opUid: opId(op), op: description, kernel: toData(kernel()), bias: b ? toData(b) : null });
    this.sent.add(key);
  }

  private nextTicket(): number {
    this.stats.submitted++;
    return this.nextJob++;
  }

  /** Starts forward(x, W', b') in the worker; returns a ticket for `take` (null: the op cannot go there). */
  submit(op: LinearOp, params: ParamModifier, bias: ParamModifier | null, x: tf.Tensor): number | null {
    const description = encodeOp(op);
    if (!description) return null;
    const key = `${opId(op)}:${params.key}:${bias?.key ?? 'none'}`;
    this.ensureParams(key, op, description, () => op.modifiedKernel(params), () => (bias ? op.modifiedBias(bias) : null));
    const job = this.nextTicket();
    const data = toData(x);
    this.post({ type: 'forward', job, key, x: data }, [data.data.buffer]);
    return job;
  }

  /** Starts the transpose of s through `op` with a kernel slice (input channels [from, to) of a cached kernel). */
  submitBackward(op: LinearOp, kernel: tf.Tensor, slice: () => tf.Tensor, from: number, to: number, s: tf.Tensor, inputShape: readonly number[]): number | null {
    const description = encodeOp(op);
    if (!description) return null;
    const key = `${opId(op)}:kernel${kernel.id}:channels${from}-${to}`;
    this.ensureParams(key, op, description, slice, () => null);
    const job = this.nextTicket();
    const data = toData(s);
    this.post({ type: 'backward', job, key, s: data, inputShape: [...inputShape.slice(0, -1), to - from] }, [data.data.buffer]);
    return job;
  }

  /** The denominator of a submitted job, or null if the worker could not deliver it. */
  take(job: number): tf.Tensor | null {
    const started = performance.now();
    try {
      return this.receive(job);
    } finally {
      this.stats.waitedMs += performance.now() - started;
    }
  }

  private receive(job: number): tf.Tensor | null {
    let deadline = Date.now() + STALL_LIMIT_MS;
    let progress = Atomics.load(this.signal, 0);
    for (;;) {
      const seen = Atomics.load(this.signal, 0);
      if (seen !== progress) {
        progress = seen;
        deadline = Date.now() + STALL_LIMIT_MS;
      }
      for (let m = receiveMessageOnPort(this.port); m; m = receiveMessageOnPort(this.port)) {
        const msg = m.message as FromWorker;
        if (!this.abandoned.delete(msg.job)) this.results.set(msg.job, msg);
      }
      const result = this.results.get(job);
      if (result) {
        this.results.delete(job);
        if (!('z' in result)) {
          this.stats.failed++;
          return null;
        }
        this.stats.delivered++;
        return tf.tensor(result.z.data, result.z.shape);
      }
      if (this.broken || Date.now() > deadline) {
        this.broken ??= `no answer from the denominator worker for ${STALL_LIMIT_MS / 1000} s`;
        this.stats.failed++;
        return null;
      }
      Atomics.wait(this.signal, 0, seen, 100);
    }
  }

  /** Drops results nobody will take (an explanation that failed half-way). */
  forget(jobs: Iterable<number>): void {
    for (const job of jobs) if (!this.results.delete(job)) this.abandoned.add(job);
  }

  async terminate(): Promise<void> {
    DenominatorPool.instance = null;
    await this.worker.terminate();
  }
}
