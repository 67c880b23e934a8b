/**
 * The fuzz worker: parses the inputs it is sent, one at a time, and answers how each went — ok,
 * a typed error (XaiError), or anything else — with its duration and how much the heap, external
 * and ArrayBuffer memory grew during the parse (garbage included: nothing is collected between the
 * two readings on purpose, so an allocation that was made and dropped still counts).
 */
import { parentPort } from 'node:worker_threads';
import { XaiError } from '@xai/core';
import * as tf from '@tensorflow/tfjs';
import { parseWith, type FuzzFile, type TargetName } from './targets.js';

export interface FuzzRequest {
  readonly id: number;
  readonly target: TargetName;
  readonly files: FuzzFile[];
}

export interface FuzzReply {
  readonly id: number;
  readonly outcome: 'ok' | 'typed' | 'other';
  readonly error?: string;
  readonly ms: number;
  /** Growth of heapUsed + external (which includes ArrayBuffers) during the parse, in MB. */
  readonly grewMb: number;
  /** Tensors left behind by the parse (a leak when > 0). */
  readonly tensorsLeft: number;
}

const port = parentPort!;
port.on('message', async (req: FuzzRequest) => {
  const before = process.memoryUsage();
  const tensors = tf.memory().numTensors;
  const t0 = performance.now();
  let outcome: FuzzReply['outcome'] = 'ok';
  let error: string | undefined;
  try {
    await parseWith(req.target, req.files);
  } catch (err) {
    outcome = err instanceof XaiError ? 'typed' : 'other';
    const e = err as Error;
    error = outcome === 'typed' ? `${e.name}: ${e.message.slice(0, 300)}` : `${e?.name}: ${String(e?.message).slice(0, 300)}\n${String(e?.stack).split('\n').slice(1, 6).join('\n')}`;
  }
  const ms = performance.now() - t0;
  const after = process.memoryUsage();
  const grewMb = (after.heapUsed + after.external - before.heapUsed - before.external) / 2 ** 20;
  const reply: FuzzReply = { id: req.id, outcome, error, ms, grewMb, tensorsLeft: tf.memory().numTensors - tensors };
  port.postMessage(reply);
});
port.postMessage('ready');
