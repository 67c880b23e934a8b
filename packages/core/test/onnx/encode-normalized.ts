/**
 * Writes a normalised graph (canonical attribute form) back as a valid opset-13 ONNX model, so tests
 * can run it in onnxruntime and check that normalisation kept the model's function.
 */
import type { OnnxGraph, OnnxNode, OnnxTensor } from '../../src/import/onnx/index.js';
import type { OnnxProto } from '../../src/import/onnx/proto.js';
import { buildModel, float, floats, node as makeNode, tensor, valueInfo, type AttrInput } from './build-onnx.js';

/** Canonical attributes that opset 13 takes as inputs: [attribute, input index, dtype]. */
const AS_INPUTS: Record<string, [string, number, 'int64' | 'float32'][]> = {
  Split: [['split', 1, 'int64']],
  Squeeze: [['axes', 1, 'int64']],
  Unsqueeze: [['axes', 1, 'int64']],
  ReduceSum: [['axes', 1, 'int64']],
  Clip: [['min', 1, 'float32'], ['max', 2, 'float32']],
  Pad: [['pads', 1, 'int64'], ['value', 2, 'float32']],
  Slice: [['starts', 1, 'int64'], ['ends', 2, 'int64'], ['axes', 3, 'int64'], ['steps', 4, 'int64']],
  Resize: [['roi', 1, 'float32'], ['scales', 2, 'float32'], ['sizes', 3, 'int64']],
  Reshape: [['shape', 1, 'int64']],
  Expand: [['shape', 1, 'int64']],
  Tile: [['repeats', 1, 'int64']],
  TopK: [['k', 1, 'int64']],
};

/**
 * Attributes of FLOAT type among the operators the tests use: decoded attributes are plain numbers,
 * so an integral float (alpha = 1) must be told apart from an INT when written back.
 */
const FLOAT_ATTRIBUTES = new Set(['alpha', 'beta', 'gamma', 'epsilon', 'momentum', 'bias', 'lambd', 'ratio', 'cubic_coeff_alpha', 'extrapolation_value', 'value', 'spatial_scale', 'threshold', 'scale']);

function tensorProto(t: OnnxTensor): OnnxProto.ITensorProto {
  if (t.dtype === 'string') return tensor(t.name, 'string', [...t.dims], t.data as string[]);
  return tensor(t.name, t.dtype, [...t.dims], t.data as ArrayLike<number | bigint>);
}

/** Reduce* whose `axes` became an input in opset 18. */
const REDUCE_18 = ['ReduceMean', 'ReduceMax', 'ReduceMin', 'ReduceProd', 'ReduceL1', 'ReduceL2', 'ReduceLogSumExp', 'ReduceSumSquare'];

/**
 * `opset`: 13–17, or 20 (for the `Gelu` that GELU recognition leaves; the Reduce* axes become
 * inputs there as opset 18 wants).
 */
export function encodeNormalized(graph: OnnxGraph, opset = 13): Uint8Array {
  if ((opset < 13 || opset > 17) && opset !== 20) throw new Error(`encodeNormalized writes opsets 13–17 and 20, not ${opset}`);
  const initializers = [...graph.initializers.values()].map(tensorProto);
  let counter = 0;
  const nodes = graph.nodes.map((n: OnnxNode) => {
    const moved = opset >= 18 && REDUCE_18.includes(n.opType) ? ([['axes', 1, 'int64']] as [string, number, 'int64'][]) : AS_INPUTS[n.opType];
    const attrs: Record<string, AttrInput> = {};
    const inputs = [...n.inputs];
    for (const [k, v] of Object.entries(n.attributes)) {
      const spec = moved?.find(([a]) => a === k);
      if (!spec) {
        if (typeof v === 'object' && v !== null && 'data' in v) attrs[k] = tensorProto(v as OnnxTensor);
        else if (FLOAT_ATTRIBUTES.has(k) && typeof v === 'number') attrs[k] = float(v);
        else if (FLOAT_ATTRIBUTES.has(k) && Array.isArray(v)) attrs[k] = floats(v as number[]);
        else attrs[k] = v as AttrInput;
        continue;
      }
      const [, index, dtype] = spec;
      const values = (Array.isArray(v) ? v : [v]) as number[];
      const name = `__param_${counter++}`;
      const clamped = values.map((x) => (x === Infinity ? 2n ** 63n - 1n : x === -Infinity ? -(2n ** 63n) : dtype === 'int64' ? BigInt(x) : x));
      initializers.push(tensor(name, dtype, Array.isArray(v) ? [values.length] : [], clamped));
      while (inputs.length < index) inputs.push('');
      inputs[index] = name;
    }
    if (n.opType === 'Split' && typeof attrs.num_outputs === 'number') delete attrs.num_outputs;
    if (n.opType === 'Resize') delete attrs.roi;
    return makeNode(n.opType, inputs, [...n.outputs], attrs, n.name);
  });
  return buildModel({
    opset,
    inputs: graph.inputs.map((i) => valueInfo(i.name, i.dtype ?? 'float32', i.shape)),
    outputs: graph.outputs.map((o) => ({ name: o.name })),
    nodes,
    initializers,
  });
}
