/**
 * A model's forward pass on ONNX Runtime for batches of any size (perturbation methods: occluded
 * copies): one compiled session of a fixed batch, run chunk by chunk, the last chunk padded with
 * zeros so that no second graph is built for the remainder.
 */
import * as tf from '@tensorflow/tfjs';
import type { ModelGraph } from '../../graph/graph.js';
import type { ExecutionReport } from '../../engine/executor-choice.js';
import { planExplanation } from './compile-explanation.js';
import { loadOrt } from './load-ort.js';
import { notCompilable } from './not-compilable.js';
import { forwardOnOrt } from './run-explanation.js';
import { compiledSession, ortSessionStats } from './session-cache.js';

export interface OrtBatchedForward {
  /** Logits ([n, classes], the explained tensor) of a batch of n samples (engine layout). */
  run(x: tf.Tensor): Promise<tf.Tensor>;
  /** Executor 'ort', its provider, and whether opening built the session (and how long that took). */
  readonly execution: ExecutionReport;
}

/**
 * Compiles (or takes the cached) forward graph of `graph` up to tensor `from` for batches of
 * `chunk` samples of `sampleShape`. A NotCompilableError names what cannot run on ORT.
 */
export async function openOrtForward(graph: ModelGraph, from: number, sampleShape: readonly number[], chunk: number): Promise<OrtBatchedForward> {
  const inputShapes = [[chunk, ...sampleShape]];
  const before = ortSessionStats(graph).builds;
  const plan = planExplanation({ graph, inputShapes, from, ruleFor: () => notCompilable('rules in a forward pass'), seed: 'logit', forwardOnly: true });
  const compiled = await compiledSession(await loadOrt(), graph, plan.key, plan);
  const built = ortSessionStats(graph).builds !== before;
  const execution: ExecutionReport = { executor: 'ort', provider: compiled.provider, providerNote: compiled.providerNote, built, buildMs: compiled.buildMs };
  async function runChunk(x: tf.Tensor): Promise<tf.Tensor> {
    const n = x.shape[0]!;
    const padded = n === chunk ? x : tf.tidy(() => tf.concat([x, tf.zeros([chunk - n, ...sampleShape], x.dtype)]));
    try {
      // forwardOnOrt plans the same key: the session compiled above is taken from the cache
      const y = await forwardOnOrt({ graph, inputShapes, from, inputs: [padded] });
      if (n === chunk) return y;
      const kept = tf.slice(y, 0, n);
      y.dispose();
      return kept;
    } finally {
      if (padded !== x) padded.dispose();
    }
  }
  return {
    execution,
    async run(x) {
      const n = x.shape[0]!;
      if (n <= chunk) return runChunk(x);
      const parts: tf.Tensor[] = [];
      try {
        for (let from = 0; from < n; from += chunk) {
          const part = tf.slice(x, from, Math.min(chunk, n - from));
          try {
            parts.push(await runChunk(part));
          } finally {
            part.dispose();
          }
        }
        return tf.concat(parts);
      } finally {
        tf.dispose(parts);
      }
    },
  };
}
