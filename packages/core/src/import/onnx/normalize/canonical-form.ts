/**
 * Pass: folds the opset variants of operators to one form, the attribute form of the older opsets.
 * Newer opsets moved static parameters from attributes to inputs (Split `split`, Squeeze/Unsqueeze
 * and Reduce* `axes`, Clip `min`/`max`, Pad `pads`/`constant_value`, Slice `starts`/`ends`/…, Resize
 * `scales`/`sizes`). When such an input is constant it becomes the attribute of the old name and the
 * node keeps only its data inputs; `Upsample` becomes `Resize`. This form is this importer's internal
 * one (not valid ONNX for opsets ≥ 13): a converter reads every static parameter from `attributes`.
 * A parameter input that is not constant is left where it is (a converter must refuse it).
 */
import type { OnnxGraph, OnnxNode, OnnxTensor } from '../model.js';
import { fromTensor, type FoldValue } from './fold-value.js';
import { withGraph } from './graph-edit.js';

type Kind = 'ints' | 'int' | 'float' | 'floats';

/** opType → [input index, attribute name, kind] for every parameter input. */
const PARAMETER_INPUTS: Readonly<Record<string, readonly (readonly [number, string, Kind])[]>> = {
  Split: [[1, 'split', 'ints']],
  Squeeze: [[1, 'axes', 'ints']],
  Unsqueeze: [[1, 'axes', 'ints']],
  ReduceMean: [[1, 'axes', 'ints']],
  ReduceSum: [[1, 'axes', 'ints']],
  ReduceMax: [[1, 'axes', 'ints']],
  ReduceMin: [[1, 'axes', 'ints']],
  ReduceProd: [[1, 'axes', 'ints']],
  ReduceL1: [[1, 'axes', 'ints']],
  ReduceL2: [[1, 'axes', 'ints']],
  ReduceLogSumExp: [[1, 'axes', 'ints']],
  ReduceSumSquare: [[1, 'axes', 'ints']],
  Clip: [[1, 'min', 'float'], [2, 'max', 'float']],
  Pad: [[1, 'pads', 'ints'], [2, 'value', 'float'], [3, 'axes', 'ints']],
  Slice: [[1, 'starts', 'ints'], [2, 'ends', 'ints'], [3, 'axes', 'ints'], [4, 'steps', 'ints']],
  Resize: [[1, 'roi', 'floats'], [2, 'scales', 'floats'], [3, 'sizes', 'ints']],
  Upsample: [[1, 'scales', 'floats']],
  Reshape: [[1, 'shape', 'ints']],
  Expand: [[1, 'shape', 'ints']],
  Tile: [[1, 'repeats', 'ints']],
  TopK: [[1, 'k', 'int']],
};

/** Looks up the constant value of a value name (initializers, or values folded so far). */
export type ConstantLookup = (name: string) => FoldValue | null;

export function canonicalizeNode(node: OnnxNode, constant: ConstantLookup): OnnxNode {
  if (node.domain !== '') return node;
  const parameters = PARAMETER_INPUTS[node.opType];
  let result = node;
  if (parameters) {
    const present = parameters.filter(([i]) => (node.inputs[i] ?? '') !== '');
    const values = present.map(([i]) => constant(node.inputs[i]));
    if (values.every((v) => v !== null && v.values.every((x) => typeof x === 'number'))) {
      const attributes = { ...node.attributes };
      present.forEach(([, name, kind], k) => {
        const v = (values[k] as FoldValue).values as number[];
        if (kind === 'float' || kind === 'int') attributes[name] = v[0];
        else if (v.length > 0) attributes[name] = v; // an empty scales/roi tensor means "not given"
      });
      const first = Math.min(...parameters.map(([i]) => i));
      result = { ...node, inputs: node.inputs.slice(0, first), attributes };
    }
  }
  if (result.opType === 'Upsample' && result.inputs.length === 1) {
    // Upsample (deprecated) = Resize with asymmetric coordinates and floor rounding.
    const mode = result.attributes.mode === 'linear' || result.attributes.mode === 'bilinear' ? 'linear' : 'nearest';
    result = { ...result, opType: 'Resize', attributes: { ...result.attributes, mode, coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor' } };
  }
  return result;
}

/** The pass over a whole graph: parameter inputs that are initializers become attributes. */
export function canonicalizeOpsetVariants(graph: OnnxGraph): OnnxGraph {
  const lookup: ConstantLookup = (name) => {
    const t: OnnxTensor | undefined = graph.initializers.get(name);
    return t ? fromTensor(t) : null;
  };
  return withGraph(graph, { nodes: graph.nodes.map((n) => canonicalizeNode(n, lookup)) });
}
