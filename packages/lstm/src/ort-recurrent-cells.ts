/**
 * The cells of recurrent layers as ONNX nodes, one time step at a time: each mirrors the `step`
 * and `lrpStep` of its tfjs class (lstm-node.ts, gru-node.ts, gru-reset-after-node.ts,
 * simple-rnn-node.ts) on the step's input projection x_t·W + b. ort-recurrent-steps.ts unrolls
 * them over the sequence.
 */
import type { OrtValues } from '@xai/core';
import type { RecurrentCell } from './cell.js';
import { GruCell } from './gru-node.js';
import { GruResetAfterCell } from './gru-reset-after-node.js';
import { LstmCell } from './lstm-node.js';
import { activate, add, epsilonRatio, fail, lastAxisSlice, mul, oneMinus, splitSum, weights } from './ort-recurrent-ops.js';
import type { ResolvedRecurrentRule } from './recurrent-rule.js';
import { SimpleRnnCell } from './simple-rnn-node.js';

export interface OrtCellState {
  readonly h: string;
  /** The LSTM's carry (null for GRU and SimpleRNN). */
  readonly c: string | null;
}

/** What one LRP step sends back (cell.ts `LrpStep`). */
export interface OrtLrpStep {
  readonly s: string;
  readonly share: string | null;
  readonly rh: string;
  readonly rc: string | null;
}

export interface OrtCell<Trace = unknown> {
  readonly units: number;
  readonly hasCarry: boolean;
  /** x_t·W + b's kernel and bias (all gate blocks). */
  readonly kernel: string;
  readonly bias: string | null;
  /** The signal pre-activation's kernel columns, transposed: [units, inputDim] (LRP to x_t). */
  signalKernelT(): string;
  step(xw: string, state: OrtCellState): { state: OrtCellState; trace: Trace };
  lrpStep(trace: Trace, rh: string, rc: string | null, rule: ResolvedRecurrentRule): OrtLrpStep;
}

/** Builds each derived weight (a slice or transpose) once per node, when first used. */
const once = <T>(make: () => T): (() => T) => {
  let made: T | undefined;
  return () => (made ??= make());
};

/** The weights of a cell as initializers, with gate blocks (and their transposes) made on demand. */
function cellWeights(cell: RecurrentCell, hint: string, v: OrtValues) {
  const kernel = weights(v, `${hint}_kernel`, cell.weights.kernel);
  const recurrent = weights(v, `${hint}_recurrent`, cell.weights.recurrentKernel);
  const bias = cell.weights.bias ? weights(v, `${hint}_bias`, cell.weights.bias) : null;
  const block = (name: string, index: number, count = 1) => lastAxisSlice(v, name, index * cell.units, count * cell.units);
  const transposed = (name: string) => v.w.op('Transpose', [name]);
  return { kernel, recurrent, bias, block, transposed };
}

function lstm(cell: LstmCell, v: OrtValues, where: string, names: { activation: string; recurrent: string }): OrtCell {
  const { kernel, recurrent, bias, block, transposed } = cellWeights(cell, 'lstm', v);
  const units = cell.units;
  const signalRecurrentT = once(() => transposed(block(recurrent, 2)));
  const signalBias = once(() => (bias ? block(bias, 2) : null));
  type Trace = { hPrev: string; cPrev: string; zg: string; i: string; f: string; g: string; c: string };
  const ortCell: OrtCell<Trace> = {
    units,
    hasCarry: true,
    kernel,
    bias,
    signalKernelT: once(() => transposed(block(kernel, 2))),
    step(xw, { h, c }) {
      const z = add(v, xw, v.w.op('MatMul', [h, recurrent]));
      const [zi, zf, zg, zo] = v.w.ops('Split', [z, v.w.int64s([units, units, units, units])], { axis: 1 }, 4) as [string, string, string, string];
      const [i, f, g, o] = [activate(names.recurrent, zi, v, where), activate(names.recurrent, zf, v, where), activate(names.activation, zg, v, where), activate(names.recurrent, zo, v, where)];
      const cNew = add(v, mul(v, f, c!), mul(v, i, g));
      const hNew = mul(v, o, activate(names.activation, cNew, v, where));
      return { state: { h: hNew, c: cNew }, trace: { hPrev: h, cPrev: c!, zg, i, f, g, c: cNew } };
    },
    lrpStep(t, rh, rc, rule) {
      // h_t's relevance all to c_t; c_t's split between f ⊙ c_{t−1} and i ⊙ g; z_g by the epsilon rule.
      const [rcPrev, rg] = splitSum(v, [mul(v, t.f, t.cPrev), mul(v, t.i, t.g)], t.c, add(v, rc!, rh), rule) as [string, string];
      const { s, share } = epsilonRatio(v, t.zg, rg, signalBias(), cell.fanIn, rule);
      const fromH = mul(v, t.hPrev, v.w.op('MatMul', [s, signalRecurrentT()]));
      return { s, share, rh: share ? add(v, fromH, share) : fromH, rc: rcPrev };
    },
  };
  return ortCell as OrtCell;
}

