/**
 * Pass: LayerNorm written as its formula — what torch.onnx.export writes for nn.LayerNorm below
 * opset 17:
 *   m = ReduceMean(x), d = x − m, v = ReduceMean(d²) (Pow(d, 2) or d·d), y = d / √(v + ε),
 *   then optionally y·γ and + β with constants
 * over the trailing axes — becomes one `LayerNormalization` node (opset 17's operator; a missing
 * γ becomes ones, a missing β is left out). The function is unchanged; LRP then sees one node whose
 * standard deviation a rule can hold constant.
 */
import type { OnnxDim, OnnxGraph, OnnxNode, OnnxTensor } from '../model.js';
import { intAttr, intsAttr } from './attributes.js';
import { withGraph } from './graph-edit.js';
import { GraphIndex, near, otherOperand, splice } from './pattern.js';

/** The declared or inferred shape of a value, or null. */
export type ShapeLookup = (value: string) => readonly OnnxDim[] | null;

interface LayerNormMatch {
  readonly nodes: readonly OnnxNode[];
  readonly replacement: OnnxNode;
  readonly scale?: OnnxTensor;
}

/** The reduced axes of a ReduceMean as negative axes, when they are the trailing ones (and keepdims). */
function trailingAxes(node: OnnxNode, rank: number | null): number[] | null {
  if (intAttr(node, 'keepdims', 1) !== 1 || node.inputs.length > 1) return null;
  const axes = intsAttr(node, 'axes');
  if (!axes || axes.length === 0) return null;
  if (axes.some((a) => a >= 0) && rank === null) return null;
  const negative = axes.map((a) => (a >= 0 ? a - rank! : a)).sort((a, b) => a - b);
  return negative.every((a, i) => a === -negative.length + i) ? negative : null;
}

const sameAxes = (a: number[] | null, b: number[] | null) => !!a && !!b && a.join() === b.join();

function isSquareOf(index: GraphIndex, node: OnnxNode, d: string): boolean {
  if (node.opType === 'Pow') return node.inputs[0] === d && near(index.scalar(node.inputs[1]), 2);
  return node.opType === 'Mul' && node.inputs[0] === d && node.inputs[1] === d;
}

/** A constant `other` operand of a binary node reading `value` alone (γ, β), or null. */
function constantStep(index: GraphIndex, value: string, opType: string): { node: OnnxNode; constant: string } | null {
  const next = index.soleReader(value);
  if (!next || next.opType !== opType) return null;
  const c = otherOperand(next, value);
  return c && c !== value && index.isConstant(c) ? { node: next, constant: c } : null;
}

function matchAt(index: GraphIndex, sub: OnnxNode, shapeOf: ShapeLookup): LayerNormMatch | null {
  const [x, meanOut] = sub.inputs as [string, string];
  const mean = index.made(meanOut, 'ReduceMean');
  if (!mean || mean.inputs[0] !== x || index.soleReader(meanOut) !== sub) return null;
  const rank = shapeOf(x)?.length ?? null;
  const axes = trailingAxes(mean, rank);
  const d = sub.outputs[0]!;
  const readers = index.readersOf(d);
  if (readers.length !== 2) return null;
  const square = readers.find((n) => isSquareOf(index, n, d));
  const div = readers.find((n) => n.opType === 'Div' && n.inputs[0] === d);
  if (!square || !div || square === div) return null;
  const variance = index.soleReader(square.outputs[0]!);
  if (!variance || variance.opType !== 'ReduceMean' || !sameAxes(axes, trailingAxes(variance, rank))) return null;
  const addEps = index.soleReader(variance.outputs[0]!);
  const eps = addEps?.opType === 'Add' ? index.scalar(otherOperand(addEps, variance.outputs[0]!) ?? undefined) : null;
  if (!addEps || eps === null || eps < 0) return null;
  const sqrt = index.soleReader(addEps.outputs[0]!);
  if (!sqrt || sqrt.opType !== 'Sqrt' || div.inputs[1] !== sqrt.outputs[0] || index.soleReader(sqrt.outputs[0]!) !== div) return null;
  if (!index.readOnlyBy(d, [square, div])) return null;

  const nodes = [mean, sub, square, variance, addEps, sqrt, div];
  let out = div.outputs[0]!;
  const gamma = constantStep(index, out, 'Mul');
  if (gamma) (nodes.push(gamma.node), (out = gamma.node.outputs[0]!));
  const beta = constantStep(index, out, 'Add');
  if (beta) (nodes.push(beta.node), (out = beta.node.outputs[0]!));
  // γ and β must broadcast along the normalised axes only.
  const k = axes!.length;
  const fits = (c: string | undefined) => !c || index.graph.initializers.get(c)!.dims.length <= k;
  if (!fits(gamma?.constant) || !fits(beta?.constant)) return null;

  let scale: OnnxTensor | undefined;
  let scaleName = gamma?.constant;
  if (!scaleName) {
    const dims = shapeOf(x)?.slice(-k);
    if (!dims || !dims.every((v): v is number => typeof v === 'number')) return null;
    scaleName = `${mean.name || 'ReduceMean'}/layer_norm_scale`;
    scale = { name: scaleName, dtype: 'float32', dims, data: new Float32Array(dims.reduce((a, b) => a * b, 1)).fill(1) };
  }
  const replacement: OnnxNode = {
    name: `${mean.name || 'ReduceMean'}/layer_norm`,
    opType: 'LayerNormalization',
    domain: '',
    inputs: beta ? [x, scaleName, beta.constant] : [x, scaleName],
    outputs: [out],
    attributes: { axis: -k, epsilon: eps },
  };
  return { nodes, replacement, scale };
}

export function recognizeLayerNorm(graph: OnnxGraph, shapeOf: ShapeLookup = () => null): OnnxGraph {
  const index = new GraphIndex(graph);
  const matches = graph.nodes.filter((n) => n.opType === 'Sub' && n.domain === '').map((sub) => matchAt(index, sub, shapeOf)).filter((m): m is LayerNormMatch => m !== null);
  if (matches.length === 0) return graph;
  const initializers = new Map(graph.initializers);
  for (const m of matches) if (m.scale) initializers.set(m.scale.name, m.scale);
  return withGraph(graph, { nodes: splice(graph.nodes, matches), initializers });
}
