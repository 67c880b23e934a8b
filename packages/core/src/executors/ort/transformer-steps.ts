/**
 * Transformer node kinds as ONNX nodes — forward and vector–Jacobian product — with their
 * conservative LRP rules (Ali et al., ICML 2022) and AttnLRP's: products of two activations (Q·Kᵀ,
 * A·V), softmax, LayerNorm, GELU and other element-wise ops, constant shifts and scales, additions
 * that broadcast (an attention mask), casts, embedding lookups and token selection (Gather with
 * constant indices). Everything runs in the engine's layout ('cl'): these nodes see ONNX-layout
 * tensors as the importer left them.
 *
 * Integer tensors (token ids, an attention mask before its cast) are int64 in the compiled graph.
 */
import type * as tf from '@tensorflow/tfjs';
import type { GraphNode } from '../../graph/node.js';
import { OnnxFunctionNode } from '../../import/onnx/convert/function-node.js';
import { ActivationNode } from '../../nodes/activation-node.js';
import { LayerNormNode } from '../../nodes/layer-norm-node.js';
import { MatMulNode } from '../../nodes/matmul-node.js';
import type { ForwardResult } from './node-steps.js';
import { nodeWhere, notCompilable } from './not-compilable.js';
import type { RuleStep } from './rule-steps.js';
import type { Value, Values } from './values.js';

/** LayerNorm's forward keeps σ (kept dims) for the rule that holds it constant. */
interface LayerNormForward extends ForwardResult {
  readonly std: string;
}


/** Element-wise ONNX operators without attributes that opset 17 has under the importer's op type. */
const UNARY = new Set(['Erf', 'Neg', 'Abs', 'Exp', 'Log', 'Sqrt', 'Reciprocal', 'HardSwish']);

/** Numpy broadcasting of two shapes (ONNX and tfjs agree). */
function broadcast(a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  return Array.from({ length: rank }, (_, i) => {
    const x = a[a.length - rank + i] ?? 1;
    const y = b[b.length - rank + i] ?? 1;
    return x === 1 ? y : x;
  });
}

const constants = new WeakMap<Values, Map<tf.Tensor, string>>();

/** A constant operand as an initializer (once per graph): int64 for integer tensors (indices), else float32. */
function constant(v: Values, t: tf.Tensor): string {
  let made = constants.get(v);
  if (!made) constants.set(v, (made = new Map()));
  let name = made.get(t);
  if (name) return name;
  if (t.dtype === 'int32') name = v.w.int64s(Array.from(t.dataSync()), [...t.shape]);
  // Large tables (embeddings) are read only when the graph is encoded: a cached session never reads them.
  else if (t.size > 1024) name = v.w.deferredFloats('operand', [...t.shape], () => Float32Array.from(t.dataSync() as Float32Array));
  else name = v.w.floats('operand', [...t.shape], Float32Array.from(t.dataSync() as Float32Array));
  made.set(t, name);
  return name;
}

/** Swaps the last two axes. */
const transposeLast = (v: Values, name: string, rank: number) =>
  v.w.op('Transpose', [name], { perm: [...Array.from({ length: rank - 2 }, (_, i) => i), rank - 1, rank - 2] });

/** y = 0.5·x·(1 + erf(x/√2)), as the importer's Gelu (ONNX has Gelu only from opset 20). */
function gelu(v: Values, x: string): string {
  const erf = v.w.op('Erf', [v.w.op('Div', [x, v.w.scalar(Math.SQRT2)])]);
  return v.w.op('Mul', [v.w.op('Mul', [x, v.w.scalar(0.5)]), v.w.op('Add', [erf, v.w.scalar(1)])]);
}

function layerNorm(node: LayerNormNode, x: Value, v: Values): LayerNormForward {
  const axes = [...node.axes];
  const xs = v.at(x, 'cl');
  const centred = v.w.op('Sub', [xs, v.w.op('ReduceMean', [xs], { axes, keepdims: 1 })]);
  const variance = v.w.op('ReduceMean', [v.w.op('Mul', [centred, centred])], { axes, keepdims: 1 });
  const std = v.w.op('Sqrt', [v.w.op('Add', [variance, v.w.scalar(node.epsilon)])]);
  const scaled = v.w.op('Mul', [v.w.op('Div', [centred, std]), constant(v, node.scale)]);
  const y = node.bias ? v.w.op('Add', [scaled, constant(v, node.bias)]) : scaled;
  return { output: v.make(x.shape, y, 'cl'), std };
}

