/**
 * Recurrent layers (LSTM, GRU, SimpleRNN) for core's 'ort' executor, with the time steps unrolled
 * (the compiled graph has a fixed input shape): the forward pass, and the `recurrent` LRP rule step
 * by step from the last step to the first, as recurrent-node.ts computes them with the cells of
 * ort-recurrent-cells.ts (Keras masking included; the rule recomputes the forward pass, as the tfjs
 * executor does). Bidirectional's reversal and merges compile too. Per-layer rule options compile
 * (the rule's parameters, which key the compiled graphs, include them). Recurrent layers imported
 * from ONNX compile too: their constant initial states become initializers, and their Y and Y_h
 * (onnx/direction-outputs.ts) are rearrangements. `onInitialState` reports are not compiled (tfjs
 * runs them, after core's notice).
 */
import { registerOrtNodeSteps, type GraphNode, type OrtValue, type OrtValues, type Rule } from '@xai/core';
import type { MergeDirectionsNode } from './bidirectional.js';
import { ortCell, type OrtCell, type OrtCellState } from './ort-recurrent-cells.js';
import { add, fail, keepMasked, mul, reverseTime, splitSum, stack, stepOf, weights } from './ort-recurrent-ops.js';
import { RecurrentNode } from './recurrent-node.js';
import { recurrentRuleOptions, resolveRecurrentRule, type ResolvedRecurrentRule } from './recurrent-rule.js';

interface Unrolled {
  /** The input in processing order [B, T, D]. */
  readonly xs: string;
  readonly traces: unknown[];
  /** h after each step. */
  readonly hs: string[];
  /** Per step [B, 1]: 1 where the step is computed, 0 where the mask carries the state over. */
  readonly masks: string[] | null;
}

function recurrentOf(node: GraphNode, v: OrtValues): { node: RecurrentNode; cell: OrtCell } {
  const where = `layer '${node.layerName}' (${node.layerClass})`;
  if (!(node instanceof RecurrentNode)) return fail(`${where}: not a recurrent node`);
  return { node, cell: ortCell(node.cell, v, where) };
}

/** h₀ (and c₀): zeros, or the constant initial state as initializers (recurrent-node.ts `startState`). */
function startState(node: RecurrentNode, cell: OrtCell, batch: number, v: OrtValues): OrtCellState {
  const zero = v.filled([batch, cell.units], 0, 'cl').names.cl!;
  const start: OrtCellState = { h: zero, c: cell.hasCarry ? zero : null };
  const initial = node.initial;
  if (!initial) return start;
  // A batch other than the one the model was exported for: tfjs runs it and names the mismatch.
  if (initial.h.shape[0] !== batch) fail(`the constant initial state of layer '${node.layerName}' (${initial.h.shape[0]} rows) on a batch of ${batch}`);
  return { h: weights(v, 'initial_h', initial.h), c: initial.c ? weights(v, 'initial_c', initial.c) : start.c };
}

function unroll(node: RecurrentNode, cell: OrtCell, [x, ids]: readonly OrtValue[], v: OrtValues): Unrolled {
  const [batch, steps, inputDim] = x!.shape as [number, number, number];
  const back = node.sequence.goBackwards;
  const xs = back ? reverseTime(v.at(x!, 'cl'), steps, v) : v.at(x!, 'cl');
  const flat = v.w.op('MatMul', [v.w.op('Reshape', [xs, v.w.int64s([batch * steps, inputDim])]), cell.kernel]);
  const projected = v.w.op('Reshape', [cell.bias ? add(v, flat, cell.bias) : flat, v.w.int64s([batch, steps, -1])]);
  let masks: string[] | null = null;
  if (ids) {
    const kept = v.w.op('Cast', [v.w.op('Not', [v.w.op('Equal', [v.at(ids, 'cl'), v.w.scalar(0)])])], { to: 1 });
    const ordered = back ? reverseTime(kept, steps, v) : kept;
    masks = Array.from({ length: steps }, (_, t) => v.w.op('Unsqueeze', [stepOf(ordered, t, v), v.w.int64s([1])]));
  }
  let state = startState(node, cell, batch, v);
  const traces: unknown[] = [];
  const hs: string[] = [];
  for (let t = 0; t < steps; t++) {
    const next = cell.step(stepOf(projected, t, v), state);
    traces.push(next.trace);
    const m = masks?.[t];
    state = m ? { h: keepMasked(v, m, next.state.h, state.h), c: state.c && keepMasked(v, m, next.state.c!, state.c) } : next.state;
    hs.push(state.h);
  }
  return { xs, traces, hs, masks };
}

