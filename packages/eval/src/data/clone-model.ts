import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError, LinearNode, XaiModel, type GraphNode } from '@xai/core';

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
  if (model.format !== 'tfjs') throw new InvalidArgumentError(`'${model.label}' is an ONNX model: it has no tfjs LayersModel to edit (withLinearParams edits any model's graph)`);
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

/** New parameters for one linear node (tensors the caller made; the edited model takes them over). */
export interface LinearParams {
  readonly kernel: tf.Tensor;
  readonly bias: tf.Tensor | null;
}

/**
 * A copy of an ONNX `model` whose linear nodes get the parameters `params` returns (null:
 * unchanged): ONNX models have no LayersModel to clone, so the engine's graph is edited. Only the replaced nodes are new; every
 * other node is shared with `model`, so disposing the copy releases the new nodes and their
 * parameters only, and `model` must outlive it. The engine caches rule variants per node, so
 * the copy never sees the original's cached kernels.
 */
export function withLinearParams(model: XaiModel, params: (node: LinearNode) => LinearParams | null): XaiModel {
  const onnx = model.onnxModel;
  if (!onnx) throw new InvalidArgumentError(`'${model.label}' is a tfjs model: edit it with editedModel`);
  const made: GraphNode[] = [];
  try {
    const nodes = model.graph.nodes.map((node) => {
      if (!(node instanceof LinearNode)) return node;
      const next = params(node);
      if (!next) return node;
      const replaced = node.withOp(node.op.withParams(next.kernel, next.bias));
      made.push(replaced);
      return replaced;
    });
    const copy = XaiModel.fromOnnxGraph({ ...model.graph, nodes }, onnx, [], `${model.label} (edited)`);
    // XaiModel.dispose would release every node of the graph, the shared ones too: the copy releases its own.
    Object.defineProperty(copy, 'dispose', { value: () => made.forEach((node) => node.dispose()) });
    return copy;
  } catch (err) {
    made.forEach((node) => node.dispose());
    throw err;
  }
}