function gru(cell: GruCell, v: OrtValues, where: string, names: { activation: string; recurrent: string }): OrtCell {
  const { kernel, recurrent, bias, block, transposed } = cellWeights(cell, 'gru', v);
  const units = cell.units;
  const gateRecurrent = once(() => block(recurrent, 0, 2));
  const candidateRecurrent = once(() => block(recurrent, 2));
  const candidateRecurrentT = once(() => transposed(candidateRecurrent()));
  const signalBias = once(() => (bias ? block(bias, 2) : null));
  type Trace = { hPrev: string; z: string; resetH: string; zh: string; candidate: string; h: string };
  const ortCell: OrtCell<Trace> = {
    units,
    hasCarry: false,
    kernel,
    bias,
    signalKernelT: once(() => transposed(block(kernel, 2))),
    step(xw, { h }) {
      const [xz, xr, xh] = v.w.ops('Split', [xw, v.w.int64s([units, units, units])], { axis: 1 }, 3) as [string, string, string];
      const [uz, ur] = v.w.ops('Split', [v.w.op('MatMul', [h, gateRecurrent()]), v.w.int64s([units, units])], { axis: 1 }, 2) as [string, string];
      const z = activate(names.recurrent, add(v, xz, uz), v, where);
      const r = activate(names.recurrent, add(v, xr, ur), v, where);
      const resetH = mul(v, r, h);
      const zh = add(v, xh, v.w.op('MatMul', [resetH, candidateRecurrent()]));
      const candidate = activate(names.activation, zh, v, where);
      const hNew = add(v, mul(v, z, h), mul(v, oneMinus(v, z), candidate));
      return { state: { h: hNew, c: null }, trace: { hPrev: h, z, resetH, zh, candidate, h: hNew } };
    },
    lrpStep(t, rh, _rc, rule) {
      // h_t's relevance split between z ⊙ h_{t−1} and (1 − z) ⊙ ĥ; ĥ's pre-activation by the epsilon rule; r ⊙ h_{t−1} passes its share to h_{t−1}.
      const [direct, rCandidate] = splitSum(v, [mul(v, t.z, t.hPrev), mul(v, oneMinus(v, t.z), t.candidate)], t.h, rh, rule) as [string, string];
      const { s, share } = epsilonRatio(v, t.zh, rCandidate, signalBias(), cell.fanIn, rule);
      const fromReset = mul(v, t.resetH, v.w.op('MatMul', [s, candidateRecurrentT()]));
      return { s, share, rh: add(v, direct, share ? add(v, fromReset, share) : fromReset), rc: null };
    },
  };
  return ortCell as OrtCell;
}

