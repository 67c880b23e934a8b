import * as tf from '@tensorflow/tfjs';
import { XaiModel } from '@xai/core';

/** A fresh copy of a LayersModel: same topology (via its JSON) and same weight values. */
export async function cloneLayersModel(source: tf.LayersModel): Promise<tf.LayersModel> {
  const topology = source.toJSON(undefined, false) as unknown as tf.io.ModelJSON['modelTopology'];
  const clone = (await tf.models.modelFromJSON({ modelTopology: topology } as tf.io.ModelJSON)) as tf.LayersModel;
  clone.setWeights(source.getWeights());
  return clone;
}

/**
 * A copy of `model` with `edit` applied to its LayersModel before the engine's graph is built.
 * The caller owns the result (dispose it). `edit` may set weights; tensors it creates are its own.
 */
export async function editedModel(model: XaiModel, edit: (clone: tf.LayersModel) => void): Promise<XaiModel> {
  const clone = await cloneLayersModel(model.layersModel);
  try {
    edit(clone);
    return XaiModel.fromLayersModel(clone, {}, `${model.label} (edited)`);
  } catch (err) {
    clone.dispose();
    throw err;
  }
}

/** Sets one layer's weights from plain arrays (same shapes as now), disposing the temporaries. */
export function setLayerWeights(layer: tf.layers.Layer, values: readonly Float32Array[]): void {
  const current = layer.getWeights();
  const tensors = current.map((w, i) => tf.tensor(values[i]!, w.shape, 'float32'));
  try {
    layer.setWeights(tensors);
  } finally {
    tf.dispose(tensors);
  }
}

/** A layer's weights as plain arrays (the tensors stay the layer's). */
export function layerWeightValues(layer: tf.layers.Layer): { values: Float32Array[]; shapes: number[][] } {
  const ws = layer.getWeights();
  return { values: ws.map((w) => Float32Array.from(w.dataSync() as Float32Array)), shapes: ws.map((w) => [...w.shape]) };
}
