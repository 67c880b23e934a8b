/**
 * Pass: constant folding for a given input shape. Walks the nodes in order, puts each in canonical
 * form, and replaces every node whose outputs are computable from constants (initializers, folded
 * values, and `Shape`/`Size` of values whose shape is known) by initializers. A symbolic batch axis
 * stays symbolic: `Shape` then yields e.g. ['batch', 16], arithmetic carries it, and a `Reshape`
 * or `Expand` target that holds it is rewritten to the equivalent constant (0 = "keep this axis"
 * for Reshape, 1 for Expand) when the symbol sits at the same axis of the input.
 */
import type { OnnxDim, OnnxGraph, OnnxNode, OnnxTensor } from '../model.js';
import { canonicalizeNode, type ConstantLookup } from './canonical-form.js';
import { ARITHMETIC_OPS, EVALUABLE, evaluateNode } from './evaluate.js';
import { elementCount, fromTensor, isConcrete, toTensor, type FoldValue } from './fold-value.js';
import { withGraph } from './graph-edit.js';
import { inferNodeTypes, type InferContext, type ValueType } from './shape-inference.js';

export interface FoldOptions {
  readonly file?: string;
  /** Shapes of graph inputs to fold for (by name); default: the declared shapes. */
  readonly inputShapes?: Readonly<Record<string, readonly OnnxDim[]>>;
  /** A stated batch size: replaces a symbolic first axis of every input. */
  readonly batch?: number;
  /** Largest tensor folded (elements; default 65536): larger constants are left to the runtime. */
  readonly maxFoldElements?: number;
  /** The model's ai.onnx opset (default 13): Softmax before 13 has other axis semantics. */
  readonly opset?: number;
}

export interface FoldResult {
  readonly graph: OnnxGraph;
  /** Type of every value after folding (inputs, initializers, node outputs). */
  readonly types: ReadonlyMap<string, ValueType>;
}

/** Input shapes after `inputShapes` and `batch` are applied. */
export function resolvedInputShapes(graph: OnnxGraph, options: Pick<FoldOptions, 'inputShapes' | 'batch'>): Map<string, ValueType> {
  const types = new Map<string, ValueType>();
  for (const input of graph.inputs) {
    let shape = options.inputShapes?.[input.name] ?? input.shape;
    if (shape && options.batch !== undefined && typeof shape[0] === 'string') shape = [options.batch, ...shape.slice(1)];
    types.set(input.name, { dtype: input.dtype, shape });
  }
  return types;
}

export function foldConstants(graph: OnnxGraph, options: FoldOptions = {}): FoldResult {
  const maxElements = options.maxFoldElements ?? 65536;
  const types = resolvedInputShapes(graph, options);
  const initializers = new Map(graph.initializers);
  for (const [name, t] of initializers) types.set(name, { dtype: t.dtype, shape: t.dims });
  const values = new Map<string, FoldValue>(); // folded values, concrete or symbolic
  const lookup = (name: string): FoldValue | null => {
    const known = values.get(name);
    if (known) return known;
    const t = initializers.get(name);
    if (!t || elementCount(t.dims) > maxElements) return null;
    const v = fromTensor(t);
    values.set(name, v);
    return v;
  };
  const concrete: ConstantLookup = (name) => {
    const v = lookup(name);
    return v && isConcrete(v) ? v : null;
  };
  const ctx: InferContext = { file: options.file ?? 'model.onnx', constant: lookup };
  const nodes: OnnxNode[] = [];
  for (const raw of graph.nodes) {
    let node = canonicalizeNode(raw, concrete);
    node = resolveSymbolicTarget(node, lookup, types);
    node = canonicalizeNode(node, concrete);
    node = explicitSplit(node, types);
    node = positiveAxes(node, types);
    const legacy = legacySoftmax(node, types, options.opset ?? 13);
    if (legacy) {
      // Flatten → Softmax(last axis) → Reshape back; each gets its type like any node
      for (const part of legacy) {
        const partTypes = part.inputs.map((i) => types.get(i) ?? null);
        const inferred = inferNodeTypes(part, partTypes, ctx);
        part.outputs.forEach((name, i) => types.set(name, inferred[i]));
        nodes.push(part);
      }
      continue;
    }
    const inputTypes = node.inputs.map((i) => types.get(i) ?? null);
    const outputs = foldNode(node, inputTypes, lookup, maxElements);
    if (outputs && outputs.every(isConcrete)) {
      node.outputs.forEach((name, i) => {
        const tensor: OnnxTensor = toTensor(outputs[i], name);
        initializers.set(name, tensor);
        values.set(name, outputs[i]);
        types.set(name, { dtype: tensor.dtype, shape: tensor.dims });
      });
      continue;
    }
    if (outputs) node.outputs.forEach((name, i) => values.set(name, outputs[i]));
    const inferred = inferNodeTypes(node, inputTypes, ctx);
    node.outputs.forEach((name, i) => name && types.set(name, inferred[i]));
    nodes.push(node);
  }
  return { graph: withGraph(graph, { nodes, initializers }), types };
}

