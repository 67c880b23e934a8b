/**
 * LSTM layers for core's 'ort' executor, with the time steps unrolled (the compiled graph has a
 * fixed input shape): the forward pass, and the `recurrent` LRP rule step by step from the last
 * step to the first, as lstm-node.ts and recurrent-node.ts compute them (Keras masking included;
 * the rule recomputes the forward pass, as the tfjs executor does). Bidirectional's reversal and
 * merges compile too. GRU and SimpleRNN cells, recurrent layers imported from ONNX, per-layer rule
 * options and `onInitialState` reports are not compiled (tfjs runs them, after core's notice).
 */
import type * as tf from '@tensorflow/tfjs';
import { NotCompilableError, registerOrtNodeSteps, type GraphNode, type OrtValue, type OrtValues, type Rule } from '@xai/core';
import type { MergeDirectionsNode } from './bidirectional.js';
import { LstmCell } from './lstm-node.js';
import { RecurrentNode } from './recurrent-node.js';
import { recurrentRuleOptions, resolveRecurrentRule, type ResolvedRecurrentRule } from './recurrent-rule.js';

const fail = (what: string): never => {
  throw new NotCompilableError(what);
};

const initializers = new WeakMap<OrtValues, Map<tf.Tensor, string>>();

/** A weight tensor as an initializer of the graph being built (once per graph), read only when the graph is encoded. */
function weights(v: OrtValues, hint: string, t: tf.Tensor): string {
  let made = initializers.get(v);
  if (!made) initializers.set(v, (made = new Map()));
  let name = made.get(t);
  if (!name) made.set(t, (name = v.w.deferredFloats(hint, t.shape, () => Float32Array.from(t.dataSync() as Float32Array))));
  return name;
}

/** Element-wise activations by Keras name. */
function activate(name: string, z: string, v: OrtValues, where: string): string {
  switch (name) {
    case 'tanh':
      return v.w.op('Tanh', [z]);
    case 'sigmoid':
      return v.w.op('Sigmoid', [z]);
    case 'hard_sigmoid':
    case 'hardSigmoid':
      return v.w.op('HardSigmoid', [z], { alpha: { float: 0.2 }, beta: { float: 0.5 } });
    case 'relu':
      return v.w.op('Relu', [z]);
    case 'linear':
      return z;
    default:
      return fail(`activation '${name}' inside ${where}`);
  }
}

/** Reverses axis 1 (time) of a value of `steps` steps. */
const reverseTime = (name: string, steps: number, v: OrtValues) =>
  v.w.op('Gather', [name, v.w.int64s(Array.from({ length: steps }, (_, t) => steps - 1 - t))], { axis: 1 });

/** Step t of a [B, T, …] value: [B, …]. */
const stepOf = (name: string, t: number, v: OrtValues) => v.w.op('Gather', [name, v.w.int64s([t], [])], { axis: 1 });

/** [B, k] values of every step stacked into [B, T, k]. */
const stack = (names: readonly string[], v: OrtValues) => v.w.op('Concat', names.map((n) => v.w.op('Unsqueeze', [n, v.w.int64s([1])])), { axis: 1 });

const add = (v: OrtValues, a: string, b: string) => v.w.op('Add', [a, b]);
const mul = (v: OrtValues, a: string, b: string) => v.w.op('Mul', [a, b]);
/** m ⊙ computed + (1 − m) ⊙ carried (Keras masking). */
const keepMasked = (v: OrtValues, m: string, computed: string, carried: string) => add(v, mul(v, m, computed), mul(v, v.w.op('Sub', [v.w.scalar(1), m]), carried));
/** sign(z) with sign(0) = +1. */
const signOf = (v: OrtValues, z: string) => v.w.op('Where', [v.w.op('GreaterOrEqual', [z, v.w.scalar(0)]), v.w.scalar(1), v.w.scalar(-1)]);
/** R / (z + ε·sign(z)), 0 where that is 0 (only with ε = 0), as relevance-ops.ts `ratio`. */
function ratio(v: OrtValues, r: string, z: string, epsilon: number): string {
  if (epsilon !== 0) return v.w.op('Div', [r, add(v, z, mul(v, signOf(v, z), v.w.scalar(epsilon)))]);
  const zero = v.w.op('Equal', [z, v.w.scalar(0)]);
  return v.w.op('Where', [zero, v.w.scalar(0), v.w.op('Div', [r, v.w.op('Where', [zero, v.w.scalar(1), z])])]);
}

