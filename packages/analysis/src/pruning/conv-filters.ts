/** The convolution filters of a tfjs LayersModel: which there are, and zeroing them (structured pruning in place). */
import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError } from '@xai/core';

/** One output channel of a convolution layer. */
export interface FilterId {
  readonly layer: string;
  readonly filter: number;
}

const CONV_CLASSES = new Set(['Conv1D', 'Conv2D', 'Conv3D']);

/** The convolution layers (Conv1D/2D/3D) and their filter counts, in model order. */
export function convLayers(model: tf.LayersModel): { layer: string; filters: number }[] {
  return model.layers
    .filter((l) => CONV_CLASSES.has(l.getClassName()))
    .map((l) => ({ layer: l.name, filters: (l.getConfig() as { filters: number }).filters }));
}

function layerNamed(model: tf.LayersModel, name: string): tf.layers.Layer {
  const layer = model.layers.find((l) => l.name === name);
  if (!layer || !CONV_CLASSES.has(layer.getClassName())) {
    throw new InvalidArgumentError(`'${model.name}' has no convolution layer '${name}'; its convolutions are ${convLayers(model).map((c) => c.layer).join(', ') || 'none'}`);
  }
  return layer;
}

/** The BatchNormalization reading this layer's output, directly or through Activation layers; null if none. */
function batchNormAfter(layer: tf.layers.Layer): tf.layers.Layer | null {
  let current = layer;
  for (;;) {
    const readers = current.outboundNodes.map((n) => n.outboundLayer);
    if (readers.length !== 1) return null;
    const next = readers[0]!;
    if (next.getClassName() === 'BatchNormalization') return next;
    if (next.getClassName() !== 'Activation') return null;
    current = next;
  }
}

/** A copy of `w` with the entries of the given channels of the last axis set to zero. */
function zeroChannels(w: tf.Tensor, channels: readonly number[]): tf.Tensor {
  return tf.tidy(() => {
    const n = w.shape[w.rank - 1]!;
    const keep = Float32Array.from({ length: n }, (_, c) => (channels.includes(c) ? 0 : 1));
    return tf.mul(w, tf.tensor1d(keep));
  });
}

/**
 * Prunes filters of a convolution layer in place: their kernel slices and biases are set to zero,
 * so the channels output exactly zero (the architecture keeps its shape: a later export may drop
 * them). A BatchNormalization reading the layer gets γ = β = 0 on those channels, or it would turn
 * the zeros into the constant β − γ·mean/√(var+ε). Exact zeros need an activation with f(0) = 0.
 */
export function zeroFilters(model: tf.LayersModel, layer: string, filters: readonly number[]): void {
  const conv = layerNamed(model, layer);
  const count = (conv.getConfig() as { filters: number }).filters;
  for (const f of filters) if (!Number.isInteger(f) || f < 0 || f >= count) throw new InvalidArgumentError(`layer '${layer}' has ${count} filters; cannot prune filter ${f}`);
  const zeroIn = (target: tf.layers.Layer, which: (index: number, w: tf.Tensor) => boolean) => {
    const weights = target.getWeights();
    const edited = weights.map((w, i) => (which(i, w) ? zeroChannels(w, filters) : tf.clone(w)));
    try {
      target.setWeights(edited);
    } finally {
      tf.dispose(edited);
    }
  };
  zeroIn(conv, () => true); // kernel [..., in, out] and bias [out]: both end in the output channel
  const bn = batchNormAfter(conv);
  if (bn) {
    const names = bn.weights.map((v) => v.originalName.split('/').pop());
    zeroIn(bn, (i) => names[i] === 'gamma' || names[i] === 'beta');
  }
}

/** L1 norm of every filter's kernel (the weight-magnitude criterion), per convolution layer. */
export function filterL1Norms(model: tf.LayersModel, layer: string): Float64Array {
  const kernel = layerNamed(model, layer).getWeights()[0]!;
  const out = kernel.shape[kernel.rank - 1]!;
  const norms = tf.tidy(() => tf.abs(kernel).reshape([-1, out]).sum(0));
  try {
    return Float64Array.from(norms.dataSync());
  } finally {
    norms.dispose();
  }
}