function foldNode(node: OnnxNode, inputTypes: readonly (ValueType | null)[], lookup: (n: string) => FoldValue | null, maxElements: number): FoldValue[] | null {
  if (node.domain !== '') return null;
  if (node.opType === 'Shape' || node.opType === 'Size') {
    const shape = inputTypes[0]?.shape;
    if (!shape || shape.includes('?')) return null;
    if (node.opType === 'Size') return shape.every((d) => typeof d === 'number') ? [{ dtype: 'int64', dims: [], values: [elementCount(shape as number[])] }] : null;
    const r = shape.length;
    const clamp = (a: number) => Math.min(r, Math.max(0, a < 0 ? a + r : a));
    const start = clamp(typeof node.attributes.start === 'number' ? node.attributes.start : 0);
    const end = clamp(typeof node.attributes.end === 'number' ? node.attributes.end : r);
    const dims = shape.slice(start, Math.max(start, end));
    return [{ dtype: 'int64', dims: [dims.length], values: dims }];
  }
  if (!EVALUABLE.has(node.opType) && !ARITHMETIC_OPS.has(node.opType)) return null;
  const inputs: (FoldValue | null)[] = [];
  for (const name of node.inputs) {
    const value = name === '' ? null : lookup(name);
    if (name !== '' && value === null) return null; // not constant (or too large to fold)
    inputs.push(value);
  }
  const outputs = evaluateNode(node, inputs, maxElements);
  if (!outputs || outputs.some((o) => o.values.length > maxElements)) return null;
  return outputs;
}

/**
 * A Reshape/Expand whose target shape is known only symbolically (['batch', -1]) gets a constant
 * target with the same meaning for this input: Reshape 0 copies the input's axis, Expand 1 keeps it.
 */
function resolveSymbolicTarget(node: OnnxNode, lookup: (n: string) => FoldValue | null, types: ReadonlyMap<string, ValueType>): OnnxNode {
  if (node.domain !== '' || (node.opType !== 'Reshape' && node.opType !== 'Expand') || node.inputs.length < 2) return node;
  const target = lookup(node.inputs[1]);
  const shape = types.get(node.inputs[0])?.shape;
  if (!target || isConcrete(target) || !shape) return node;
  const expand = node.opType === 'Expand';
  const offset = expand ? shape.length - target.values.length : 0;
  const resolved = target.values.map((v, i) => (typeof v === 'number' ? v : shape[i + offset] === v ? (expand ? 1 : 0) : null));
  if (resolved.some((v) => v === null)) {
    // Reshape: one unresolved symbol and no -1 yet → -1 (its size follows from the element count).
    const open = resolved.filter((v) => v === null).length;
    if (expand || open !== 1 || resolved.includes(-1)) return node;
    resolved[resolved.indexOf(null)] = -1;
  }
  if (!expand && resolved.includes(0) && node.attributes.allowzero === 1) return node;
  return { ...node, inputs: [node.inputs[0]], attributes: { ...node.attributes, shape: resolved as number[] } };
}

/**
 * A Split into equal parts (no `split`, or opset 18's `num_outputs`) gets its explicit sizes once the
 * length of the split axis is known, so every Split variant ends in one form.
 */