interface LstmStep {
  readonly hPrev: string;
  readonly cPrev: string;
  readonly zg: string;
  readonly i: string;
  readonly f: string;
  readonly g: string;
  readonly c: string;
}

interface Unrolled {
  /** The input in processing order [B, T, D]. */
  readonly xs: string;
  readonly steps: LstmStep[];
  /** h after each step. */
  readonly hs: string[];
  /** Per step [B, 1]: 1 where the step is computed, 0 where the mask carries the state over. */
  readonly masks: string[] | null;
}

function lstmOf(node: GraphNode): { node: RecurrentNode; cell: LstmCell } {
  const where = `layer '${node.layerName}' (${node.layerClass})`;
  if (!(node instanceof RecurrentNode) || !(node.cell instanceof LstmCell)) return fail(`the ${(node as RecurrentNode).cell?.constructor.name ?? 'recurrent'} cell of ${where} (only LSTM cells are compiled)`);
  if (node.initial) fail(`the constant initial state of ${where}`);
  if (!node.cell.activationNames) fail(`${where}, an LSTM imported from ONNX (not compiled)`);
  return { node, cell: node.cell };
}

function unroll(node: RecurrentNode, cell: LstmCell, [x, ids]: readonly OrtValue[], v: OrtValues): Unrolled {
  const where = `layer '${node.layerName}'`;
  const [batch, steps, inputDim] = x!.shape as [number, number, number];
  const units = cell.units;
  const names = cell.activationNames!;
  const back = node.sequence.goBackwards;
  const xs = back ? reverseTime(v.at(x!, 'cl'), steps, v) : v.at(x!, 'cl');
  const kernel = weights(v, 'lstm_kernel', cell.weights.kernel);
  const flat = v.w.op('MatMul', [v.w.op('Reshape', [xs, v.w.int64s([batch * steps, inputDim])]), kernel]);
  const biased = cell.weights.bias ? add(v, flat, weights(v, 'lstm_bias', cell.weights.bias)) : flat;
  const projected = v.w.op('Reshape', [biased, v.w.int64s([batch, steps, 4 * units])]);
  const recurrent = weights(v, 'lstm_recurrent', cell.weights.recurrentKernel);
  let masks: string[] | null = null;
  if (ids) {
    const kept = v.w.op('Cast', [v.w.op('Not', [v.w.op('Equal', [v.at(ids, 'cl'), v.w.scalar(0)])])], { to: 1 });
    const ordered = back ? reverseTime(kept, steps, v) : kept;
    masks = Array.from({ length: steps }, (_, t) => v.w.op('Unsqueeze', [stepOf(ordered, t, v), v.w.int64s([1])]));
  }
  const zero = v.filled([batch, units], 0, 'cl').names.cl!;
  let h = zero;
  let c = zero;
  const out: LstmStep[] = [];
  const hs: string[] = [];
  for (let t = 0; t < steps; t++) {
    const z = add(v, stepOf(projected, t, v), v.w.op('MatMul', [h, recurrent]));
    const [zi, zf, zg, zo] = v.w.ops('Split', [z, v.w.int64s([units, units, units, units])], { axis: 1 }, 4) as [string, string, string, string];
    const [i, f, g, o] = [activate(names.recurrent, zi, v, where), activate(names.recurrent, zf, v, where), activate(names.activation, zg, v, where), activate(names.recurrent, zo, v, where)];
    const cNew = add(v, mul(v, f, c), mul(v, i, g));
    const hNew = mul(v, o, activate(names.activation, cNew, v, where));
    out.push({ hPrev: h, cPrev: c, zg, i, f, g, c: cNew });
    const m = masks?.[t];
    h = m ? keepMasked(v, m, hNew, h) : hNew;
    c = m ? keepMasked(v, m, cNew, c) : cNew;
    hs.push(h);
  }
  return { xs, steps: out, hs, masks };
}