/**
 * The [vocabulary, dim] table of the importer's embedding lookup (a Gather). A plugin's embedding
 * node (the LSTM plugin's, which also takes float ids) brings its own steps (registerOrtNodeSteps).
 */
function embeddingTable(node: GraphNode): tf.Tensor | undefined {
  if (node.kind !== 'embedding' || !(node instanceof OnnxFunctionNode)) return undefined;
  const table = node.onnxForm?.operands?.[0];
  return table && typeof table === 'object' && 'rank' in table && (table as tf.Tensor).rank === 2 ? (table as tf.Tensor) : undefined;
}

/** An importer node with a declared ONNX form: its constants and computed inputs in ONNX order. */
function declared(node: OnnxFunctionNode, ins: Value[], v: Values): ForwardResult | undefined {
  const form = node.onnxForm;
  if (!form) return undefined;
  const computed = [...ins];
  const operands = (form.operands ?? ins.map(() => null)).map((c) => {
    const value = c ?? computed.shift() ?? notCompilable(`${nodeWhere(node)}: fewer inputs than its ONNX form`);
    return c ? { name: constant(v, c), shape: c.shape } : { name: v.at(value as Value, 'cl'), shape: (value as Value).shape };
  });
  const attributes = { ...form.attributes };
  // Integers are int64 in the compiled graph.
  if (node.layerClass === 'Cast' && attributes.to === 6) attributes.to = 7;
  // Element-wise with numpy broadcasting (Cast, Add/Sub/Mul/Div/Pow/Max/Min with a constant).
  const shape = operands.reduce<number[]>((s, o) => broadcast(s, o.shape), []);
  return { output: v.make(shape, v.w.op(node.layerClass, operands.map((o) => o.name), attributes), 'cl') };
}

/** Forward of a transformer node kind; undefined for kinds this file does not handle. */
export function transformerForward(node: GraphNode, ins: Value[], v: Values): ForwardResult | undefined {
  const x = ins[0]!;
  if (node instanceof MatMulNode) {
    const [a, b] = ins as [Value, Value];
    const batch = broadcast(a.shape.slice(0, -2), b.shape.slice(0, -2));
    return { output: v.make([...batch, a.shape[a.shape.length - 2]!, b.shape[b.shape.length - 1]!], v.w.op('MatMul', [v.at(a, 'cl'), v.at(b, 'cl')]), 'cl') };
  }
  if (node instanceof LayerNormNode) return layerNorm(node, x, v);
  const picks = picksOf(node);
  if (picks) return selectForward(picks, x, v);
  const table = embeddingTable(node);
  if (table) return { output: v.make([...x.shape, table.shape[1]!], v.w.op('Gather', [constant(v, table), v.at(x, 'cl')]), 'cl') };
  if (node instanceof ActivationNode && node.activation === 'softmax') return { output: v.make(x.shape, v.w.op('Softmax', [v.at(x, 'cl')], { axis: -1 }), 'cl') };
  if (!(node instanceof OnnxFunctionNode)) return undefined;
  if (node.layerClass === 'Gelu' && node.kind === 'elementwise') return { output: v.make(x.shape, gelu(v, v.at(x, 'cl')), 'cl') };
  if (UNARY.has(node.layerClass) && node.kind === 'elementwise' && ins.length === 1) return { output: v.make(x.shape, v.w.op(node.layerClass, [v.at(x, 'cl')]), 'cl') };
  if (node.kind === 'broadcast-add' || node.kind === 'product') {
    const [a, b] = ins as [Value, Value];
    if (!['Add', 'Sub', 'Mul', 'Div', 'Pow', 'Max', 'Min'].includes(node.layerClass)) return undefined;
    return { output: v.make(broadcast(a.shape, b.shape), v.w.op(node.layerClass, [v.at(a, 'cl'), v.at(b, 'cl')]), 'cl') };
  }
  return declared(node, ins, v);
}

/** One Gather at constant indices along an axis (as the LSTM plugin's SelectNode lists them). */
interface Pick {
  readonly axis: number;
  readonly indices: readonly number[];
  readonly dims: readonly number[];
}

