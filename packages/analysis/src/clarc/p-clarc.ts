/**
 * Projective ClArC (Anders et al. 2022): at inference, move every activation at the concept's layer
 * onto the reference along the artefact direction, h' = h − v (vᵀ(h − z)), so the artefact no longer
 * changes what follows; no training. The projection is affine, so it is inserted as an ordinary Dense
 * layer (kernel I − v vᵀ, bias v vᵀ z): the result is a plain Layers model that every method of core
 * explains (LRP's rules treat it like any dense layer).
 */
import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError, XaiModel } from '@xai/core';
import type { ConceptDirection } from './cav.js';

/**
 * A copy of a sequential model (sharing its weights) with the projection after `cav.layer`. The layer
 * must output one vector per sample (Dense, Flatten, pooling to a vector).
 */
export function projectiveClarc(model: XaiModel, cav: ConceptDirection): XaiModel {
  const source = model.layersModel;
  if (!(source instanceof tf.Sequential)) throw new InvalidArgumentError(`P-ClArC: '${source.name}' is not a Sequential model; only sequential models can be rewritten so far`);
  const index = source.layers.findIndex((l) => l.name === cav.layer);
  if (index < 0) throw new InvalidArgumentError(`P-ClArC: no layer '${cav.layer}' in '${source.name}'; layers are ${source.layers.map((l) => l.name).join(', ')}`);
  const shape = source.layers[index]!.outputShape as (number | null)[];
  const d = cav.direction.length;
  if (shape.length !== 2 || shape[1] !== d) {
    throw new InvalidArgumentError(`P-ClArC: layer '${cav.layer}' outputs [${shape}]; the projection needs a vector of ${d} values per sample (pick a Dense or Flatten layer)`);
  }
  const v = cav.direction;
  const vz = v.reduce((a, vi, k) => a + vi * cav.reference[k]!, 0);
  const kernel = new Float32Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) kernel[i * d + j] = (i === j ? 1 : 0) - v[i]! * v[j]!;
  const bias = Float32Array.from(v, (vi) => vi * vz);
  const projection = tf.layers.dense({
    name: `${cav.layer}_pclarc`,
    units: d,
    useBias: true,
    weights: [tf.tensor2d(kernel, [d, d]), tf.tensor1d(bias)],
  });
  const layers = [...source.layers.slice(0, index + 1), projection, ...source.layers.slice(index + 1)];
  const input = tf.input({ shape: (source.inputs[0]!.shape as (number | null)[]).slice(1) as number[] });
  let x: tf.SymbolicTensor = input;
  for (const l of layers) x = l.apply(x) as tf.SymbolicTensor;
  const rewritten = tf.model({ inputs: input, outputs: x, name: `${source.name}_pclarc` });
  return XaiModel.fromLayersModel(rewritten, {}, `${model.label ?? source.name} (P-ClArC at ${cav.layer})`);
}
