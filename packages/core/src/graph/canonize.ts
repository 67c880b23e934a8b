import * as tf from '@tensorflow/tfjs';
import { AffineNode } from '../nodes/affine-node.js';
import { LinearNode } from '../nodes/linear-node.js';
import { consumers, producers, type ModelGraph } from './graph.js';
import { DepthwiseConvOp } from './linear-op.js';
import type { GraphNode } from './node.js';

/**
 * How a merged BatchNormalization is left behind. 'exact' removes it (the function is unchanged).
 * 'zennit' reproduces zennit 0.5.1, whose MergeBatchNorm resets the statistics but keeps the
 * variance epsilon: a residual y = x / sqrt(1 + ε) remains in the forward pass (relevance passes it
 * unchanged), which shifts relevances by about 5e-4 for Keras' ε = 1e-3. Only for comparing numbers
 * with zennit.
 */
export type BatchNormMerge = 'exact' | 'zennit';

/**
 * Merges each BatchNormalization that directly follows a linear node (and is that node's only
 * reader) into it: W' = W·s, b' = b·s + t per output channel. The function is unchanged; the merged
 * layer then follows the rule of the linear layer. Other BatchNormalizations stay affine pass-throughs.
 */
export function mergeBatchNorm(graph: ModelGraph, flavour: BatchNormMerge = 'exact'): ModelGraph {
  const made = producers(graph);
  const readers = consumers(graph);
  const replaced = new Map<GraphNode, GraphNode>();
  const residuals = new Map<GraphNode, AffineNode>();
  const removed = new Set<GraphNode>();
  let nextTensor = Math.max(...graph.nodes.map((n) => n.output), ...graph.inputs) + 1;
  for (const node of graph.nodes) {
    if (!(node instanceof AffineNode) || node.layerClass !== 'BatchNormalization') continue;
    const source = made.get(node.inputs[0]!);
    const channelsLast = node.scale.shape.slice(0, -1).every((d) => d === 1);
    if (!(source instanceof LinearNode) || !channelsLast || replaced.has(source)) continue;
    if (readers.get(source.output)!.length !== 1 || graph.outputs.includes(source.output)) continue;
    const op = source.op;
    const [kernel, bias] = tf.tidy(() => {
      const s = node.scale.reshape([-1]);
      const t = node.shift.reshape([-1]);
      const k = op instanceof DepthwiseConvOp
        ? tf.mul(op.kernel, s.reshape(op.kernel.shape.slice(2))) // output channel c·M+m ↔ kernel [.., c, m]
        : tf.mul(op.kernel, s);
      const b = op.bias ? tf.add(tf.mul(op.bias, s), t) : t;
      return [k, b];
    });
    const output = flavour === 'zennit' ? nextTensor++ : node.output;
    const merged = new LinearNode(source.name, source.layerName, source.layerClass, source.inputs, output, op.withParams(kernel, bias), source.family);
    replaced.set(source, merged);
    removed.add(node);
    if (flavour === 'zennit') {
      const c = tf.fill(node.scale.shape, 1 / Math.sqrt(1 + node.epsilon));
      const residual = new AffineNode(`${node.name}/residual`, node.layerName, node.layerClass, [output], node.output, c, tf.zerosLike(c), node.epsilon);
      residuals.set(node, residual);
    }
  }
  for (const [old] of replaced) old.dispose();
  for (const bn of removed) bn.dispose();

  return {
    ...graph,
    nodes: graph.nodes.flatMap((n) => (removed.has(n) ? (residuals.has(n) ? [residuals.get(n)!] : []) : [replaced.get(n) ?? n])),
  };
}
