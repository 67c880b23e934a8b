/**
 * Converter of the ONNX `LSTM`, `GRU` and `RNN` operators: one RecurrentNode per direction (the
 * same cells as the Keras layers, so the recurrent rule explains them), then Y and Y_h assembled
 * from their step outputs. What the cells do not compute is refused by name.
 */
import * as tf from '@tensorflow/tfjs';
import { activationFunction, onnxImport, type GraphNode, type OnnxConversionContext, type OnnxTensor } from '@xai/core';
import type { RecurrentCell } from '../cell.js';
import { GruCell } from '../gru-node.js';
import { GruResetAfterCell } from '../gru-reset-after-node.js';
import { LstmCell } from '../lstm-node.js';
import { RecurrentNode, type InitialState } from '../recurrent-node.js';
import { SimpleRnnCell } from '../simple-rnn-node.js';
import { FinalStatesNode, SequenceOutputNode } from './direction-outputs.js';
import { directionWeights, floatValues, GATES, intValues, type DirectionWeights, type OnnxRecurrentOp } from './recurrent-weights.js';

const { intAttr, stringAttr, batchAtLayout, batchAxisOf } = onnxImport;

/** The activations each operator computes without an `activations` attribute (per direction). */
const DEFAULT_ACTIVATIONS: Readonly<Record<OnnxRecurrentOp, readonly string[]>> = {
  LSTM: ['Sigmoid', 'Tanh', 'Tanh'],
  GRU: ['Sigmoid', 'Tanh'],
  RNN: ['Tanh'],
};

/** Input positions: X, W, R, B, sequence_lens, initial_h, initial_c (LSTM), P (LSTM). */
const enum In { X = 0, W = 1, R = 2, B = 3, SequenceLens = 4, InitialH = 5, InitialC = 6, P = 7 }

const given = (ctx: OnnxConversionContext, i: number): string | null => ctx.node.inputs[i] || null;

/** A constant input, refused by name when it is computed. */
function constantInput(ctx: OnnxConversionContext, i: number, role: string): OnnxTensor | null {
  const name = given(ctx, i);
  if (!name) return null;
  return ctx.constant(name) ?? ctx.unsupported(`${role} '${name}' is computed by the graph; only constant (initializer) ${role} values are supported`);
}

/** Refuses the attributes and inputs that change what the operator computes beyond the cells. */
function checkSupported(ctx: OnnxConversionContext, op: OnnxRecurrentOp, dirs: number): void {
  const { node } = ctx;
  if (node.attributes.clip !== undefined) ctx.unsupported(`clip ${String(node.attributes.clip)} (cell clipping)`);
  if (op === 'LSTM' && intAttr(node, 'input_forget', 0) !== 0) ctx.unsupported('input_forget = 1 (coupled input and forget gates)');
  const activations = node.attributes.activations as readonly string[] | undefined;
  if (activations !== undefined) {
    const expected = Array.from({ length: dirs }, () => DEFAULT_ACTIVATIONS[op]).flat();
    const same = activations.length === expected.length && activations.every((a, i) => a.toLowerCase() === expected[i]!.toLowerCase());
    if (!same) ctx.unsupported(`activations [${activations.join(', ')}]; only the defaults [${expected.join(', ')}] are supported`);
  }
  if (op === 'LSTM') {
    const P = constantInput(ctx, In.P, 'peephole weights P');
    if (P && floatValues(P).some((v) => v !== 0)) ctx.unsupported('peephole connections (input P)');
  }
}

/** sequence_lens: allowed only when every sample runs the full length. */
function checkSequenceLengths(ctx: OnnxConversionContext, steps: number | string): void {
  const lens = constantInput(ctx, In.SequenceLens, 'sequence_lens');
  if (!lens) return;
  const values = intValues(lens);
  if (typeof steps !== 'number' || values.some((v) => v !== steps)) {
    ctx.unsupported(`sequence_lens [${values.join(', ')}] that are not all the full sequence length ${steps} (variable-length sequences)`);
  }
}

/** Rows [N0, H] of direction d of a constant initial state ([dirs, N0, H] for layout 0, [N0, dirs, H] for layout 1). */
function initialRows(t: OnnxTensor, d: number, layout: number): tf.Tensor2D {
  const [a, b, hidden] = t.dims as [number, number, number];
  const [dirs, rows] = layout === 0 ? [a, b] : [b, a];
  const values = floatValues(t);
  const out = new Float32Array(rows * hidden);
  for (let n = 0; n < rows; n++) {
    const from = (layout === 0 ? d * rows + n : n * dirs + d) * hidden;
    out.set(values.subarray(from, from + hidden), n * hidden);
  }
  return tf.tensor2d(out, [rows, hidden]);
}

function makeCell(op: OnnxRecurrentOp, w: DirectionWeights, ctx: OnnxConversionContext, inputSize: number, hidden: number, resetAfter: boolean): RecurrentCell {
  const width = GATES[op] * hidden;
  const weights = {
    kernel: ctx.keep(tf.tensor2d(w.kernel, [inputSize, width])),
    recurrentKernel: ctx.keep(tf.tensor2d(w.recurrentKernel, [hidden, width])),
    bias: w.bias ? ctx.keep(tf.tensor1d(w.bias)) : null,
  };
  const [sigmoid, tanh, linear] = (['sigmoid', 'tanh', 'linear'] as const).map((n) => activationFunction(n)!);
  const cell = (() => {
    switch (op) {
      case 'LSTM':
        return new LstmCell(weights, tanh!, sigmoid!);
      case 'GRU':
        return resetAfter
          ? new GruResetAfterCell(weights, w.recurrentCandidateBias ? ctx.keep(tf.tensor1d(w.recurrentCandidateBias)) : null, tanh!, sigmoid!)
          : new GruCell(weights, tanh!, sigmoid!);
      case 'RNN':
        return new SimpleRnnCell(weights, tanh!, linear!);
    }
  })();
  // The default activations (checkSupported refuses others) by Keras name, for the other executors.
  cell.activationNames = { activation: 'tanh', recurrent: op === 'RNN' ? 'linear' : 'sigmoid' };
  return cell;
}

