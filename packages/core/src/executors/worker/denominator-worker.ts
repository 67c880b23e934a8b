/**
 * Worker thread of the engine: computes rule denominators z = forward(x, W', b') while the main
 * thread carries on with the forward pass (they depend on the forward activations only), and
 * during the backward pass some input channels of each large transposed convolution.
 */
import { parentPort } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../backend.js';
import type { LinearOp } from '../../graph/linear-op.js';
import { decodeOp } from './op-codec.js';
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

/** Runs one job on the op stored under `key` and replies with the result (or the error). */
function answer(job: number, key: string, compute: (op: LinearOp) => tf.Tensor): void {
  try {
    const entry = ops.get(key);
    if (!entry) throw new Error(`no parameters for '${key}'`);
    // dataSync outside tidy: tidy walks its return value, and a typed array is millions of items.
    const result = tf.tidy(() => compute(entry.op));
    const data = { data: result.dataSync() as Float32Array, shape: result.shape };
    result.dispose();
    reply({ job, z: data }, [data.data.buffer as ArrayBuffer]);
  } catch (err) {
    reply({ job, error: (err as Error).message });
  }
}

function handle(msg: ToWorker): void {
  switch (msg.type) {
    case 'params': {
      const kernel = tf.tensor(msg.kernel.data, msg.kernel.shape);
      const bias = msg.bias ? tf.tensor(msg.bias.data, msg.bias.shape) : null;
      ops.get(msg.key)?.op.dispose();
      ops.set(msg.key, { op: decodeOp(msg.op, kernel, bias), opUid: msg.opUid });
      return;
    }
    case 'forward':
      return answer(msg.job, msg.key, (op) => op.forward(tf.tensor(msg.x.data, msg.x.shape), op.kernel, op.bias));
    case 'backward':
      return answer(msg.job, msg.key, (op) => op.backward(tf.tensor(msg.s.data, msg.s.shape), op.kernel, msg.inputShape));
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
