/**
 * How important each convolution filter is, by three criteria (Yeom et al., "Pruning by explaining:
 * a novel criterion for deep neural network pruning", Pattern Recognition 2021):
 * - 'relevance': LRP relevance at the layer's output channels, summed over positions and over a
 *   reference set, each sample explained for its true label (seed one-hot × logit);
 * - 'taylor': |Σ_positions activation × gradient| / positions per sample, summed over the reference
 *   set, gradient of the true label's logit (Molchanov et al. 2017, as in Yeom et al.'s code);
 * - 'magnitude': the L1 norm of the filter's kernel (Li et al. 2017).
 * Scores are then normalised per layer (absolute value divided by the layer's L2 norm, as the
 * authors' code does), so filters of different layers can be ranked together.
 */
import * as tf from '@tensorflow/tfjs';
import { activationAt, InvalidArgumentError, logitSeed, oneHotSeed, propagate, type PropagateOptions, type XaiModel } from '@xai/core';
import { layerOutputNode } from '../neon/layer-output.js';
import { convLayers, filterL1Norms } from './conv-filters.js';

export const PRUNING_CRITERIA = ['relevance', 'taylor', 'magnitude'] as const;
export type PruningCriterion = (typeof PRUNING_CRITERIA)[number];

/** Samples the data-driven criteria are measured on (batch axis first) and their labels. */
export interface ReferenceSet {
  readonly inputs: tf.Tensor;
  readonly labels: readonly number[];
}

export interface LayerScores {
  readonly layer: string;
  readonly scores: Float64Array;
}

export interface ScoreOptions extends Pick<PropagateOptions, 'composite' | 'low' | 'high' | 'compositeOptions'> {
  /** Samples per propagation (default 32). */
  readonly batchSize?: number;
  /** Only these convolution layers (default all). */
  readonly layers?: readonly string[];
}

/** Sums `perBatch(batch inputs, batch labels)` (one Float64Array per layer) over the reference set. */
function overReference(reference: ReferenceSet, layers: readonly string[], batchSize: number, perBatch: (x: tf.Tensor, labels: number[]) => Float64Array[]): Float64Array[] {
  const n = reference.inputs.shape[0]!;
  if (reference.labels.length !== n) throw new InvalidArgumentError(`the reference set has ${n} inputs and ${reference.labels.length} labels`);
  let totals: Float64Array[] | null = null;
  for (let start = 0; start < n; start += batchSize) {
    const size = Math.min(batchSize, n - start);
    const x = reference.inputs.slice(start, size);
    try {
      const part = perBatch(x, reference.labels.slice(start, start + size));
      totals = totals ? totals.map((t, i) => t.map((v, j) => v + part[i]![j]!)) : part;
    } finally {
      x.dispose();
    }
  }
  return totals ?? layers.map(() => new Float64Array(0));
}

/** Per channel (last axis): Σ over batch and positions of f(values), with f applied per sample after summing positions when `perSample` is given. */
function channelSums(t: tf.Tensor, perSample?: (s: tf.Tensor) => tf.Tensor): Float64Array {
  const sums = tf.tidy(() => {
    const [batch, channels] = [t.shape[0]!, t.shape[t.rank - 1]!];
    const s = t.reshape([batch, -1, channels]);
    return (perSample ? perSample(s) : s.sum(1)).sum(0);
  });
  try {
    return Float64Array.from(sums.dataSync());
  } finally {
    sums.dispose();
  }
}

/** Raw (unnormalised) scores of every filter of the model's convolution layers under a criterion. */
export function filterScores(model: XaiModel, criterion: PruningCriterion, reference: ReferenceSet | null, options: ScoreOptions = {}): LayerScores[] {
  const layers = options.layers ?? convLayers(model.layersModel).map((c) => c.layer);
  const batchSize = options.batchSize ?? 32;
  const { composite, low, high, compositeOptions } = options;
  const lrpOptions = { ...(composite ? { composite } : {}), ...(low ? { low } : {}), ...(high ? { high } : {}), ...(compositeOptions ? { compositeOptions } : {}) };
  if (criterion === 'magnitude') return layers.map((layer) => ({ layer, scores: filterL1Norms(model.layersModel, layer) }));
  if (!reference) throw new InvalidArgumentError(`the '${criterion}' criterion needs a reference set`);
  let sums: Float64Array[];
  if (criterion === 'relevance') {
    sums = overReference(reference, layers, batchSize, (x, labels) => {
      const p = propagate(model, x, { ...lrpOptions, seed: logitSeed(labels), at: layers });
      try {
        return layers.map((l) => channelSums(p.nodeRelevance.get(l)!));
      } finally {
        p.dispose();
      }
    });
  } else if (criterion === 'taylor') {
    sums = overReference(reference, layers, batchSize, (x, labels) => {
      const p = propagate(model, x, { composite: 'gradient', seed: oneHotSeed(labels), at: layers });
      try {
        return layers.map((l) => {
          const a = activationAt(model, x, layerOutputNode(model, l));
          try {
            const ag = tf.mul(a, p.nodeRelevance.get(l)!);
            try {
              return channelSums(ag, (s) => tf.abs(s.mean(1)));
            } finally {
              ag.dispose();
            }
          } finally {
            a.dispose();
          }
        });
      } finally {
        p.dispose();
      }
    });
  } else throw new InvalidArgumentError(`unknown pruning criterion '${criterion as string}'; known: ${PRUNING_CRITERIA.join(', ')}`);
  return layers.map((layer, i) => ({ layer, scores: sums[i]! }));
}

/** Each layer's absolute scores divided by their L2 norm (a layer of zeros stays zero). */
export function normalisePerLayer(scores: readonly LayerScores[]): LayerScores[] {
  return scores.map(({ layer, scores: s }) => {
    const norm = Math.sqrt(s.reduce((a, v) => a + v * v, 0));
    return { layer, scores: s.map((v) => (norm > 0 ? Math.abs(v) / norm : 0)) };
  });
}