/**
 * Token selection (a Gather of a computed value at constant indices) as its picks: the importer's
 * Gather declares its ONNX form, a plugin's selection node (kind 'slice') lists `picks`.
 */
function picksOf(node: GraphNode): readonly Pick[] | undefined {
  if (node.kind !== 'slice') return undefined;
  if (node instanceof OnnxFunctionNode) {
    const index = node.layerClass === 'Gather' ? node.onnxForm?.operands?.[1] : undefined;
    return index ? [{ axis: node.onnxForm!.attributes?.axis ?? 0, indices: Array.from(index.dataSync()), dims: [...index.shape] }] : undefined;
  }
  const picks = (node as { picks?: unknown }).picks;
  const valid = (p: Partial<Pick>) => Number.isInteger(p.axis) && Array.isArray(p.indices) && Array.isArray(p.dims);
  return Array.isArray(picks) && picks.every(valid) ? (picks as Pick[]) : undefined;
}

/** Shapes before each pick and after the last. */
function pickShapes(picks: readonly Pick[], shape: readonly number[]): number[][] {
  const shapes = [[...shape]];
  for (const p of picks) {
    const s = shapes[shapes.length - 1]!;
    shapes.push([...s.slice(0, p.axis), ...p.dims, ...s.slice(p.axis + 1)]);
  }
  return shapes;
}

function selectForward(picks: readonly Pick[], x: Value, v: Values): ForwardResult {
  const name = picks.reduce((t, p) => v.w.op('Gather', [t, v.w.int64s(p.indices, p.dims)], { axis: p.axis }), v.at(x, 'cl'));
  return { output: v.make(pickShapes(picks, x.shape).at(-1)!, name, 'cl') };
}

/**
 * The selection's transpose, picks undone from the last: each gathered slice added back at its
 * index, a product with the one-hot rows [indices, n] along that axis (repeated indices add up).
 */
function selectTranspose(picks: readonly Pick[], x: Value, r: Value, v: Values): Value {
  const shapes = pickShapes(picks, x.shape);
  let g = v.at(r, 'cl');
  for (let k = picks.length - 1; k >= 0; k--) {
    const { axis, indices } = picks[k]!;
    const before = shapes[k]!;
    const n = before[axis]!;
    const oneHot = new Float32Array(indices.length * n);
    indices.forEach((j, i) => (oneHot[i * n + (j < 0 ? j + n : j)] = 1));
    const lifted = v.w.op('Reshape', [g, v.w.int64s([...before.slice(0, axis), indices.length, ...before.slice(axis + 1)])]);
    const toLast = [...before.keys()].filter((i) => i !== axis).concat(axis);
    const spread = v.w.op('MatMul', [v.w.op('Transpose', [lifted], { perm: toLast }), v.w.floats('one_hot_rows', [indices.length, n], oneHot)]);
    g = v.w.op('Transpose', [spread], { perm: toLast.map((_, i) => toLast.indexOf(i)) });
  }
  return v.make(x.shape, g, 'cl');
}

/** g summed over the axes `shape` was broadcast along (numpy rules), back to `shape`. */
function unbroadcast(g: Value, shape: readonly number[], v: Values): Value {
  const lead = g.shape.length - shape.length;
  const axes = g.shape.map((_, i) => i).filter((i) => i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1));
  if (axes.length === 0) return g;
  const summed = v.w.op('ReduceSum', [v.at(g, 'cl'), v.w.int64s(axes)], { keepdims: 1 });
  return v.make(shape, v.w.op('Reshape', [summed, v.w.int64s([...shape])]), 'cl');
}

/** LayerNorm's full Jacobian: with ĝ = g·scale/σ and x̂ = (x − mean)/σ, ĝ − mean(ĝ) − x̂·mean(ĝ·x̂) (nodes/layer-norm-node.ts). */
function layerNormVjp(node: LayerNormNode, x: Value, std: string, r: Value, v: Values): Value {
  const axes = [...node.axes];
  const mean = (t: string) => v.w.op('ReduceMean', [t], { axes, keepdims: 1 });
  const xs = v.at(x, 'cl');
  const xhat = v.w.op('Div', [v.w.op('Sub', [xs, mean(xs)]), std]);
  const gs = v.w.op('Div', [v.w.op('Mul', [v.at(r, 'cl'), constant(v, node.scale)]), std]);
  const y = v.w.op('Sub', [v.w.op('Sub', [gs, mean(gs)]), v.w.op('Mul', [xhat, mean(v.w.op('Mul', [gs, xhat]))])]);
  return v.make(x.shape, y, 'cl');
}