/** gru-reset-after-node.ts: the reset gate scales h_{t−1}·U_h + b'_h; ĥ's bias for LRP is b_h + r ⊙ b'_h per sample. */
function gruResetAfter(cell: GruResetAfterCell, v: OrtValues, where: string, names: { activation: string; recurrent: string }): OrtCell {
  const { kernel, recurrent, bias, block, transposed } = cellWeights(cell, 'gru', v);
  const units = cell.units;
  const recurrentBias = cell.recurrentBias ? weights(v, 'gru_recurrent_bias', cell.recurrentBias) : null;
  const candidateRecurrentT = once(() => transposed(block(recurrent, 2)));
  const signalBias = once(() => (bias ? block(bias, 2) : null));
  type Trace = { hPrev: string; z: string; r: string; zh: string; candidate: string; h: string };
  const ortCell: OrtCell<Trace> = {
    units,
    hasCarry: false,
    kernel,
    bias,
    signalKernelT: once(() => transposed(block(kernel, 2))),
    step(xw, { h }) {
      const [xz, xr, xh] = v.w.ops('Split', [xw, v.w.int64s([units, units, units])], { axis: 1 }, 3) as [string, string, string];
      const [uz, ur, uh] = v.w.ops('Split', [v.w.op('MatMul', [h, recurrent]), v.w.int64s([units, units, units])], { axis: 1 }, 3) as [string, string, string];
      const q = recurrentBias ? add(v, uh, recurrentBias) : uh;
      const z = activate(names.recurrent, add(v, xz, uz), v, where);
      const r = activate(names.recurrent, add(v, xr, ur), v, where);
      const zh = add(v, xh, mul(v, r, q));
      const candidate = activate(names.activation, zh, v, where);
      const hNew = add(v, mul(v, z, h), mul(v, oneMinus(v, z), candidate));
      return { state: { h: hNew, c: null }, trace: { hPrev: h, z, r, zh, candidate, h: hNew } };
    },
    lrpStep(t, rh, _rc, rule) {
      const [direct, rCandidate] = splitSum(v, [mul(v, t.z, t.hPrev), mul(v, oneMinus(v, t.z), t.candidate)], t.h, rh, rule) as [string, string];
      const gated = recurrentBias ? mul(v, t.r, recurrentBias) : null;
      const sampleBias = gated ? (signalBias() ? add(v, signalBias()!, gated) : gated) : signalBias();
      const { s, share } = epsilonRatio(v, t.zh, rCandidate, sampleBias, cell.fanIn, rule);
      // h_{t−1,k} contributes h_{t−1,k}·r_j·U_h[k, j] to unit j.
      const fromH = mul(v, t.hPrev, v.w.op('MatMul', [mul(v, s, t.r), candidateRecurrentT()]));
      return { s, share, rh: add(v, direct, share ? add(v, fromH, share) : fromH), rc: null };
    },
  };
  return ortCell as OrtCell;
}

function simpleRnn(cell: SimpleRnnCell, v: OrtValues, where: string, names: { activation: string }): OrtCell {
  const { kernel, recurrent, bias, transposed } = cellWeights(cell, 'rnn', v);
  const recurrentT = once(() => transposed(recurrent));
  type Trace = { hPrev: string; z: string };
  const ortCell: OrtCell<Trace> = {
    units: cell.units,
    hasCarry: false,
    kernel,
    bias,
    signalKernelT: once(() => transposed(kernel)),
    step(xw, { h }) {
      const z = add(v, xw, v.w.op('MatMul', [h, recurrent]));
      return { state: { h: activate(names.activation, z, v, where), c: null }, trace: { hPrev: h, z } };
    },
    lrpStep(t, rh, _rc, rule) {
      // h_t's relevance passes the activation; the epsilon rule spreads it to x_t and h_{t−1}.
      const { s, share } = epsilonRatio(v, t.z, rh, bias, cell.fanIn, rule);
      const fromH = mul(v, t.hPrev, v.w.op('MatMul', [s, recurrentT()]));
      return { s, share, rh: share ? add(v, fromH, share) : fromH, rc: null };
    },
  };
  return ortCell as OrtCell;
}

/** The ONNX form of a recurrent layer's cell; NotCompilableError for the cells only the tfjs executor runs. */
export function ortCell(cell: RecurrentCell, v: OrtValues, where: string): OrtCell {
  const names = cell.activationNames;
  if (!names) return fail(`${where}: its cell records no activation names (not compiled)`);
  if (cell instanceof LstmCell) return lstm(cell, v, where, names);
  if (cell instanceof GruCell) return gru(cell, v, where, names);
  if (cell instanceof GruResetAfterCell) return gruResetAfter(cell, v, where, names);
  if (cell instanceof SimpleRnnCell) return simpleRnn(cell, v, where, names);
  return fail(`the ${cell.constructor.name} of ${where} (not compiled)`);
}
