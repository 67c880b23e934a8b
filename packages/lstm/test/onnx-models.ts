/**
 * Small ONNX models with recurrent operators, written with core's test builder, and what the tests
 * need to run them in the engine and in onnxruntime.
 */
import * as tf from '@tensorflow/tfjs';
import { forwardAll, loadModel, type XaiModel } from '@xai/core';
import { buildModel, node, tensor, valueInfo, type Dim } from '../../core/test/onnx/build-onnx.js';
import type { OnnxProto } from '../../core/src/import/onnx/proto.js';
import { registerLstmPlugin } from '../src/index.js';
import { rng } from './helpers.js';

export type RecurrentOp = 'LSTM' | 'GRU' | 'RNN';
export type Direction = 'forward' | 'reverse' | 'bidirectional';

export const GATES: Record<RecurrentOp, number> = { LSTM: 4, GRU: 3, RNN: 1 };

export interface RecurrentSpec {
  readonly op: RecurrentOp;
  readonly direction?: Direction;
  readonly layout?: 0 | 1;
  readonly hidden: number;
  readonly inputSize: number;
  readonly batch: number;
  readonly seed: number;
  /** Write B (default true). */
  readonly bias?: boolean;
  /** Non-zero constant initial_h (and initial_c) with this many rows (1 or the batch). */
  readonly initialRows?: number;
  readonly attributes?: Record<string, number | string | readonly string[] | readonly number[]>;
  /** A constant sequence_lens (int32, one per sample). */
  readonly sequenceLens?: readonly number[];
}

const dirsOf = (d: Direction | undefined) => (d === 'bidirectional' ? 2 : 1);

/** Seeded W, R, B (and initial states) of a recurrent operator, as initializers named `${prefix}W` … */
export function recurrentInitializers(spec: RecurrentSpec, prefix = ''): { initializers: OnnxProto.ITensorProto[]; inputs: string[] } {
  const r = rng(spec.seed);
  const dirs = dirsOf(spec.direction);
  const gh = GATES[spec.op] * spec.hidden;
  const initializers = [
    tensor(`${prefix}W`, 'float32', [dirs, gh, spec.inputSize], r.array(dirs * gh * spec.inputSize, -0.7, 0.7)),
    tensor(`${prefix}R`, 'float32', [dirs, gh, spec.hidden], r.array(dirs * gh * spec.hidden, -0.7, 0.7)),
  ];
  const inputs = ['', `${prefix}W`, `${prefix}R`, '', '', '', ''];
  if (spec.bias !== false) {
    initializers.push(tensor(`${prefix}B`, 'float32', [dirs, 2 * gh], r.array(dirs * 2 * gh, -0.5, 0.5)));
    inputs[3] = `${prefix}B`;
  }
  if (spec.initialRows) {
    // Values drawn in layout-0 order [dirs, rows, H] (so both layouts hold the same states), then laid out.
    const rows = spec.initialRows;
    const dims = spec.layout === 1 ? [rows, dirs, spec.hidden] : [dirs, rows, spec.hidden];
    const state = (name: string) => {
      const values = r.array(dirs * rows * spec.hidden, -0.8, 0.8);
      const laid = spec.layout === 1 ? Array.from({ length: values.length }, (_, i) => {
        const [n, d, j] = [Math.floor(i / (dirs * spec.hidden)), Math.floor(i / spec.hidden) % dirs, i % spec.hidden];
        return values[(d * rows + n) * spec.hidden + j]!;
      }) : values;
      initializers.push(tensor(name, 'float32', dims, laid));
    };
    state(`${prefix}h0`);
    inputs[5] = `${prefix}h0`;
    if (spec.op === 'LSTM') {
      state(`${prefix}c0`);
      inputs[6] = `${prefix}c0`;
    }
  }
  if (spec.sequenceLens) {
    initializers.push(tensor(`${prefix}seq_lens`, 'int32', [spec.sequenceLens.length], spec.sequenceLens));
    inputs[4] = `${prefix}seq_lens`;
  }
  while (inputs[inputs.length - 1] === '') inputs.pop();
  return { initializers, inputs };
}

export function recurrentNode(spec: RecurrentSpec, x: string, outputs: readonly string[], inputs: string[], name = 'rnn'): OnnxProto.INodeProto {
  const attributes: Record<string, number | string | readonly string[] | readonly number[]> = { hidden_size: spec.hidden, ...(spec.attributes ?? {}) };
  if (spec.direction) attributes.direction = spec.direction;
  if (spec.layout !== undefined) attributes.layout = spec.layout;
  inputs[0] = x;
  return node(spec.op, inputs, outputs, attributes as never, name);
}

/**
 * x [N, T, I] → (layout 0: Transpose to [T, N, I]) → op → Y and Y_h as batch-first graph outputs
 * `y` [N, T, dirs, H] and `y_h` [N, dirs, H] (layout 0: through Transposes, as exporters write).
 */
