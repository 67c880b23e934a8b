/**
 * Worker thread of the engine: computes rule denominators z = forward(x, W', b') while the main
 * thread carries on with the forward pass (they depend on the forward activations only), and
 * during the backward pass some input channels of each large transposed convolution.
 */
import { parentPort } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../backend.js';
import { createLinearOp, type LinearOp } from '../../graph/linear-op.js';
import type { FromWorker, ToWorker } from './protocol.js';

const ops = new Map<string, { op: LinearOp; opUid: number }>();
let results: MessagePort | null = null;
let signal: Int32Array | null = null;
const queue: ToWorker[] = [];
let ready: Promise<unknown> | null = null;

function reply(message: FromWorker, transfer: ArrayBuffer[] = []): void {
  results!.postMessage(message, transfer);
  Atomics.add(signal!, 0, 1);
  Atomics.notify(signal!, 0);
}

function handle(msg: ToWorker): void {
  switch (msg.type) {
    case 'params': {
      const kernel = tf.tensor(msg.kernel.data, msg.kernel.shape);
      const bias = msg.bias ? tf.tensor(msg.bias.data, msg.bias.shape) : null;
      ops.get(msg.key)?.op.dispose();
      ops.set(msg.key, { op: createLinearOp(msg.spec, kernel, bias), opUid: msg.opUid });
      return;
    }
    case 'forward': {
      try {
        const entry = ops.get(msg.key);
        if (!entry) throw new Error(`no parameters for '${msg.key}'`);
        // dataSync outside tidy: tidy walks its return value, and a typed array is millions of items.
        const z = tf.tidy(() => entry.op.forward(tf.tensor(msg.x.data, msg.x.shape), entry.op.kernel, entry.op.bias));
        const data = { data: z.dataSync() as Float32Array, shape: z.shape };
        z.dispose();
        reply({ job: msg.job, z: data }, [data.data.buffer as ArrayBuffer]);
      } catch (err) {
        reply({ job: msg.job, error: (err as Error).message });
      }
      return;
    }
    case 'backward': {
      try {
        const entry = ops.get(msg.key);
        if (!entry) throw new Error(`no parameters for '${msg.key}'`);
        const c = tf.tidy(() => entry.op.backward(tf.tensor(msg.s.data, msg.s.shape), entry.op.kernel, msg.inputShape));
        const data = { data: c.dataSync() as Float32Array, shape: c.shape };
        c.dispose();
        reply({ job: msg.job, z: data }, [data.data.buffer as ArrayBuffer]);
      } catch (err) {
        reply({ job: msg.job, error: (err as Error).message });
      }
      return;
    }
    case 'release':
      for (const [key, entry] of ops) {
        if (entry.opUid === msg.opUid) {
          entry.op.dispose();
          ops.delete(key);
        }
      }
      return;
    case 'init':
      return;
  }
}

parentPort!.on('message', (msg: ToWorker) => {
  if (msg.type === 'init') {
    results = msg.port as unknown as MessagePort;
    signal = new Int32Array(msg.signal);
    ready = initBackend(msg.backend).then(
      () => {
        parentPort!.postMessage({ ready: true });
        queue.splice(0).forEach(handle);
      },
      (err: Error) => parentPort!.postMessage({ ready: false, error: err.message }),
    );
    return;
  }
  if (ready === null) queue.push(msg);
  else void ready.then(() => handle(msg));
});