/** Vector–Jacobian product of a transformer node kind (the `gradient` rule, and `norm`'s); undefined when not handled here. */
export function transformerVjp(node: GraphNode, ins: Value[], out: ForwardResult, r: Value, v: Values): (Value | null)[] | undefined {
  const picks = picksOf(node);
  if (picks) return [selectTranspose(picks, ins[0]!, r, v)];
  // Integer inputs (token ids) receive no gradient.
  if (embeddingTable(node)) return [null];
  if (node instanceof LayerNormNode) return [layerNormVjp(node, ins[0]!, (out as LayerNormForward).std, r, v)];
  if (node instanceof MatMulNode) {
    // d/dA = G·Bᵀ, d/dB = Aᵀ·G (leading axes summed where an operand was broadcast).
    const [a, b] = ins as [Value, Value];
    const g = v.at(r, 'cl');
    const da = v.make([...r.shape.slice(0, -1), a.shape[a.shape.length - 1]!], v.w.op('MatMul', [g, transposeLast(v, v.at(b, 'cl'), b.shape.length)]), 'cl');
    const db = v.make([...r.shape.slice(0, -2), ...b.shape.slice(-2)], v.w.op('MatMul', [transposeLast(v, v.at(a, 'cl'), a.shape.length), g]), 'cl');
    return [unbroadcast(da, a.shape, v), unbroadcast(db, b.shape, v)];
  }
  if (node instanceof ActivationNode && node.activation === 'softmax') {
    // y ⊙ (g − Σ g⊙y) along the last axis.
    const y = v.at(out.output, 'cl');
    const g = v.at(r, 'cl');
    const dot = v.w.op('ReduceSum', [v.w.op('Mul', [g, y]), v.w.int64s([-1])], { keepdims: 1 });
    return [v.make(r.shape, v.w.op('Mul', [y, v.w.op('Sub', [g, dot])]), 'cl')];
  }
  if (!(node instanceof OnnxFunctionNode)) return undefined;
  if (node.kind === 'broadcast-add') return ins.map((x) => unbroadcast(r, x.shape, v));
  // A cast passes the gradient (tfjs's gradient of cast).
  if (node.kind === 'cast') return [r];
  if (node.kind === 'product' && node.layerClass === 'Mul') {
    const [a, b] = ins as [Value, Value];
    const times = (other: Value, like: Value) => unbroadcast(v.make(r.shape, v.w.op('Mul', [v.at(r, 'cl'), v.at(other, 'cl')]), 'cl'), like.shape, v);
    return [times(b, a), times(a, b)];
  }
  if (node.kind === 'elementwise' && ins.length === 1) {
    const derivative = elementwiseDerivative(node, v.at(ins[0]!, 'cl'), v);
    if (derivative) return [unbroadcast(v.make(r.shape, v.w.op('Mul', [v.at(r, 'cl'), derivative]), 'cl'), ins[0]!.shape, v)];
  }
  return undefined;
}

/** f'(x) of an element-wise node (GELU, a shift or scale by a constant), or undefined. */
function elementwiseDerivative(node: OnnxFunctionNode, x: string, v: Values): string | undefined {
  if (node.layerClass === 'Gelu') {
    // Φ(x) + x·φ(x), Φ(x) = ½(1 + erf(x/√2)), φ(x) = exp(−x²/2)/√(2π).
    const cdf = v.w.op('Mul', [v.w.op('Add', [v.w.op('Erf', [v.w.op('Div', [x, v.w.scalar(Math.SQRT2)])]), v.w.scalar(1)]), v.w.scalar(0.5)]);
    const pdf = v.w.op('Mul', [v.w.op('Exp', [v.w.op('Mul', [v.w.op('Mul', [x, x]), v.w.scalar(-0.5)])]), v.w.scalar(1 / Math.sqrt(2 * Math.PI))]);
    return v.w.op('Add', [cdf, v.w.op('Mul', [x, pdf])]);
  }
  const operands = node.onnxForm?.operands;
  const k = operands?.find((o) => o !== null);
  if (!operands || !k || operands.length !== 2) return undefined;
  const first = operands[0] !== null;
  const c = constant(v, k);
  switch (node.layerClass) {
    case 'Add':
      return v.w.scalar(1);
    case 'Sub':
      return v.w.scalar(first ? -1 : 1);
    case 'Mul':
      return c;
    case 'Div':
      // x/k → 1/k; k/x → −k/x².
      return first ? v.w.op('Neg', [v.w.op('Div', [c, v.w.op('Mul', [x, x])])]) : v.w.op('Reciprocal', [c]);
    default:
      return undefined;
  }
}