export function sequenceModel(spec: RecurrentSpec, steps: number, opset = 14): Uint8Array {
  const dirs = dirsOf(spec.direction);
  const { initializers, inputs } = recurrentInitializers(spec);
  const [N, T, H] = [spec.batch, steps, spec.hidden];
  const nodes =
    spec.layout === 1
      ? [recurrentNode(spec, 'x', ['y', 'y_h'], inputs)]
      : [
          node('Transpose', ['x'], ['x_tnf'], { perm: [1, 0, 2] }),
          recurrentNode(spec, 'x_tnf', ['Y', 'Y_h'], inputs),
          node('Transpose', ['Y'], ['y'], { perm: [2, 0, 1, 3] }),
          node('Transpose', ['Y_h'], ['y_h'], { perm: [1, 0, 2] }),
        ];
  return buildModel({
    opset,
    inputs: [valueInfo('x', 'float32', [N, T, spec.inputSize])],
    outputs: [valueInfo('y', 'float32', [N, T, dirs, H]), valueInfo('y_h', 'float32', [N, dirs, H])],
    nodes,
    initializers,
  });
}

export type Head = 'h_n' | 'out_last' | 'bi_out_slice';

/**
 * A PyTorch-style text classifier: ids [N, T] (int64) → Gather(embedding) → Transpose → op →
 * last step → Gemm (transB). `head` picks how the last step is taken:
 * - 'h_n': Gather(Y_h, −1, axis 0)  (`h_n[-1]`)
 * - 'out_last': Squeeze(Y, 1) → Transpose → Gather(−1, axis 1)  (`out[:, -1]`, unidirectional)
 * - 'bi_out_slice': Transpose(Y, [0, 2, 1, 3]) → Reshape [0, 0, −1] → Transpose → Slice(−1:) → Squeeze  (bidirectional `out[:, -1:]`)
 */
export function classifierModel(spec: RecurrentSpec, o: { steps: number; vocab: number; classes: number; head: Head; opset?: number; batch?: Dim; gemmBias?: boolean }): Uint8Array {
  const opset = o.opset ?? 13;
  const dirs = dirsOf(spec.direction);
  const r = rng(spec.seed + 1000);
  const E = spec.inputSize;
  const features = dirs * spec.hidden;
  const { initializers, inputs } = recurrentInitializers(spec);
  initializers.push(
    tensor('embedding', 'float32', [o.vocab, E], r.array(o.vocab * E, -1, 1)),
    tensor('fc.weight', 'float32', [o.classes, o.head === 'h_n' ? spec.hidden : features], r.array(o.classes * (o.head === 'h_n' ? spec.hidden : features), -0.8, 0.8)),
    tensor('last', 'int64', [], [-1]),
  );
  if (o.gemmBias !== false) initializers.push(tensor('fc.bias', 'float32', [o.classes], r.array(o.classes, -0.3, 0.3)));
  const axesInput = opset >= 13;
  const squeeze = (x: string, out: string, axes: number[]) => {
    if (!axesInput) return [node('Squeeze', [x], [out], { axes })];
    initializers.push(tensor(`${out}_axes`, 'int64', [axes.length], axes));
    return [node('Squeeze', [x, `${out}_axes`], [out])];
  };
  const nodes: OnnxProto.INodeProto[] = [
    node('Gather', ['embedding', 'ids'], ['embedded'], { axis: 0 }),
    node('Transpose', ['embedded'], ['embedded_t'], { perm: [1, 0, 2] }),
    recurrentNode(spec, 'embedded_t', spec.op === 'LSTM' ? ['Y', 'Y_h', 'Y_c'] : ['Y', 'Y_h'], inputs, 'rnn'),
  ];
  if (o.head === 'h_n') {
    nodes.push(node('Gather', ['Y_h', 'last'], ['features'], { axis: 0 }));
  } else if (o.head === 'out_last') {
    nodes.push(...squeeze('Y', 'Y_tnh', [1]), node('Transpose', ['Y_tnh'], ['Y_nth'], { perm: [1, 0, 2] }), node('Gather', ['Y_nth', 'last'], ['features'], { axis: 1 }));
  } else {
    initializers.push(tensor('shape', 'int64', [3], [0, 0, -1]));
    initializers.push(tensor('starts', 'int64', [1], [-1]), tensor('ends', 'int64', [1], [2 ** 31 - 1]), tensor('axes', 'int64', [1], [1]));
    nodes.push(
      node('Transpose', ['Y'], ['Y_tn2h'], { perm: [0, 2, 1, 3] }),
      node('Reshape', ['Y_tn2h', 'shape'], ['Y_t_n_2h']),
      node('Transpose', ['Y_t_n_2h'], ['Y_nt2h'], { perm: [1, 0, 2] }),
      node('Slice', ['Y_nt2h', 'starts', 'ends', 'axes'], ['Y_last']),
      ...squeeze('Y_last', 'features', [1]),
    );
  }
  nodes.push(node('Gemm', o.gemmBias === false ? ['features', 'fc.weight'] : ['features', 'fc.weight', 'fc.bias'], ['logits'], { transB: 1 }));
  const batch = o.batch ?? 'batch';
  return buildModel({
    opset,
    inputs: [valueInfo('ids', 'int64', [batch, o.steps])],
    outputs: [valueInfo('logits', 'float32', [batch, o.classes])],
    nodes,
    initializers,
  });
}