function lstmForward(graphNode: GraphNode, inputs: readonly OrtValue[], v: OrtValues): OrtValue {
  const { node, cell } = lstmOf(graphNode);
  const run = unroll(node, cell, inputs, v);
  const [batch, steps] = inputs[0]!.shape as [number, number];
  return node.sequence.returnSequences ? v.make([batch, steps, cell.units], stack(run.hs, v), 'cl') : v.make([batch, cell.units], run.hs[steps - 1]!, 'cl');
}

function resolved(node: GraphNode, rule: Rule): ResolvedRecurrentRule {
  const options = recurrentRuleOptions(rule) ?? fail(`rule '${rule.name}' on layer '${node.layerName}' (not made by recurrentRule)`);
  if (options.layers && Object.keys(options.layers).length > 0) fail('per-layer options of the recurrent rule');
  if (options.onInitialState) fail("the recurrent rule's onInitialState report");
  return resolveRecurrentRule(options, node.layerName);
}

/** The `recurrent` rule through an LSTM layer (lstm-node.ts `lrpStep`, recurrent-node.ts `lrp`). */
function lstmRelevance(graphNode: GraphNode, inputs: readonly OrtValue[], _output: OrtValue, r: OrtValue, v: OrtValues, rule: Rule): (OrtValue | null)[] {
  const { node, cell } = lstmOf(graphNode);
  const { epsilon, biasFactor } = resolved(node, rule);
  const run = unroll(node, cell, inputs, v);
  const x = inputs[0]!;
  const [batch, steps, inputDim] = x.shape as [number, number, number];
  const units = cell.units;
  // The signal gate's columns of the kernels (and bias), transposed.
  const gateColumns = (t: tf.Tensor2D, hint: string) => v.w.op('Transpose', [v.w.op('Slice', [weights(v, hint, t), v.w.int64s([2 * units]), v.w.int64s([3 * units]), v.w.int64s([1])])]);
  const signalKernelT = gateColumns(cell.weights.kernel, 'lstm_kernel');
  const signalRecurrentT = gateColumns(cell.weights.recurrentKernel, 'lstm_recurrent');
  const signalBias = cell.weights.bias ? v.w.op('Slice', [weights(v, 'lstm_bias', cell.weights.bias), v.w.int64s([2 * units]), v.w.int64s([3 * units]), v.w.int64s([0])]) : null;
  const rIn = v.at(r, 'cl');
  const zero = v.filled([batch, units], 0, 'cl').names.cl!;
  let rh = zero;
  let rc = zero;
  const ratios: string[] = [];
  const shares: string[] = [];
  for (let t = steps - 1; t >= 0; t--) {
    const st = run.steps[t]!;
    if (node.sequence.returnSequences) rh = add(v, rh, stepOf(rIn, t, v));
    else if (t === steps - 1) rh = add(v, rh, rIn);
    // h_t's relevance all to c_t; c_t's split between f ⊙ c_{t−1} and i ⊙ g (splitSum).
    const total = add(v, rc, rh);
    const s1 = ratio(v, total, st.c, epsilon);
    const sumShare = biasFactor === 1 && epsilon !== 0 ? mul(v, mul(v, signOf(v, st.c), v.w.scalar(epsilon / 2)), s1) : null;
    const withShare = (a: string) => (sumShare ? add(v, a, sumShare) : a);
    const rcPrev = withShare(mul(v, mul(v, st.f, st.cPrev), s1));
    const rg = withShare(mul(v, mul(v, st.i, st.g), s1));
    // z_g by the epsilon rule (epsilonRatio).
    const s = ratio(v, rg, st.zg, epsilon);
    let share: string | null = null;
    if (biasFactor === 1) {
      const eps = mul(v, signOf(v, st.zg), v.w.scalar(epsilon));
      const absorbed = signalBias ? add(v, eps, signalBias) : eps;
      share = v.w.op('Div', [v.w.op('ReduceSum', [mul(v, absorbed, s), v.w.int64s([-1])], { keepdims: 1 }), v.w.scalar(cell.fanIn)]);
    }
    const fromH = mul(v, st.hPrev, v.w.op('MatMul', [s, signalRecurrentT]));
    const rhNew = share ? add(v, fromH, share) : fromH;
    const m = run.masks?.[t];
    ratios[t] = m ? mul(v, s, m) : s;
    if (share) shares[t] = m ? mul(v, share, m) : share;
    rh = m ? keepMasked(v, m, rhNew, rh) : rhNew;
    rc = m ? keepMasked(v, m, rcPrev, rc) : rcPrev;
  }
  // x_t ⊙ (s_t · W_gᵀ), all steps at once.
  const s = v.w.op('Reshape', [stack(ratios, v), v.w.int64s([batch * steps, units])]);
  const toInput = v.w.op('Reshape', [v.w.op('MatMul', [s, signalKernelT]), v.w.int64s([batch, steps, inputDim])]);
  let rx = mul(v, run.xs, toInput);
  if (shares.length > 0) rx = add(v, rx, stack(shares, v));
  if (node.sequence.goBackwards) rx = reverseTime(rx, steps, v);
  const relevance = v.make(x.shape, rx, 'cl');
  return inputs.length > 1 ? [relevance, null] : [relevance];
}