function explicitSplit(node: OnnxNode, types: ReadonlyMap<string, ValueType>): OnnxNode {
  if (node.domain !== '' || node.opType !== 'Split' || node.inputs.length !== 1 || Array.isArray(node.attributes.split)) return node;
  const shape = types.get(node.inputs[0])?.shape;
  const axisAttr = typeof node.attributes.axis === 'number' ? node.attributes.axis : 0;
  if (!shape) return node;
  const length = shape[axisAttr < 0 ? axisAttr + shape.length : axisAttr];
  if (typeof length !== 'number') return node;
  const parts = node.outputs.length;
  const size = Math.ceil(length / parts);
  const split = Array.from({ length: parts }, (_, i) => Math.max(0, Math.min(size, length - i * size)));
  const { num_outputs: _numOutputs, ...attributes } = node.attributes;
  return { ...node, attributes: { ...attributes, split } };
}

const AXES_OF_INPUT = new Set(['Squeeze', 'Slice', 'Pad', 'ReduceMean', 'ReduceSum', 'ReduceMax', 'ReduceMin', 'ReduceProd', 'ReduceL1', 'ReduceL2', 'ReduceLogSumExp', 'ReduceSumSquare', 'ReduceLogSum']);
const AXIS_OF_INPUT = new Set(['Concat', 'Split', 'Gather']);

/** Negative `axes`/`axis` become positive once the rank is known, so `-2` and `2` give one graph. */
function positiveAxes(node: OnnxNode, types: ReadonlyMap<string, ValueType>): OnnxNode {
  if (node.domain !== '') return node;
  const rank = types.get(node.inputs[0])?.shape?.length;
  if (rank === undefined) return node;
  const axes = node.attributes.axes;
  if (Array.isArray(axes) && (AXES_OF_INPUT.has(node.opType) || node.opType === 'Unsqueeze')) {
    const r = node.opType === 'Unsqueeze' ? rank + axes.length : rank;
    return { ...node, attributes: { ...node.attributes, axes: (axes as number[]).map((a) => (a < 0 ? a + r : a)) } };
  }
  const axis = node.attributes.axis;
  if (typeof axis === 'number' && axis < 0 && AXIS_OF_INPUT.has(node.opType)) {
    return { ...node, attributes: { ...node.attributes, axis: axis + rank } };
  }
  return node;
}

const SOFTMAX_FAMILY = new Set(['Softmax', 'LogSoftmax', 'Hardmax']);

/**
 * Before opset 13, Softmax/LogSoftmax/Hardmax flatten the input to 2-D at `axis` (default 1) and
 * normalise over the second part. On the last axis that is today's meaning (the node gets an explicit
 * `axis`); elsewhere it becomes Flatten → Softmax(axis 1) → Reshape to the input's shape.
 */
function legacySoftmax(node: OnnxNode, types: ReadonlyMap<string, ValueType>, opset: number): OnnxNode[] | null {
  if (node.domain !== '' || opset >= 13 || !SOFTMAX_FAMILY.has(node.opType)) return null;
  const shape = types.get(node.inputs[0])?.shape;
  if (!shape) return null;
  const rank = shape.length;
  const raw = typeof node.attributes.axis === 'number' ? node.attributes.axis : 1;
  const axis = raw < 0 ? raw + rank : raw;
  if (axis === rank - 1) return [{ ...node, attributes: { ...node.attributes, axis } }];
  if (!shape.every((d) => typeof d === 'number')) return null;
  const flat = `${node.outputs[0]}__flat`;
  const soft = `${node.outputs[0]}__2d`;
  return [
    { name: `${node.name}__flatten`, opType: 'Flatten', domain: '', inputs: [node.inputs[0]], outputs: [flat], attributes: { axis } },
    { ...node, inputs: [flat], outputs: [soft], attributes: { axis: 1 } },
    { name: `${node.name}__reshape`, opType: 'Reshape', domain: '', inputs: [soft], outputs: [node.outputs[0]], attributes: { shape: shape as number[] } },
  ];
}

