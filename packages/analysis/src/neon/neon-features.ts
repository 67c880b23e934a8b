/**
 * NEON on a model's features: k-means on the activations of one layer, each cluster assignment
 * explained by NEON down to that layer and then by the engine's LRP (seeded there) down to the input.
 */
import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError, propagate, type PropagateOptions, type XaiModel } from '@xai/core';
import { kMeans, type KMeansResult } from './kmeans.js';
import { layerActivationRows } from './layer-output.js';
import { neon, neonBeta } from './neon.js';
import { NeuralizedKMeans } from './neuralized-kmeans.js';

export interface FeatureClusteringOptions {
  /** The layer (or node) whose output is clustered. */
  readonly layer: string;
  readonly k: number;
  readonly seed?: number;
  /** Samples per forward pass (default 64). */
  readonly batchSize?: number;
}

export interface FeatureClustering {
  readonly layer: string;
  /** The activation's shape for one sample (without batch axis). */
  readonly shape: readonly number[];
  readonly kmeans: KMeansResult;
  readonly network: NeuralizedKMeans;
  /** The soft-min stiffness for these data (see neonBeta). */
  readonly beta: number;
}

/** k-means (seeded k-means++) on the activations of `layer` for a batch of inputs. */
export function clusterFeatures(model: XaiModel, inputs: tf.Tensor, options: FeatureClusteringOptions): FeatureClustering {
  const { rows, shape } = layerActivationRows(model, inputs, options.layer, options.batchSize);
  const result = kMeans(rows, { k: options.k, seed: options.seed ?? 0 });
  const network = new NeuralizedKMeans(result.centroids);
  return { layer: options.layer, shape, kmeans: result, network, beta: neonBeta(network, rows) };
}

export interface FeatureNeonOptions extends Pick<PropagateOptions, 'composite' | 'rule' | 'low' | 'high' | 'compositeOptions'> {
  /** Soft-min stiffness; default the clustering's. */
  readonly beta?: number;
  /** The cluster explained, one or per sample; default each sample's own. */
  readonly cluster?: number | readonly number[];
  readonly batchSize?: number;
}

export interface FeatureNeonExplanation {
  /** Relevance shaped like the inputs (batch axis first). */
  readonly relevance: tf.Tensor;
  /** NEON relevance at the clustered layer, shaped like its activation (batch axis first). */
  readonly featureRelevance: tf.Tensor;
  readonly clusters: number[];
  /** f_c of every sample (equal to the sum of `featureRelevance`). */
  readonly logits: number[];
  dispose(): void;
}

/**
 * Why each input belongs to its cluster: NEON at the clustered layer, then LRP from that layer
 * (the engine's `propagate` seeded with the NEON relevance) to the input.
 */
export function explainFeatureClusters(model: XaiModel, inputs: tf.Tensor, clustering: FeatureClustering, options: FeatureNeonOptions = {}): FeatureNeonExplanation {
  const n = inputs.shape[0]!;
  const asked = options.cluster;
  if (Array.isArray(asked) && asked.length !== n) throw new InvalidArgumentError(`got ${asked.length} clusters for ${n} inputs`);
  const { rows } = layerActivationRows(model, inputs, clustering.layer, options.batchSize);
  const beta = options.beta ?? clustering.beta;
  const width = rows[0]!.length;
  const seeds = new Float32Array(n * width);
  const clusters: number[] = [];
  const logits: number[] = [];
  rows.forEach((x, i) => {
    const cluster = typeof asked === 'number' ? asked : (asked as readonly number[] | undefined)?.[i];
    const e = neon(clustering.network, x, { beta, ...(cluster === undefined ? {} : { cluster }) });
    seeds.set(e.relevance, i * width);
    clusters.push(e.cluster);
    logits.push(e.logit);
  });
  const featureRelevance = tf.tensor(seeds, [n, ...clustering.shape], 'float32');
  const batchSize = options.batchSize ?? 64;
  const parts: tf.Tensor[] = [];
  try {
    for (let start = 0; start < n; start += batchSize) {
      const size = Math.min(batchSize, n - start);
      const x = inputs.slice(start, size);
      const seed = featureRelevance.slice(start, size);
      try {
        const p = propagate(model, x, { ...options, from: clustering.layer, seed });
        parts.push(p.relevance);
        p.relevances.slice(1).forEach((t) => t.dispose());
        p.activation.dispose();
        p.nodeRelevance.forEach((t) => t.dispose());
      } finally {
        x.dispose();
        seed.dispose();
      }
    }
    const relevance = parts.length === 1 ? parts[0]! : tf.concat(parts, 0);
    if (parts.length > 1) tf.dispose(parts);
    return { relevance, featureRelevance, clusters, logits, dispose: () => (relevance.dispose(), featureRelevance.dispose()) };
  } catch (err) {
    tf.dispose(parts);
    featureRelevance.dispose();
    throw err;
  }
}
