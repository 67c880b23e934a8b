/**
 * Augmentative ClArC (Anders et al. 2022): fine-tune the part of the model after the concept's layer
 * on activations where the artefact has been added to samples of every class, so the artefact stops
 * being evidence for any one class. The artefact is added in activation space: h' = h + v (t − vᵀh),
 * t = vᵀ(mean activation of the artefact samples), i.e. each chosen sample is moved to where
 * artefact samples sit along v. The layers up to the concept's layer are kept (shared, not trained).
 */
import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError, mulberry32, XaiModel } from '@xai/core';
import { activationsAt, type ConceptDirection } from './cav.js';

export interface AugmentativeClarcOptions {
  /** Share of the training samples that get the artefact (default 0.5), drawn with `seed`. */
  readonly share?: number;
  readonly epochs?: number;
  readonly batchSize?: number;
  readonly learningRate?: number;
  readonly seed?: number;
  readonly onEpoch?: (epoch: number, loss: number) => void;
}

/**
 * A copy of a sequential classifier (logits output) whose layers after `cav.layer` are fine-tuned
 * with the artefact added to a share of `images` (a batch tensor) of every class; `labels` are their classes.
 */
export async function augmentativeClarc(model: XaiModel, cav: ConceptDirection, images: tf.Tensor, labels: ArrayLike<number>, options: AugmentativeClarcOptions = {}): Promise<XaiModel> {
  const source = model.layersModel;
  if (!(source instanceof tf.Sequential)) throw new InvalidArgumentError(`A-ClArC: '${source.name}' is not a Sequential model`);
  const index = source.layers.findIndex((l) => l.name === cav.layer);
  if (index < 0) throw new InvalidArgumentError(`A-ClArC: no layer '${cav.layer}' in '${source.name}'; layers are ${source.layers.map((l) => l.name).join(', ')}`);
  if (index === source.layers.length - 1) throw new InvalidArgumentError(`A-ClArC: '${cav.layer}' is the last layer; nothing after it to fine-tune`);
  const n = images.shape[0]!;
  if (labels.length !== n) throw new InvalidArgumentError(`A-ClArC: ${labels.length} labels for ${n} images`);
  const classes = (source.outputs[0]!.shape as number[])[1]!;

  // activations with the artefact added to a seeded share of the samples
  const rows = activationsAt(model, images, cav.layer);
  const d = rows[0]!.length;
  if (d !== cav.direction.length) throw new InvalidArgumentError(`A-ClArC: layer '${cav.layer}' has ${d} values per sample, the direction ${cav.direction.length}`);
  const v = cav.direction;
  const t = v.reduce((a, vi, k) => a + vi * cav.reference[k]!, 0) + cav.separation;
  const rand = mulberry32(options.seed ?? 0);
  const share = options.share ?? 0.5;
  const h = new Float32Array(n * d);
  rows.forEach((r, i) => {
    h.set(r, i * d);
    if (rand() >= share) return;
    const shift = t - r.reduce((a, x, k) => a + x * v[k]!, 0);
    for (let k = 0; k < d; k++) h[i * d + k]! += shift * v[k]!;
  });

  // a trainable copy of the head
  const head = source.layers.slice(index + 1).map((l) => {
    // a fresh layer of the same class and configuration (tfjs' own deserialisation path)
    const cls = l.constructor as unknown as tf.serialization.SerializableConstructor<tf.layers.Layer> & {
      fromConfig(c: tf.serialization.SerializableConstructor<tf.layers.Layer>, config: tf.serialization.ConfigDict): tf.layers.Layer;
    };
    const copy = cls.fromConfig(cls, { ...l.getConfig(), name: `${l.name}_aclarc` });
    return { copy, weights: l.getWeights() };
  });
  const headInput = tf.input({ shape: [d] });
  let y: tf.SymbolicTensor = headInput;
  for (const { copy } of head) y = copy.apply(y) as tf.SymbolicTensor;
  const headModel = tf.model({ inputs: headInput, outputs: y });
  for (const { copy, weights } of head) copy.setWeights(weights);

  const optimizer = tf.train.adam(options.learningRate ?? 1e-3);
  const batchSize = options.batchSize ?? 32;
  const order = Array.from({ length: n }, (_, i) => i);
  const hx = tf.tensor2d(h, [n, d]);
  const hy = tf.oneHot(tf.tensor1d(Array.from(labels), 'int32'), classes).toFloat();
  try {
    for (let epoch = 0; epoch < (options.epochs ?? 3); epoch++) {
      for (let i = n - 1; i > 0; i--) {
        const j = Math.floor(rand() * (i + 1));
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      let total = 0;
      for (let at = 0; at < n; at += batchSize) {
        const idx = tf.tensor1d(order.slice(at, at + batchSize), 'int32');
        const loss = optimizer.minimize(() => {
          const xb = tf.gather(hx, idx);
          const yb = tf.gather(hy, idx);
          return tf.losses.softmaxCrossEntropy(yb, headModel.apply(xb, { training: true }) as tf.Tensor) as tf.Scalar;
        }, true);
        total += loss!.dataSync()[0]! * idx.shape[0];
        loss!.dispose();
        idx.dispose();
      }
      options.onEpoch?.(epoch, total / n);
    }
  } finally {
    hx.dispose();
    hy.dispose();
    optimizer.dispose();
  }

  // base layers (shared with the source) + the fine-tuned head
  const input = tf.input({ shape: (source.inputs[0]!.shape as (number | null)[]).slice(1) as number[] });
  let x: tf.SymbolicTensor = input;
  for (const l of source.layers.slice(0, index + 1)) x = l.apply(x) as tf.SymbolicTensor;
  for (const { copy } of head) x = copy.apply(x) as tf.SymbolicTensor;
  return XaiModel.fromLayersModel(tf.model({ inputs: input, outputs: x, name: `${source.name}_aclarc` }), {}, `${model.label ?? source.name} (A-ClArC at ${cav.layer})`);
}
