/**
 * Pass: the exact GELU written as its formula, x·0.5·(1 + erf(x/√2)) — what torch.onnx.export
 * writes for nn.GELU below opset 20 (Div(x, √2) → Erf → Add 1 → Mul x → Mul 0.5) and what
 * hand-written models write in the other orders (x·0.5 first, or Mul by 1/√2) — becomes one
 * `Gelu` node (ai.onnx opset 20's operator). The function is unchanged; LRP then sees one
 * element-wise activation instead of a product of branches.
 */
import type { OnnxGraph, OnnxNode } from '../model.js';
import { withGraph } from './graph-edit.js';
import { GraphIndex, near, otherOperand, splice } from './pattern.js';

interface GeluMatch {
  readonly nodes: readonly OnnxNode[];
  readonly replacement: OnnxNode;
}

/** x of `x/√2` (Div by √2 or Mul by 1/√2), or null. */
function scaledInput(index: GraphIndex, value: string): { x: string; node: OnnxNode } | null {
  const div = index.made(value, 'Div');
  if (div && near(index.scalar(div.inputs[1]), Math.SQRT2)) return { x: div.inputs[0]!, node: div };
  const mul = index.made(value, 'Mul');
  if (!mul) return null;
  for (const [k, c] of [[0, 1], [1, 0]] as const) {
    if (near(index.scalar(mul.inputs[c]), Math.SQRT1_2)) return { x: mul.inputs[k]!, node: mul };
  }
  return null;
}

function matchAt(index: GraphIndex, erf: OnnxNode): GeluMatch | null {
  const scaled = scaledInput(index, erf.inputs[0]!);
  if (!scaled || index.soleReader(erf.inputs[0]!) !== erf) return null;
  const { x } = scaled;
  const add = index.soleReader(erf.outputs[0]!);
  if (!add || add.opType !== 'Add' || !near(index.scalar(otherOperand(add, erf.outputs[0]!) ?? undefined), 1)) return null;
  const onePlus = add.outputs[0]!;
  const m = index.soleReader(onePlus);
  if (!m || m.opType !== 'Mul') return null;
  const other = otherOperand(m, onePlus)!;
  const common = [scaled.node, erf, add, m];
  const done = (extra: OnnxNode[], last: OnnxNode): GeluMatch => ({
    nodes: [...common, ...extra],
    replacement: { name: `${erf.name || 'Erf'}/gelu`, opType: 'Gelu', domain: '', inputs: [x], outputs: [last.outputs[0]!], attributes: {} },
  });
  if (other === x || near(index.scalar(other), 0.5)) {
    // (x·(1+erf))·0.5 or x·((1+erf)·0.5)
    const m2 = index.soleReader(m.outputs[0]!);
    if (!m2 || m2.opType !== 'Mul') return null;
    const rest = otherOperand(m2, m.outputs[0]!);
    const ok = other === x ? near(index.scalar(rest ?? undefined), 0.5) : rest === x;
    return ok ? done([m2], m2) : null;
  }
  // (x·0.5)·(1+erf)
  const half = index.made(other, 'Mul');
  if (!half || index.soleReader(other) !== m) return null;
  const ok = (half.inputs[0] === x && near(index.scalar(half.inputs[1]), 0.5)) || (half.inputs[1] === x && near(index.scalar(half.inputs[0]), 0.5));
  return ok ? done([half], m) : null;
}

export function recognizeGelu(graph: OnnxGraph): OnnxGraph {
  const index = new GraphIndex(graph);
  const matches = graph.nodes.filter((n) => n.opType === 'Erf' && n.domain === '').map((erf) => matchAt(index, erf)).filter((m): m is GeluMatch => m !== null);
  return matches.length === 0 ? graph : withGraph(graph, { nodes: splice(graph.nodes, matches) });
}