export function convertOnnxRecurrent(ctx: OnnxConversionContext): void {
  const { node } = ctx;
  const op = node.opType as OnnxRecurrentOp;
  const direction = stringAttr(node, 'direction', 'forward');
  if (!['forward', 'reverse', 'bidirectional'].includes(direction)) ctx.unsupported(`direction '${direction}'`);
  const dirs = direction === 'bidirectional' ? 2 : 1;
  const layout = intAttr(node, 'layout', 0);
  if (layout !== 0 && layout !== 1) ctx.unsupported(`layout ${layout}`);
  checkSupported(ctx, op, dirs);

  const x = node.inputs[In.X]!;
  const xShape = ctx.shape(x);
  if (xShape.length !== 3) ctx.unsupported(`input X '${x}' of rank ${xShape.length}; X is [T, N, I] (layout 0) or [N, T, I] (layout 1)`);
  const W = constantInput(ctx, In.W, 'weights W') ?? ctx.unsupported('no weights W');
  const R = constantInput(ctx, In.R, 'recurrence weights R') ?? ctx.unsupported('no recurrence weights R');
  const B = constantInput(ctx, In.B, 'bias B');
  const [, width, inputSize] = W.dims as [number, number, number];
  const hidden = R.dims[2]!;
  if (W.dims[0] !== dirs || width !== GATES[op] * hidden) ctx.unsupported(`weights W of shape [${W.dims}]; expected [${dirs}, ${GATES[op] * hidden}, I]`);
  checkSequenceLengths(ctx, xShape[layout === 0 ? 0 : 1]!);
  const initialH = constantInput(ctx, In.InitialH, 'initial_h');
  const initialC = op === 'LSTM' ? constantInput(ctx, In.InitialC, 'initial_c') : null;
  for (const t of [initialH, initialC]) {
    const dims = t?.dims ?? [];
    if (t && (dims.length !== 3 || dims[layout === 0 ? 0 : 1] !== dirs || dims[2] !== hidden)) ctx.unsupported(`initial state '${t.name}' of shape [${dims}]; expected ${layout === 0 ? `[${dirs}, N, ${hidden}]` : `[N, ${dirs}, ${hidden}]`}`);
  }
  const resetAfter = op === 'GRU' && intAttr(node, 'linear_before_reset', 0) !== 0;

  // The sequence, batch first: layout 0 reads a time-major value (a Transpose of a batch-first one).
  const xLayout = ctx.storedLayout(x);
  if (batchAxisOf(xLayout) !== (layout === 0 ? 1 : 0)) {
    ctx.unsupported(
      layout === 0
        ? `input X '${x}' is time-major ([T, N, I], layout 0) but its first axis is the model's batch axis; the engine needs a batch-first model input, transposed to [T, N, I] inside the model (as PyTorch exports batch_first=True) or read with layout 1`
        : `input X '${x}' (layout 1) has its batch axis at ONNX axis ${batchAxisOf(xLayout)}`,
    );
  }
  const input = ctx.tensor(x, batchAxisOf(xLayout) === 0 ? 'onnx' : xLayout);

  const weights = { W: floatValues(W), R: floatValues(R), B: B ? floatValues(B) : null };
  const hasState = (t: OnnxTensor | null) => t !== null && floatValues(t).some((v) => v !== 0);
  const nonZeroInitial = hasState(initialH) || hasState(initialC);
  const emitted: GraphNode[] = [];
  const sequences: number[] = [];
  const reversed: boolean[] = [];
  for (let d = 0; d < dirs; d++) {
    const goBackwards = direction === 'reverse' || d === 1;
    const cell = makeCell(op, directionWeights(op, weights, d, hidden, inputSize, resetAfter), ctx, inputSize, hidden, resetAfter);
    const rows = (t: OnnxTensor | null, other: OnnxTensor) => ctx.keep(t ? initialRows(t, d, layout) : tf.zeros<tf.Rank.R2>([other.dims[layout === 0 ? 1 : 0]!, hidden]));
    const initial: InitialState | null = nonZeroInitial ? { h: rows(initialH, (initialH ?? initialC)!), c: op === 'LSTM' ? rows(initialC, (initialC ?? initialH)!) : null } : null;
    const id = ctx.newTensor();
    const name = dirs === 1 ? ctx.name : `${ctx.name}/${d === 0 ? 'forward' : 'backward'}`;
    emitted.push(new RecurrentNode(name, ctx.name, op, [input], id, cell, { goBackwards, returnSequences: true }, initial));
    sequences.push(id);
    reversed.push(goBackwards);
  }
  ctx.emit(...emitted);

  const [y, yH] = node.outputs;
  if (y) {
    const id = ctx.newTensor();
    ctx.emit(new SequenceOutputNode(`${ctx.name}/Y`, ctx.name, op, sequences, id, reversed));
    ctx.bind(y, id, layout === 0 ? batchAtLayout(2) : 'onnx');
  }
  if (yH) {
    const id = ctx.newTensor();
    ctx.emit(new FinalStatesNode(`${ctx.name}/Y_h`, ctx.name, op, sequences, id));
    ctx.bind(yH, id, layout === 0 ? batchAtLayout(1) : 'onnx');
  }
  // Y_c (LSTM) is left unbound: a node that reads it is refused by the importer ("output … was not converted").
}
