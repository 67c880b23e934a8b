/**
 * What the ONNX recurrent converter refuses, and that each refusal names the operator type, the
 * node and what is not supported.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, InvalidArgumentError, UnsupportedLayerError } from '@xai/core';
import { buildModel, node, tensor, valueInfo } from '../../core/test/onnx/build-onnx.js';
import type { OnnxProto } from '../../core/src/import/onnx/proto.js';
import { engineOutputs, loadOnnx, recurrentInitializers, recurrentNode, type RecurrentSpec } from './onnx-models.js';

const [N, T, I, H] = [2, 4, 2, 3];

interface Variant {
  readonly spec?: Partial<RecurrentSpec>;
  /** Edits the operator's input list (X, W, R, B, sequence_lens, initial_h, initial_c, P). */
  readonly inputs?: (inputs: string[]) => void;
  readonly initializers?: OnnxProto.ITensorProto[];
  readonly graphInputs?: OnnxProto.IValueInfoProto[];
  /** Nodes after the operator, and the graph outputs (default: Y_h transposed to y_h [N, 1, H]). */
  readonly after?: OnnxProto.INodeProto[];
  readonly outputs?: OnnxProto.IValueInfoProto[];
  /** Feed X straight from a time-major model input [T, N, I] (no Transpose). */
  readonly timeMajorInput?: boolean;
  readonly opOutputs?: string[];
}

/** x [N, T, I] → Transpose → LSTM 'rnn' → Y_h → Transpose → y_h, with the variant's changes. */
function model(v: Variant = {}): Uint8Array {
  const spec: RecurrentSpec = { op: 'LSTM', hidden: H, inputSize: I, batch: N, seed: 5, ...v.spec };
  const { initializers, inputs } = recurrentInitializers(spec);
  while (inputs.length < 8) inputs.push('');
  v.inputs?.(inputs);
  while (inputs[inputs.length - 1] === '') inputs.pop();
  const x = v.timeMajorInput ? 'x' : 'x_t';
  const nodes = [
    ...(v.timeMajorInput ? [] : [node('Transpose', ['x'], ['x_t'], { perm: [1, 0, 2] })]),
    recurrentNode(spec, x, v.opOutputs ?? ['Y', 'Y_h', 'Y_c'], inputs, 'rnn'),
    ...(v.after ?? [node('Transpose', ['Y_h'], ['y_h'], { perm: [1, 0, 2] })]),
  ];
  return buildModel({
    opset: 14,
    inputs: [valueInfo('x', 'float32', v.timeMajorInput ? [T, N, I] : [N, T, I]), ...(v.graphInputs ?? [])],
    outputs: v.outputs ?? [valueInfo('y_h', 'float32', [N, 1, H])],
    nodes,
    initializers: [...initializers, ...(v.initializers ?? [])],
  });
}

async function expectRefused(bytes: Uint8Array, detail: RegExp, nodeName = 'rnn', opType = 'LSTM'): Promise<void> {
  const error = await loadOnnx(bytes).then(
    (m) => (m.dispose(), null),
    (e: unknown) => e as Error,
  );
  expect(error, 'the model should be refused').toBeInstanceOf(UnsupportedLayerError);
  expect(error!.message).toContain(`ONNX node '${nodeName}' of type ${opType} is not supported`);
  expect(error!.message).toMatch(detail);
}