/** Loads ONNX bytes with the plugin registered. */
export async function loadOnnx(bytes: Uint8Array): Promise<XaiModel> {
  registerLstmPlugin();
  return loadModel(bytes, { label: 'test.onnx' });
}

/** Every graph output of the engine's forward pass, in order (caller disposes). */
export function engineOutputs(model: XaiModel, inputs: tf.Tensor[]): tf.Tensor[] {
  const values = forwardAll(model.graph, inputs);
  const outs = model.graph.outputs.map((id) => tf.clone(values.get(id)!));
  for (const [id, t] of values) if (!model.graph.inputs.includes(id)) t.dispose();
  return outs;
}

/**
 * x ['batch', T, I] → Transpose → op with initial states of zeros computed from the batch size, as
 * PyTorch writes for nn.LSTM/nn.GRU without h0 under a dynamic batch axis: Shape → Gather →
 * Unsqueeze → Concat → ConstantOfShape (or Expand of a zero constant). Output y_h [batch, dirs, H].
 */
export function dynamicZeroStateModel(spec: RecurrentSpec, steps: number, zeros: 'ConstantOfShape' | 'Expand'): Uint8Array {
  const dirs = dirsOf(spec.direction);
  const { initializers, inputs } = recurrentInitializers(spec);
  while (inputs.length < (spec.op === 'LSTM' ? 7 : 6)) inputs.push('');
  inputs[5] = 'zeros';
  if (spec.op === 'LSTM') inputs[6] = 'zeros';
  initializers.push(
    tensor('zero', 'int64', [], [0]),
    tensor('axes0', 'int64', [1], [0]),
    tensor('dirs', 'int64', [1], [dirs]),
    tensor('hidden', 'int64', [1], [spec.hidden]),
    tensor('zero_state', 'float32', [1, 1, spec.hidden], Array(spec.hidden).fill(0)),
  );
  const fill = zeros === 'ConstantOfShape' ? node('ConstantOfShape', ['state_shape'], ['zeros'], { value: tensor('value', 'float32', [1], [0]) }) : node('Expand', ['zero_state', 'state_shape'], ['zeros']);
  return buildModel({
    opset: 13,
    inputs: [valueInfo('x', 'float32', ['batch', steps, spec.inputSize])],
    outputs: [valueInfo('y_h', 'float32', ['batch', dirs, spec.hidden])],
    nodes: [
      node('Shape', ['x'], ['x_shape']),
      node('Gather', ['x_shape', 'zero'], ['n'], { axis: 0 }),
      node('Unsqueeze', ['n', 'axes0'], ['n1']),
      node('Concat', ['dirs', 'n1', 'hidden'], ['state_shape'], { axis: 0 }),
      fill,
      node('Transpose', ['x'], ['x_t'], { perm: [1, 0, 2] }),
      recurrentNode(spec, 'x_t', ['Y', 'Y_h'], inputs),
      node('Transpose', ['Y_h'], ['y_h'], { perm: [1, 0, 2] }),
    ],
    initializers,
  });
}

/**
 * Two stacked layers as PyTorch writes `num_layers=2` (bidirectional): x [N, T, I] → Transpose →
 * op → Transpose(Y, [0, 2, 1, 3]) → Reshape [0, 0, −1] → op → Y_h → Transpose → y_h [N, dirs, H].
 */
export function stackedModel(spec: RecurrentSpec, steps: number): Uint8Array {
  const dirs = dirsOf(spec.direction);
  const first = recurrentInitializers(spec, 'l0.');
  const secondSpec = { ...spec, inputSize: dirs * spec.hidden, seed: spec.seed + 1 };
  const second = recurrentInitializers(secondSpec, 'l1.');
  return buildModel({
    opset: 13,
    inputs: [valueInfo('x', 'float32', ['batch', steps, spec.inputSize])],
    outputs: [valueInfo('y_h', 'float32', ['batch', dirs, spec.hidden])],
    nodes: [
      node('Transpose', ['x'], ['x_t'], { perm: [1, 0, 2] }),
      recurrentNode(spec, 'x_t', ['Y0', 'Y0_h'], first.inputs, 'layer0'),
      node('Transpose', ['Y0'], ['Y0_t'], { perm: [0, 2, 1, 3] }),
      node('Reshape', ['Y0_t', 'shape'], ['X1']),
      recurrentNode(secondSpec, 'X1', ['Y1', 'Y1_h'], second.inputs, 'layer1'),
      node('Transpose', ['Y1_h'], ['y_h'], { perm: [1, 0, 2] }),
    ],
    initializers: [...first.initializers, ...second.initializers, tensor('shape', 'int64', [3], [0, 0, -1])],
  });
}
