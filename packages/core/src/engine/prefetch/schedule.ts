import * as tf from '@tensorflow/tfjs';
import { ConvOp, type LinearOp } from '../../graph/linear-op.js';
import type { GraphNode } from '../../graph/node.js';
import { LinearNode } from '../../nodes/linear-node.js';
import type { LinearRule } from '../../rules/rule.js';
import { DenominatorPool } from './denominator-pool.js';

/** Below this many multiply-adds a denominator is cheaper to compute than to ship to the worker. */
let minMultiplyAdds = 2e7;

/** Layers below this many multiply-adds stay on the main thread (tests lower it; Infinity disables). */
export function setPrefetchThreshold(macs: number): void {
  minMultiplyAdds = macs;
}

export const prefetchThreshold = (): number => minMultiplyAdds;

/**
 * During one explanation: sends the denominators rules will need to the worker as soon as the
 * forward pass has produced each linear node's input, and hands them to the rules later.
 */
export class DenominatorSchedule {
  private readonly jobs = new Map<GraphNode, Map<number, number>>();

  private constructor(private readonly pool: DenominatorPool) {}

  /** A schedule when the worker pool runs, else null (everything computed in this thread). */
  static start(): DenominatorSchedule | null {
    const pool = DenominatorPool.current();
    return pool ? new DenominatorSchedule(pool) : null;
  }

  /** Called after the forward pass computed `node` (output z) from input x. */
  afterForward(node: GraphNode, x: tf.Tensor, z: tf.Tensor, rule: LinearRule, nonNegativeInput: boolean): void {
    if (!(node instanceof LinearNode) || !rule.prefetchable) return;
    const kernel = node.op.kernel;
    const macs = z.size * (kernel.size / kernel.shape[kernel.rank - 1]!);
    if (macs < minMultiplyAdds) return;
    const wanted = rule.prefetchable(nonNegativeInput);
    if (wanted.length === 0) return;
    this.jobs.set(node, new Map(wanted.map((d) => [d.group, this.pool.submit(node.op, d.params, d.bias, x)])));
  }

  /** The prefetched denominators of a node, by rule group (each taken at most once). */
  forNode(node: GraphNode): ReadonlyMap<number, () => tf.Tensor | null> | undefined {
    const jobs = this.jobs.get(node);
    if (!jobs) return undefined;
    return new Map([...jobs].map(([group, job]) => [group, () => {
      jobs.delete(group);
      return this.pool.take(job);
    }]));
  }

  /**
   * Wᵀs, shared with the worker for large convolutions with cached kernels: it computes the upper
   * half of the input channels while this thread computes the lower half.
   */
  backward(op: LinearOp, s: tf.Tensor, kernel: tf.Tensor, inputShape: readonly number[]): tf.Tensor {
    const channels = inputShape[inputShape.length - 1]!;
    const macs = s.size * (kernel.size / kernel.shape[kernel.rank - 1]!);
    if (!(op instanceof ConvOp) || channels < 2 || macs < minMultiplyAdds || !op.isCached(kernel)) return op.backward(s, kernel, inputShape);
    const half = Math.floor(channels / 2);
    const job = this.pool.submitBackward(op, kernel, half, channels, s, inputShape);
    const lower = op.backwardChannels(s, kernel, inputShape, 0, half);
    const upper = this.pool.take(job) ?? op.backwardChannels(s, kernel, inputShape, half, channels);
    return tf.tidy(() => {
      const both = tf.concat([lower, upper], -1);
      lower.dispose();
      upper.dispose();
      return both;
    });
  }

  /** Drops results not taken (relevance never reached the node, or an error interrupted). */
  finish(): void {
    for (const jobs of this.jobs.values()) this.pool.forget(jobs.values());
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