describe('ONNX recurrent operators: refusals name the operator, the node and the reason', () => {
  beforeAll(async () => {
    await initBackend();
  });

  it('peephole weights P (non-zero); all-zero P is no peephole and loads', async () => {
    const P = (value: number) => tensor('P', 'float32', [1, 3 * H], Array(3 * H).fill(value));
    await expectRefused(model({ initializers: [P(0.5)], inputs: (ins) => (ins[7] = 'P') }), /peephole connections \(input P\)/);
    const ok = await loadOnnx(model({ initializers: [P(0)], inputs: (ins) => (ins[7] = 'P') }));
    ok.dispose();
  });

  it('clip', async () => {
    await expectRefused(model({ spec: { attributes: { clip: 1.5 } } }), /clip 1\.5 \(cell clipping\)/);
  });

  it('input_forget = 1', async () => {
    await expectRefused(model({ spec: { attributes: { input_forget: 1 } } }), /input_forget = 1/);
  });

  it('non-default activations (LSTM, GRU, RNN)', async () => {
    await expectRefused(model({ spec: { attributes: { activations: ['Sigmoid', 'Relu', 'Tanh'] } } }), /activations \[Sigmoid, Relu, Tanh\]; only the defaults \[Sigmoid, Tanh, Tanh\]/);
    await expectRefused(model({ spec: { op: 'GRU', attributes: { activations: ['HardSigmoid', 'Tanh'] } }, opOutputs: ['Y', 'Y_h'] }), /activations \[HardSigmoid, Tanh\]/, 'rnn', 'GRU');
    await expectRefused(model({ spec: { op: 'RNN', attributes: { activations: ['Relu'] } }, opOutputs: ['Y', 'Y_h'] }), /activations \[Relu\]; only the defaults \[Tanh\]/, 'rnn', 'RNN');
  });

  it('sequence_lens shorter than the sequence, or computed', async () => {
    const lens = tensor('lens', 'int32', [N], [T, 2]);
    await expectRefused(model({ initializers: [lens], inputs: (ins) => (ins[4] = 'lens') }), /sequence_lens \[4, 2\] that are not all the full sequence length 4/);
    await expectRefused(model({ graphInputs: [valueInfo('lens_in', 'int32', [N])], inputs: (ins) => (ins[4] = 'lens_in') }), /sequence_lens 'lens_in' is computed by the graph/);
  });

  it('initial states that are not constants', async () => {
    await expectRefused(model({ graphInputs: [valueInfo('h0', 'float32', [1, N, H])], inputs: (ins) => (ins[5] = 'h0') }), /initial_h 'h0' is computed by the graph; only constant/);
    await expectRefused(model({ graphInputs: [valueInfo('c0', 'float32', [1, N, H])], inputs: (ins) => (ins[6] = 'c0') }), /initial_c 'c0' is computed by the graph/);
  });

  it('a time-major model input (layout 0 without a Transpose inside the model)', async () => {
    await expectRefused(model({ timeMajorInput: true }), /input X 'x' is time-major \(\[T, N, I\], layout 0\) but its first axis is the model's batch axis/);
  });

  it('a node reading Y_c (the final cell state is not converted)', async () => {
    await expectRefused(model({ after: [node('Transpose', ['Y_c'], ['y_c'], { perm: [1, 0, 2] })], outputs: [valueInfo('y_c', 'float32', [N, 1, H])] }), /output 'Y_c' was not converted/);
  });

  it('time-major values where the batch axis cannot follow: a graph output, an element-wise node, a gather along the batch axis', async () => {
    const outputs = [valueInfo('Y', 'float32', [T, 1, N, H])];
    await expect(loadOnnx(model({ after: [], outputs }))).rejects.toThrow(/'Y'.*the graph output has its batch axis at ONNX axis 2/);
    const relu = model({ after: [node('Relu', ['Y'], ['y_relu'], {}, 'relu'), node('Transpose', ['y_relu'], ['y'], { perm: [2, 0, 1, 3] })], outputs: [valueInfo('y', 'float32', [N, T, 1, H])] });
    await expectRefused(relu, /input 'Y' has its batch axis at ONNX axis 2/, 'relu', 'Relu');
    const gather = model({ initializers: [tensor('first', 'int64', [], [0])], after: [node('Gather', ['Y_h', 'first'], ['h'], { axis: 1 }, 'pick')], outputs: [valueInfo('h', 'float32', [1, H])] });
    await expectRefused(gather, /gathering along axis 1, the batch axis of 'Y_h'/, 'pick', 'Gather');
  });

  it('a constant initial state exported for another batch size is refused when run', async () => {
    const m = await loadOnnx(model({ spec: { initialRows: N } }));
    const x = tf.zeros([N + 1, T, I]);
    expect(() => engineOutputs(m, [x])).toThrow(InvalidArgumentError);
    expect(() => engineOutputs(m, [x])).toThrow(/recurrent node 'rnn': its constant initial state holds 2 rows but the input batch has 3 samples/);
    x.dispose();
    m.dispose();
  });
});
