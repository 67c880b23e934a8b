/**
 * The tfjs executor with a second thread: rule denominators that depend on the forward pass only
 * (z₊ = x(W+γW⁺) + b' …) are sent to a worker thread as soon as the forward pass has produced each
 * linear node's input, and the backward pass shares large transposed convolutions with it (the
 * worker computes the upper half of the input channels). Results are those of the local executor.
 */
import * as tf from '@tensorflow/tfjs';
import { ConvOp, type LinearOp, type ParamModifier } from '../../graph/linear-op.js';
import * as ops from '../../ops/ops.js';
import { inputDenominators } from '../../rules/basic-rule.js';
import type { LinearMap, LinearRule } from '../../rules/rule.js';
import type { LinearExecutor } from '../linear-executor.js';
import { DenominatorPool } from './denominator-pool.js';

/** Below this many multiply-adds a denominator is cheaper to compute than to ship to the worker. */
let minMultiplyAdds = 2e7;

/** Layers below this many multiply-adds stay on the main thread (tests lower it; Infinity disables). */
export function setPrefetchThreshold(macs: number): void {
  minMultiplyAdds = macs;
}

export const prefetchThreshold = (): number => minMultiplyAdds;

const denominatorKey = (params: ParamModifier, bias: ParamModifier | null) => `${params.key}|${bias?.key ?? 'none'}`;

/** The kernel's slice for input channels [from, to) (cached for cached kernels). */
function kernelChannels(op: LinearOp, kernel: tf.Tensor, from: number, to: number): tf.Tensor {
  const axis = kernel.rank - 2;
  return op.derivedKernel(kernel, `channels ${from}:${to}`, (k) =>
    tf.slice(k, k.shape.map((_, i) => (i === axis ? from : 0)), k.shape.map((d, i) => (i === axis ? to - from : d))),
  );
}

/** Part of a convolution's transpose: only input channels [from, to). */
function convBackwardChannels(op: ConvOp, s: tf.Tensor, kernel: tf.Tensor, inputShape: readonly number[], from: number, to: number): tf.Tensor {
  const flipped = op.derivedKernel(kernelChannels(op, kernel, from, to), 'transposed', ops.flipKernel);
  return ops.convTranspose(s, flipped, op.geometry, inputShape.slice(1, -1));
}

/** One explanation's executor while the worker runs. */
export class WorkerExecutor implements LinearExecutor {
  /** Per op: its input x and the jobs of the denominators sent ahead, by modifier key. */
  private readonly jobs = new Map<LinearOp, { x: tf.Tensor; byKey: Map<string, number> }>();

  private constructor(private readonly pool: DenominatorPool) {}

  /** An executor using the worker when it runs, else null. */
  static start(): WorkerExecutor | null {
    const pool = DenominatorPool.current();
    return pool ? new WorkerExecutor(pool) : null;
  }

  afterForward(op: LinearOp, x: tf.Tensor, z: tf.Tensor, rule: LinearRule, nonNegativeInput: boolean): void {
    const macs = z.size * (op.kernel.size / op.kernel.shape[op.kernel.rank - 1]!);
    if (macs < minMultiplyAdds) return;
    const byKey = new Map<string, number>();
    for (const d of inputDenominators(rule, nonNegativeInput)) {
      const job = this.pool.submit(op, d.params, d.bias, x);
      if (job !== null) byKey.set(denominatorKey(d.params, d.bias), job);
    }
    if (byKey.size > 0) this.jobs.set(op, { x, byKey });
  }

  map(op: LinearOp): LinearMap {
    return {
      inputChannelAxis: op.inputChannelAxis(),
      forward: (x, params, bias) => {
        const ahead = this.jobs.get(op);
        const key = denominatorKey(params, bias);
        const job = ahead && ahead.x === x ? ahead.byKey.get(key) : undefined;
        if (job !== undefined) {
          ahead!.byKey.delete(key);
          const z = this.pool.take(job);
          if (z) return z;
        }
        return op.forward(x, op.modifiedKernel(params), bias ? op.modifiedBias(bias) : null);
      },
      backward: (s, params, inputShape) => this.backward(op, s, op.modifiedKernel(params), inputShape),
    };
  }

  /** Wᵀs, shared with the worker for large convolutions with cached kernels. */
  private backward(op: LinearOp, s: tf.Tensor, kernel: tf.Tensor, inputShape: readonly number[]): tf.Tensor {
    const channels = inputShape[inputShape.length - 1]!;
    const macs = s.size * (kernel.size / kernel.shape[kernel.rank - 1]!);
    if (!(op instanceof ConvOp) || channels < 2 || macs < minMultiplyAdds || !op.isCached(kernel)) return op.backward(s, kernel, inputShape);
    const half = Math.floor(channels / 2);
    const job = this.pool.submitBackward(op, kernel, () => kernelChannels(op, kernel, half, channels), half, channels, s, inputShape);
    const lower = convBackwardChannels(op, s, kernel, inputShape, 0, half);
    const upper = (job !== null ? this.pool.take(job) : null) ?? convBackwardChannels(op, s, kernel, inputShape, half, channels);
    return tf.tidy(() => {
      const both = tf.concat([lower, upper], -1);
      lower.dispose();
      upper.dispose();
      return both;
    });
  }

  /** Drops results not taken (relevance never reached the node, or an error interrupted). */
  finish(): void {
    for (const { byKey } of this.jobs.values()) this.pool.forget(byKey.values());
    this.jobs.clear();
  }
}

/** Starts the worker thread that computes denominators in parallel (idempotent). */
export async function startWorkers(): Promise<void> {
  await DenominatorPool.shared();
}

/** Stops it (explanations then run on this thread only). */
export async function stopWorkers(): Promise<void> {
  await DenominatorPool.current()?.terminate();
}

/** Denominators sent to the worker, delivered, failed; time the main thread spent waiting (null: not running). */
export function workerStats(): { submitted: number; delivered: number; failed: number; waitedMs: number } | null {
  const pool = DenominatorPool.current();
  return pool ? { ...pool.stats } : null;
}