/**
 * The conservative rules: A·V with A held constant (`attention_values`), LayerNorm with σ held
 * constant (`layer_norm_constant_std`), both the ε rule on the linear map that is left (see
 * rules/attention-values.ts and rules/layer-norm-std.ts); and AttnLRP's (`attention: 'attnlrp'`).
 */
export function transformerRule(step: RuleStep, v: Values): (Value | null)[] | undefined {
  const { node, rule, inputs, forward, r } = step;
  const epsilon = Number((rule.params as { epsilon?: number } | undefined)?.epsilon ?? 1e-6);
  if (rule.name === 'attention_values' && node instanceof MatMulNode && node.attention !== null) {
    const [a, b] = inputs as [Value, Value];
    const s = v.at(v.stabilizedRatio(r, forward.output, epsilon, 'cl'), 'cl');
    if (node.attention === 0) {
      const back = v.w.op('MatMul', [transposeLast(v, v.at(a, 'cl'), a.shape.length), s]);
      return [null, v.make(b.shape, v.w.op('Mul', [v.at(b, 'cl'), back]), 'cl')];
    }
    const back = v.w.op('MatMul', [s, transposeLast(v, v.at(b, 'cl'), b.shape.length)]);
    return [v.make(a.shape, v.w.op('Mul', [v.at(a, 'cl'), back]), 'cl'), null];
  }
  if (rule.name === 'bilinear_uniform' && node instanceof MatMulNode) {
    // AttnLRP's uniform rule: half of each product term's ε share to each factor (rules/bilinear-uniform.ts).
    const [a, b] = inputs as [Value, Value];
    const s = v.at(v.stabilizedRatio(r, forward.output, epsilon, 'cl'), 'cl');
    const toA = v.w.op('MatMul', [s, transposeLast(v, v.at(b, 'cl'), b.shape.length)]);
    const toB = v.w.op('MatMul', [transposeLast(v, v.at(a, 'cl'), a.shape.length), s]);
    const half = (x: Value, back: string) => v.make(x.shape, v.w.op('Mul', [v.w.op('Mul', [v.at(x, 'cl'), back]), v.w.scalar(0.5)]), 'cl');
    return [half(a, toA), half(b, toB)];
  }
  if (rule.name === 'softmax_attnlrp' && node instanceof ActivationNode && node.activation === 'softmax') {
    // R_x = x ⊙ (R − y · Σ R) along the last axis (rules/softmax-attnlrp.ts).
    const rs = v.at(r, 'cl');
    const total = v.w.op('ReduceSum', [rs, v.w.int64s([-1])], { keepdims: 1 });
    const kept = v.w.op('Sub', [rs, v.w.op('Mul', [v.at(forward.output, 'cl'), total])]);
    return [v.make(inputs[0]!.shape, v.w.op('Mul', [v.at(inputs[0]!, 'cl'), kept]), 'cl')];
  }
  if (rule.name === 'layer_norm_constant_std' && node instanceof LayerNormNode) {
    const x = inputs[0]!;
    const s = v.at(v.stabilizedRatio(r, forward.output, epsilon, 'cl'), 'cl');
    const g = v.w.op('Div', [v.w.op('Mul', [s, constant(v, node.scale)]), (forward as LayerNormForward).std]);
    const centred = v.w.op('Sub', [g, v.w.op('ReduceMean', [g], { axes: [...node.axes], keepdims: 1 })]);
    return [v.make(x.shape, v.w.op('Mul', [v.at(x, 'cl'), centred]), 'cl')];
  }
  return undefined;
}
