/**
 * The artefact direction of ClArC (Anders et al. 2022): a concept activation vector at one layer,
 * the difference of the mean activation of the artefact samples (e.g. a SpRAy cluster) and the
 * mean of the rest, and the rest's mean as the reference point to project onto.
 */
import * as tf from '@tensorflow/tfjs';
import { activationAt, InvalidArgumentError, type XaiModel } from '@xai/core';

export interface ConceptDirection {
  /** Layer (or node) name whose output the direction lives in. */
  readonly layer: string;
  /** Unit vector, as long as one sample's activation (flattened). */
  readonly direction: Float32Array;
  /** Mean activation of the samples without the artefact. */
  readonly reference: Float32Array;
  /** |mean(artefact) − mean(rest)| before normalisation. */
  readonly separation: number;
}

/** The node name of a layer's output (a layer name maps to its last node, e.g. after a fused activation). */
export function outputNodeOf(model: XaiModel, layer: string): string {
  const ofLayer = model.graph.nodes.filter((n) => n.layerName === layer);
  if (ofLayer.length > 0) return ofLayer[ofLayer.length - 1]!.name;
  if (model.graph.nodes.some((n) => n.name === layer)) return layer;
  throw new InvalidArgumentError(`no layer or node named '${layer}'; layers are ${[...new Set(model.graph.nodes.map((n) => n.layerName))].join(', ')}`);
}

/** Flattened activations at `layer` for a batch, in chunks of `batchSize`. */
export function activationsAt(model: XaiModel, inputs: tf.Tensor, layer: string, batchSize = 128): Float32Array[] {
  const node = outputNodeOf(model, layer);
  const n = inputs.shape[0]!;
  const rows: Float32Array[] = [];
  for (let at = 0; at < n; at += batchSize) {
    const size = Math.min(batchSize, n - at);
    const a = tf.tidy(() => activationAt(model, inputs.slice(at, size), node));
    const flat = a.dataSync() as Float32Array;
    const d = flat.length / size;
    for (let i = 0; i < size; i++) rows.push(flat.slice(i * d, (i + 1) * d));
    a.dispose();
  }
  return rows;
}

/** Difference-of-means concept direction at `layer`: samples flagged 1 carry the artefact. */
export function conceptDirection(model: XaiModel, inputs: tf.Tensor, flagged: ArrayLike<number>, layer: string): ConceptDirection {
  const n = inputs.shape[0]!;
  if (flagged.length !== n) throw new InvalidArgumentError(`conceptDirection: ${flagged.length} flags for ${n} inputs`);
  const rows = activationsAt(model, inputs, layer);
  const d = rows[0]!.length;
  const mean = (keep: (i: number) => boolean) => {
    const m = new Float64Array(d);
    let count = 0;
    rows.forEach((r, i) => {
      if (!keep(i)) return;
      count++;
      for (let k = 0; k < d; k++) m[k]! += r[k]!;
    });
    if (count === 0) throw new InvalidArgumentError(`conceptDirection: no ${keep === isArtefact ? 'flagged' : 'unflagged'} sample; both groups are needed`);
    return m.map((v) => v / count);
  };
  const isArtefact = (i: number) => Boolean(flagged[i]);
  const artefact = mean(isArtefact);
  const rest = mean((i) => !flagged[i]);
  const diff = artefact.map((v, k) => v - rest[k]!);
  const separation = Math.hypot(...diff);
  if (separation === 0) throw new InvalidArgumentError(`conceptDirection: the two groups have the same mean activation at '${layer}'`);
  return { layer, direction: Float32Array.from(diff, (v) => v / separation), reference: Float32Array.from(rest), separation };
}
