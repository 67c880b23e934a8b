import * as tf from '@tensorflow/tfjs';
import { activationAt, InvalidArgumentError, type XaiModel } from '@xai/core';

/** The node whose output a layer name means: the layer's last node (after a fused activation), or a node of that name. */
export function layerOutputNode(model: XaiModel, name: string): string {
  const ofLayer = model.graph.nodes.filter((n) => n.layerName === name);
  if (ofLayer.length > 0) return ofLayer[ofLayer.length - 1]!.name;
  if (model.graph.nodes.some((n) => n.name === name)) return name;
  throw new InvalidArgumentError(`'${model.label}' has no layer or node named '${name}'; layers are ${[...new Set(model.graph.nodes.map((n) => n.layerName))].join(', ')}`);
}

/** The activations of layer `layer` for a batch, computed `batchSize` samples at a time, as one row per sample. */
export function layerActivationRows(model: XaiModel, inputs: tf.Tensor, layer: string, batchSize = 64): { rows: Float32Array[]; shape: number[] } {
  const node = layerOutputNode(model, layer);
  const rows: Float32Array[] = [];
  let shape: number[] = [];
  for (let start = 0; start < inputs.shape[0]!; start += batchSize) {
    const size = Math.min(batchSize, inputs.shape[0]! - start);
    const batch = inputs.slice(start, size);
    try {
      const a = activationAt(model, batch, node);
      shape = a.shape.slice(1);
      const width = a.size / size;
      const values = a.dataSync() as Float32Array;
      a.dispose();
      for (let i = 0; i < size; i++) rows.push(values.slice(i * width, (i + 1) * width));
    } finally {
      batch.dispose();
    }
  }
  return { rows, shape };
}
