import type * as tf from '@tensorflow/tfjs';
import type { ModelGraph } from '../../../graph/graph.js';
import type { GraphNode } from '../../../graph/node.js';
import type { Shape } from '../../../graph/registry.js';
import { PermuteNode } from '../../../nodes/shape-nodes.js';
import type { OnnxDim } from '../model.js';
import type { NormalizedOnnxModel } from '../normalize/normalize.js';
import { fuseLinear } from './fuse-linear.js';
import { batchAxisOf, onnxOpConverter, UnsupportedOnnxOpError, type OnnxConversionContext, type StoredLayout } from './registry.js';
import { isIntegerDtype, toChannelsFirst, toChannelsLast } from './tensors.js';
import './ops/index.js';

export interface OnnxGraphOptions {
  /** Merge BatchNormalization into a preceding Conv/Gemm/MatMul exactly (default true). */
  readonly mergeBatchNorm?: boolean;
}

/** A converted ONNX model: the engine graph, and what it needs to know of the ONNX inputs. */
export interface OnnxModelGraph extends ModelGraph {
  /** tfjs dtype per model input ('int32' for ONNX integer inputs such as token ids). */
  readonly inputDtypes: readonly ('float32' | 'int32')[];
  /** Tensors the graph's nodes read but do not own (released with the model). */
  readonly kept: readonly tf.Tensor[];
}

const dimOf = (d: OnnxDim): number | null => (typeof d === 'number' ? d : null);

/**
 * Converts a normalised ONNX model into the engine's graph of nodes, one registered converter per
 * operator type. Values keep the model's layout (channels first) except where convolutions and
 * pools want channels last: a transpose is inserted once per value and direction where layouts meet,
 * so inputs, outputs and relevance stay in the model's layout.
 */
export function buildOnnxGraph(net: NormalizedOnnxModel, options: OnnxGraphOptions = {}): OnnxModelGraph {
  const types = net.types;
  const graph = fuseLinear(net.graph, {
    mergeBatchNorm: options.mergeBatchNorm,
    rank: (v) => types.get(v)?.shape?.length ?? null,
  });
  const nodes: GraphNode[] = [];
  const kept: tf.Tensor[] = [];
  let nextId = 0;
  const newTensor = () => nextId++;
  /** value name → tensor id per layout it is available in. */
  const stored = new Map<string, Map<StoredLayout, number>>();
  const home = new Map<string, StoredLayout>();
  const names = new Set<string>();

  const shapeOf = (value: string): readonly OnnxDim[] => {
    const init = graph.initializers.get(value);
    if (init) return init.dims;
    const shape = types.get(value)?.shape;
    if (!shape) throw new UnsupportedOnnxOpError(value, 'value', 'its shape could not be inferred');
    return shape;
  };

  const inputs = graph.inputs.map((info) => {
    const id = newTensor();
    stored.set(info.name, new Map([['onnx', id]]));
    home.set(info.name, 'onnx');
    return id;
  });

  try {
    graph.nodes.forEach((node, index) => {
      let name = node.name || `${node.opType}_${index}`;
      while (names.has(name)) name = `${name}_${index}`;
      names.add(name);
      const unsupported = (detail?: string): never => {
        throw new UnsupportedOnnxOpError(name, node.opType, detail);
      };
      if (node.domain && node.domain !== 'ai.onnx') unsupported(`operator domain '${node.domain}'`);
      const converter = onnxOpConverter(node.opType) ?? unsupported();
      const ctx: OnnxConversionContext = {
        node,
        name,
        shape: shapeOf,
        dtype: (v) => graph.initializers.get(v)?.dtype ?? types.get(v)?.dtype ?? null,
        constant: (v) => graph.initializers.get(v) ?? null,
        layout: (v) => {
          const layout = home.get(v) ?? 'onnx';
          return layout === 'channels-last' ? layout : 'onnx';
        },
        storedLayout: (v) => home.get(v) ?? 'onnx',
        tensor: (value, layout = 'onnx') => {
          const have = stored.get(value);
          if (!have) {
            if (graph.initializers.has(value)) unsupported(`input '${value}' is a constant where the converter needs a computed value`);
            unsupported(`input '${value}' is not computed by any converted node`);
          }
          const existing = have!.get(layout);
          if (existing !== undefined) return existing;
          const rank = shapeOf(value).length;
          const [from, fromId] = [...have!.entries()][0]!;
          if (from === layout) return fromId;
          // The engine keeps the batch axis first: a value whose batch axis is elsewhere cannot be moved there by a transpose.
          if (batchAxisOf(from) !== batchAxisOf(layout)) unsupported(`input '${value}' has its batch axis at ONNX axis ${batchAxisOf(from)} (a time-major value of a recurrent operator), which this converter cannot read`);
          if (rank < 3) return fromId;
          const perm = layout === 'channels-last' ? toChannelsLast(rank) : toChannelsFirst(rank);
          const id = newTensor();
          nodes.push(new PermuteNode(`${value}/${layout === 'channels-last' ? 'to_channels_last' : 'to_channels_first'}`, `${value}/layout`, 'Transpose', [fromId], id, perm.slice(1)));
          have!.set(layout, id);
          return id;
        },
        newTensor,
        emit: (...made) => nodes.push(...made),
        bind: (value, id, layout) => {
          stored.set(value, new Map([[layout, id]]));
          home.set(value, layout);
        },
        keep: (t) => (kept.push(t), t),
        unsupported,
      };
      converter(ctx);
      for (const out of node.outputs) if (out && !stored.has(out) && graph.nodes.some((n) => n.inputs.includes(out))) unsupported(`output '${out}' was not converted`);
    });

    const outputs = graph.outputs.map((o) => {
      const have = stored.get(o.name);
      if (!have) throw new UnsupportedOnnxOpError(o.name, 'output', 'the graph output is not computed by any converted node');
      const layoutTensor = have.get('onnx');
      if (layoutTensor !== undefined) return layoutTensor;
      const rank = shapeOf(o.name).length;
      const [from, fromId] = [...have.entries()][0]!;
      if (batchAxisOf(from) !== 0) throw new UnsupportedOnnxOpError(o.name, 'output', `the graph output has its batch axis at ONNX axis ${batchAxisOf(from)} (a time-major value); the engine's outputs keep the batch axis first`);
      if (rank < 3) return fromId;
      const id = newTensor();
      nodes.push(new PermuteNode(`${o.name}/to_channels_first`, `${o.name}/layout`, 'Transpose', [fromId], id, toChannelsFirst(rank).slice(1)));
      return id;
    });
    const shape = (dims: readonly OnnxDim[] | null): Shape => (dims ?? []).map((d, k) => (k === 0 ? null : dimOf(d)));
    return {
      nodes,
      inputs,
      inputNames: graph.inputs.map((i) => i.name),
      inputShapes: graph.inputs.map((i) => shape(types.get(i.name)?.shape ?? i.shape)),
      inputDtypes: graph.inputs.map((i) => (isIntegerDtype(i.dtype) ? 'int32' : 'float32')),
      outputs,
      outputNames: graph.outputs.map((o) => o.name),
      outputShapes: graph.outputs.map((o) => shape(types.get(o.name)?.shape ?? o.shape)),
      kept,
    };
  } catch (err) {
    for (const n of nodes) n.dispose();
    for (const t of kept) t.dispose();
    throw err;
  }
}