function recurrentForward(graphNode: GraphNode, inputs: readonly OrtValue[], v: OrtValues): OrtValue {
  const { node, cell } = recurrentOf(graphNode, v);
  const run = unroll(node, cell, inputs, v);
  const [batch, steps] = inputs[0]!.shape as [number, number];
  return node.sequence.returnSequences ? v.make([batch, steps, cell.units], stack(run.hs, v), 'cl') : v.make([batch, cell.units], run.hs[steps - 1]!, 'cl');
}

function resolved(node: GraphNode, rule: Rule): ResolvedRecurrentRule {
  const options = recurrentRuleOptions(rule) ?? fail(`rule '${rule.name}' on layer '${node.layerName}' (not made by recurrentRule)`);
  if (options.onInitialState) fail(`the recurrent rule's onInitialState report (layer '${node.layerName}')`);
  return resolveRecurrentRule(options, node.layerName);
}

/** The `recurrent` rule through a recurrent layer (recurrent-node.ts `lrp`). */
function recurrentRelevance(graphNode: GraphNode, inputs: readonly OrtValue[], _output: OrtValue, r: OrtValue, v: OrtValues, rule: Rule): (OrtValue | null)[] {
  const { node, cell } = recurrentOf(graphNode, v);
  const resolvedRule = resolved(node, rule);
  const run = unroll(node, cell, inputs, v);
  const x = inputs[0]!;
  const [batch, steps, inputDim] = x.shape as [number, number, number];
  const rIn = v.at(r, 'cl');
  const zero = v.filled([batch, cell.units], 0, 'cl').names.cl!;
  let rh = zero;
  let rc = cell.hasCarry ? zero : null;
  const ratios: string[] = [];
  const shares: string[] = [];
  for (let t = steps - 1; t >= 0; t--) {
    if (node.sequence.returnSequences) rh = add(v, rh, stepOf(rIn, t, v));
    else if (t === steps - 1) rh = add(v, rh, rIn);
    const step = cell.lrpStep(run.traces[t], rh, rc, resolvedRule);
    const m = run.masks?.[t];
    ratios[t] = m ? mul(v, step.s, m) : step.s;
    if (step.share) shares[t] = m ? mul(v, step.share, m) : step.share;
    rh = m ? keepMasked(v, m, step.rh, rh) : step.rh;
    rc = rc && (m ? keepMasked(v, m, step.rc!, rc) : step.rc);
  }
  // x_t ⊙ (s_t · W_signalᵀ), all steps at once.
  const s = v.w.op('Reshape', [stack(ratios, v), v.w.int64s([batch * steps, cell.units])]);
  const toInput = v.w.op('Reshape', [v.w.op('MatMul', [s, cell.signalKernelT()]), v.w.int64s([batch, steps, inputDim])]);
  let rx = mul(v, run.xs, toInput);
  if (shares.length > 0) rx = add(v, rx, stack(shares, v));
  if (node.sequence.goBackwards) rx = reverseTime(rx, steps, v);
  const relevance = v.make(x.shape, rx, 'cl');
  return inputs.length > 1 ? [relevance, null] : [relevance];
}

export function registerLstmOrtRecurrentSteps(): void {
  registerOrtNodeSteps('recurrent', { forward: recurrentForward, rules: { recurrent: recurrentRelevance } });
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
        const mode = (node as MergeDirectionsNode).mode;
        const terms = [v.at(a!, 'cl'), v.at(b!, 'cl')].map((t) => (mode === 'ave' ? mul(v, t, v.w.scalar(0.5)) : t));
        const split = splitSum(v, terms, v.at(output, 'cl'), v.at(r, 'cl'), resolved(node, rule));
        return split.map((t, k) => v.make((k === 0 ? a : b)!.shape, t, 'cl'));
      },
    },
  });
}