export function registerLstmOrtRecurrentSteps(): void {
  registerOrtNodeSteps('recurrent', { forward: lstmForward, rules: { recurrent: lstmRelevance } });
  registerOrtNodeSteps('reverse-time', {
    forward: (_node, [x], v) => v.make(x!.shape, reverseTime(v.at(x!, 'cl'), x!.shape[1]!, v), 'cl'),
    vjp: (_node, [x], _output, r, v) => [v.make(x!.shape, reverseTime(v.at(r, 'cl'), x!.shape[1]!, v), 'cl')],
  });
  registerOrtNodeSteps('merge-directions', {
    forward(node, [a, b], v) {
      const mode = (node as MergeDirectionsNode).mode;
      if (mode === 'concat') return v.make([...a!.shape.slice(0, -1), a!.shape[a!.shape.length - 1]! + b!.shape[b!.shape.length - 1]!], v.w.op('Concat', [v.at(a!, 'cl'), v.at(b!, 'cl')], { axis: -1 }), 'cl');
      const sum = add(v, v.at(a!, 'cl'), v.at(b!, 'cl'));
      return v.make(a!.shape, mode === 'ave' ? mul(v, sum, v.w.scalar(0.5)) : sum, 'cl');
    },
    vjp(node, [a, b], _output, r, v) {
      const mode = (node as MergeDirectionsNode).mode;
      if (mode === 'concat') {
        const [ra, rb] = v.w.ops('Split', [v.at(r, 'cl'), v.w.int64s([a!.shape[a!.shape.length - 1]!, b!.shape[b!.shape.length - 1]!])], { axis: -1 }, 2);
        return [v.make(a!.shape, ra!, 'cl'), v.make(b!.shape, rb!, 'cl')];
      }
      const half = mode === 'ave' ? mul(v, v.at(r, 'cl'), v.w.scalar(0.5)) : v.at(r, 'cl');
      return [v.make(a!.shape, half, 'cl'), v.make(b!.shape, half, 'cl')];
    },
    rules: {
      // sum/ave: split proportionally (splitSum over the two, halved for ave).
      recurrent(node, [a, b], output, r, v, rule) {
        const { epsilon, biasFactor } = resolved(node, rule);
        const mode = (node as MergeDirectionsNode).mode;
        const terms = [v.at(a!, 'cl'), v.at(b!, 'cl')].map((t) => (mode === 'ave' ? mul(v, t, v.w.scalar(0.5)) : t));
        const y = v.at(output, 'cl');
        const s = ratio(v, v.at(r, 'cl'), y, epsilon);
        const share = biasFactor === 1 && epsilon !== 0 ? mul(v, mul(v, signOf(v, y), v.w.scalar(epsilon / 2)), s) : null;
        return terms.map((t, k) => v.make((k === 0 ? a : b)!.shape, share ? add(v, mul(v, t, s), share) : mul(v, t, s), 'cl'));
      },
    },
  });
}
