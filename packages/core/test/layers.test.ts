/**
 * Every supported layer kind: the engine's forward logits match model.predict, and the engine's
 * gradient (its own transposed ops, no autodiff) matches tfjs autodiff (tf.grad) of the same model
 * output. References are computed on the pure-JS 'cpu' backend (wasm lacks some gradient kernels,
 * e.g. DepthwiseConv2dNativeBackpropInput); the engine runs on both 'cpu' and 'wasm' (tensors migrate
 * between backends on use), and both must match.
 *
 * For average pooling, tf.grad is not an independent reference: the engine's transposed average
 * pooling runs tfjs' AvgPoolGrad kernel, the very kernel tf.grad uses. Those cases (and the simple
 * linear/smooth ones marked `fd`) are also checked against central finite differences of model.predict.
 *
 * Also: a final softmax is stripped (logits are explained), a batch of 3 with per-sample targets equals
 * 3 single (unbatched) calls, and an out-of-range target throws InvalidArgumentError naming the output.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gradient, initBackend, InvalidArgumentError, lrp, XaiModel, type Explanation } from '../src/index.js';
import { expectClose, prod, rng, rows, type Rng } from './helpers.js';

const BATCH = 3;
const BACKENDS = ['cpu', 'wasm'] as const;

// ---- Keras layers tfjs-layers does not ship: ZeroPadding1D and Cropping1D with Keras semantics ----

class ZeroPadding1D extends tf.layers.Layer {
  static className = 'ZeroPadding1D';
  readonly padding: [number, number];
  constructor(args: { padding: [number, number]; name?: string; inputShape?: number[] }) {
    super({ name: args.name, inputShape: args.inputShape });
    this.padding = args.padding;
  }
  override computeOutputShape(s: tf.Shape): tf.Shape {
    return [s[0]!, s[1] === null ? null : s[1]! + this.padding[0] + this.padding[1], s[2]!];
  }
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    return tf.pad(x, [[0, 0], this.padding, [0, 0]]);
  }
  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), padding: this.padding };
  }
}
tf.serialization.registerClass(ZeroPadding1D);

class Cropping1D extends tf.layers.Layer {
  static className = 'Cropping1D';
  readonly cropping: [number, number];
  constructor(args: { cropping: [number, number]; name?: string; inputShape?: number[] }) {
    super({ name: args.name, inputShape: args.inputShape });
    this.cropping = args.cropping;
  }
  override computeOutputShape(s: tf.Shape): tf.Shape {
    return [s[0]!, s[1] === null ? null : s[1]! - this.cropping[0] - this.cropping[1], s[2]!];
  }
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    return tf.slice(x, [0, this.cropping[0], 0], [-1, x.shape[1]! - this.cropping[0] - this.cropping[1], -1]);
  }
  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), cropping: this.cropping };
  }
}
tf.serialization.registerClass(Cropping1D);

// ---- seeded weights ------------------------------------------------------------------------------

function seedLayer(layer: tf.layers.Layer, r: Rng): void {
  if (layer instanceof tf.LayersModel) {
    layer.layers.forEach((l) => seedLayer(l, r));
    return;
  }
  const ws = layer.getWeights();
  if (ws.length === 0) return;
  if (layer.getClassName() === 'BatchNormalization') {
    const n = ws[0]!.size;
    layer.setWeights([r.array(n, 0.5, 1.5), r.array(n, -0.5, 0.5), r.array(n, -0.5, 0.5), r.array(n, 0.5, 2)].map((v) => tf.tensor1d(v)));
    return;
  }
  layer.setWeights(
    ws.map((w) => {
      const fanIn = w.rank > 1 ? prod(w.shape.slice(0, -1)) : 3;
      const a = Math.sqrt(6 / fanIn);
      return tf.tensor(r.array(w.size, -a, a), w.shape);
    }),
  );
}

// ---- cases -----------------------------------------------------------------------------------------

interface Built {
  /** The model the engine explains. */
  readonly model: tf.LayersModel;
  /** The same function without a final softmax (the reference logits); default `model`. */
  readonly logits?: tf.LayersModel;
}

interface LayerCase {
  readonly name: string;
  readonly build: () => Built;
  /** Output head (index or name) for multi-output models. */
  readonly output?: number | string;
  /** Also compare with central finite differences of model.predict (models smooth at the scale h). */
  readonly fd?: boolean;
  /** tfjs autodiff cannot differentiate the model (dilated convolutions) or gets it wrong: finite differences only. */
  readonly noAutodiff?: boolean;
  /** tfjs-backend-wasm's own kernel computes this model wrongly: model.predict on wasm is not a reference. */
  readonly wasmPredictWrong?: boolean;
}

const L = tf.layers;
const seq = (layers: tf.layers.Layer[]) => tf.sequential({ layers });
const dense = (units: number, extra: Record<string, unknown> = {}) => L.dense({ units, ...extra });

/** A sequential model body → Flatten → Dense(3). */
const head = (...layers: tf.layers.Layer[]): Built => ({ model: seq([...layers, L.flatten(), dense(3)]) });

/** Builds `make(true)` (final softmax) and `make(false)` with the same weights. */
function withSoftmax(make: (softmax: boolean) => tf.LayersModel): () => Built {
  return () => {
    const model = make(true);
    const logits = make(false);
    logits.setWeights(model.getWeights());
    return { model, logits };
  };
}

const CASES: LayerCase[] = [
  { name: 'Dense', build: () => ({ model: seq([dense(5, { inputShape: [6] }), dense(4)]) }), fd: true },
  { name: 'Dense on a rank-3 input (applied per time step)', build: () => head(dense(5, { inputShape: [4, 3], activation: 'tanh' })), fd: true },
  { name: 'Conv1D stride 2 same, tanh', build: () => head(L.conv1d({ inputShape: [11, 3], filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'tanh' })), fd: true },
  { name: 'Conv1D dilation 2 valid', build: () => head(L.conv1d({ inputShape: [11, 2], filters: 3, kernelSize: 3, dilationRate: 2 })), fd: true, noAutodiff: true },
  { name: 'Conv2D 3×2 strides 2×1 same, elu', build: () => head(L.conv2d({ inputShape: [7, 6, 2], filters: 3, kernelSize: [3, 2], strides: [2, 1], padding: 'same', activation: 'elu' })) },
  { name: 'Conv2D dilation 2 same', build: () => head(L.conv2d({ inputShape: [7, 7, 2], filters: 2, kernelSize: 3, dilationRate: 2, padding: 'same' })), fd: true, noAutodiff: true },
  // Regression: the transposed strided convolution once zero-inserted with a rank-8 tf.pad, beyond
  // what wasm's PadV2 (XNNPACK, ≤ 6 dimensions) handles.
  { name: 'Conv3D stride 2 same', build: () => head(L.conv3d({ inputShape: [5, 6, 4, 2], filters: 3, kernelSize: 3, strides: 2, padding: 'same' })) },
  { name: 'Conv3D 2×3×2 valid', build: () => head(L.conv3d({ inputShape: [4, 5, 4, 2], filters: 2, kernelSize: [2, 3, 2] })) },
  { name: 'DepthwiseConv2D ×2 stride 2 same', build: () => head(L.depthwiseConv2d({ inputShape: [6, 6, 3], kernelSize: 3, depthMultiplier: 2, strides: 2, padding: 'same' })) },
  { name: 'SeparableConv2D ×2 same, relu', build: () => head(L.separableConv2d({ inputShape: [6, 5, 3], filters: 4, kernelSize: 3, depthMultiplier: 2, padding: 'same', activation: 'relu' })) },
  { name: 'MaxPooling1D 3/2 same', build: () => head(L.maxPooling1d({ inputShape: [10, 3], poolSize: 3, strides: 2, padding: 'same' })) },
  { name: 'MaxPooling2D 3/2 valid', build: () => head(L.maxPooling2d({ inputShape: [7, 7, 2], poolSize: 3, strides: 2 })) },
  { name: 'MaxPooling2D 2/2 same on 5×5', build: () => head(L.maxPooling2d({ inputShape: [5, 5, 2], poolSize: 2, strides: 2, padding: 'same' })) },
  // tfjs-backend-wasm's MaxPool3D starts each window at FLT_MIN, so windows of negative values (and
  // 'same' padding) come out wrong in model.predict on wasm; the engine pools 3-D via 2-D pooling.
  { name: 'MaxPooling3D 2/2 same on 5×4×3', build: () => head(L.maxPooling3d({ inputShape: [5, 4, 3, 2], poolSize: 2, strides: 2, padding: 'same' })), wasmPredictWrong: true },
  { name: 'AveragePooling1D 3/2 valid', build: () => head(L.averagePooling1d({ inputShape: [11, 2], poolSize: 3, strides: 2 })), fd: true },
  { name: 'AveragePooling2D 3/2 valid', build: () => head(L.averagePooling2d({ inputShape: [7, 7, 2], poolSize: 3, strides: 2 })), fd: true },
  { name: 'AveragePooling2D 2/2 same, no padding needed (6×6)', build: () => head(L.averagePooling2d({ inputShape: [6, 6, 2], poolSize: 2, strides: 2, padding: 'same' })), fd: true },
  { name: 'AveragePooling3D 2/1 valid', build: () => head(L.averagePooling3d({ inputShape: [4, 4, 3, 2], poolSize: 2, strides: 1 })), fd: true },
  // Windows hanging over the border: TF averages over the real elements only, but tfjs' AvgPoolGrad /
  // AvgPool3DGrad (and so tf.grad) divide by the full window size: finite differences are the reference.
  { name: 'AveragePooling1D 2/2 same, partial last window (9)', build: () => head(L.averagePooling1d({ inputShape: [9, 2], poolSize: 2, strides: 2, padding: 'same' })), fd: true, noAutodiff: true },
  { name: 'AveragePooling2D 3/2 same, partial border windows (6×6)', build: () => head(L.averagePooling2d({ inputShape: [6, 6, 2], poolSize: 3, strides: 2, padding: 'same' })), fd: true, noAutodiff: true },
  { name: 'AveragePooling3D 2/2 same, partial border windows (5×4×3)', build: () => head(L.averagePooling3d({ inputShape: [5, 4, 3, 2], poolSize: 2, strides: 2, padding: 'same' })), fd: true, noAutodiff: true },
  { name: 'GlobalAveragePooling1D', build: () => ({ model: seq([L.globalAveragePooling1d({ inputShape: [7, 4] }), dense(3)]) }), fd: true },
  { name: 'GlobalMaxPooling1D', build: () => ({ model: seq([L.globalMaxPooling1d({ inputShape: [7, 4] }), dense(3)]) }) },
  { name: 'GlobalAveragePooling2D', build: () => ({ model: seq([L.conv2d({ inputShape: [5, 5, 2], filters: 4, kernelSize: 3 }), L.globalAveragePooling2d({}), dense(3)]) }), fd: true },
  { name: 'GlobalMaxPooling2D', build: () => ({ model: seq([L.conv2d({ inputShape: [5, 5, 2], filters: 4, kernelSize: 3 }), L.globalMaxPooling2d({}), dense(3)]) }) },
  {
    name: 'Reshape, Permute, Dropout, Flatten',
    build: () => ({ model: seq([L.reshape({ inputShape: [4, 6], targetShape: [6, 4] }), L.permute({ dims: [2, 1] }), L.dropout({ rate: 0.5 }), L.flatten(), dense(3)]) }),
    fd: true,
  },
  ...(['relu', 'elu', 'selu', 'tanh', 'sigmoid', 'softmax'] as const).map((a): LayerCase => ({
    name: `Activation('${a}') between Dense layers`,
    build: () => ({ model: seq([dense(6, { inputShape: [5] }), L.activation({ activation: a }), dense(3)]) }),
    fd: a !== 'relu',
  })),
  { name: 'LeakyReLU(0.3)', build: () => ({ model: seq([dense(6, { inputShape: [5] }), L.leakyReLU({ alpha: 0.3 }), dense(3)]) }) },
  // (tfjs' ELU layer only runs with the default alpha = 1.)
  { name: 'ELU layer', build: () => ({ model: seq([dense(6, { inputShape: [5] }), L.elu({}), dense(3)]) }), fd: true },
  { name: 'ReLU layer with maxValue 0.5', build: () => ({ model: seq([dense(6, { inputShape: [5] }), L.reLU({ maxValue: 0.5 }), dense(3)]) }) },
  { name: 'BatchNormalization after Conv2D (merged)', build: () => head(L.conv2d({ inputShape: [5, 5, 2], filters: 3, kernelSize: 3 }), L.batchNormalization({}), L.activation({ activation: 'tanh' })) },
  { name: 'BatchNormalization on the input (affine pass-through)', build: () => ({ model: seq([L.batchNormalization({ inputShape: [6] }), dense(4, { activation: 'tanh' }), dense(3)]) }), fd: true },
  {
    name: 'Add and Concatenate (last axis)',
    build: () => {
      const inp = tf.input({ shape: [6] });
      const a = dense(5, { activation: 'tanh' }).apply(inp) as tf.SymbolicTensor;
      const b = dense(5, { activation: 'sigmoid' }).apply(inp) as tf.SymbolicTensor;
      const s = L.add().apply([a, b]) as tf.SymbolicTensor;
      const c = L.concatenate().apply([s, dense(3).apply(inp) as tf.SymbolicTensor]) as tf.SymbolicTensor;
      return { model: tf.model({ inputs: inp, outputs: dense(3).apply(c) as tf.SymbolicTensor }) };
    },
    fd: true,
  },
  {
    name: 'Concatenate along the time axis',
    build: () => {
      const inp = tf.input({ shape: [4, 3] });
      const a = L.conv1d({ filters: 3, kernelSize: 3 }).apply(inp) as tf.SymbolicTensor;
      const c = L.concatenate({ axis: 1 }).apply([inp, a]) as tf.SymbolicTensor;
      return { model: tf.model({ inputs: inp, outputs: dense(3).apply(L.flatten().apply(c)) as tf.SymbolicTensor }) };
    },
    fd: true,
  },
  {
    name: 'ZeroPadding1D and Cropping1D (Keras semantics)',
    build: () => head(new ZeroPadding1D({ padding: [1, 2], inputShape: [6, 2] }), L.conv1d({ filters: 3, kernelSize: 3 }), new Cropping1D({ cropping: [1, 0] })),
    fd: true,
  },
  {
    name: 'ZeroPadding2D and Cropping2D',
    build: () => head(L.zeroPadding2d({ inputShape: [5, 5, 2], padding: [[1, 0], [2, 1]] }), L.conv2d({ filters: 3, kernelSize: 3 }), L.cropping2D({ cropping: [[1, 0], [0, 2]] })),
    fd: true,
  },
  {
    name: 'ZeroPadding2D and Cropping2D with symmetric specs',
    build: () => head(L.zeroPadding2d({ inputShape: [4, 5, 2], padding: [2, 1] }), L.conv2d({ filters: 2, kernelSize: 3 }), L.cropping2D({ cropping: 1 })),
    fd: true,
  },
  {
    name: 'nested Sequential (shared by two inputs) inside a functional model',
    build: () => {
      const inner = seq([dense(5, { inputShape: [6], activation: 'tanh' }), dense(4)]);
      const a = tf.input({ shape: [6], name: 'in_a' });
      const b = tf.input({ shape: [6], name: 'in_b' });
      const c = L.concatenate().apply([inner.apply(a) as tf.SymbolicTensor, inner.apply(b) as tf.SymbolicTensor]) as tf.SymbolicTensor;
      return { model: tf.model({ inputs: [a, b], outputs: dense(3).apply(c) as tf.SymbolicTensor }) };
    },
    fd: true,
  },
  ...([0, 'head_b'] as const).map((output): LayerCase => ({
    name: `two outputs, explaining output ${JSON.stringify(output)}`,
    output,
    build: withSoftmax((softmax) => {
      const inp = tf.input({ shape: [6] });
      const h = dense(8, { activation: 'tanh' }).apply(inp) as tf.SymbolicTensor;
      const a = dense(3, { name: 'head_a' }).apply(h) as tf.SymbolicTensor;
      const b = dense(4, { name: 'head_b', activation: softmax ? 'softmax' : 'linear' }).apply(h) as tf.SymbolicTensor;
      return tf.model({ inputs: inp, outputs: [a, b] });
    }),
    fd: true,
  })),
  {
    name: 'final softmax fused into Dense is stripped',
    build: withSoftmax((softmax) => seq([dense(6, { inputShape: [5], activation: 'relu' }), dense(4, { activation: softmax ? 'softmax' : 'linear' })])),
  },
  {
    name: 'final Activation(softmax) layer is stripped',
    build: withSoftmax((softmax) => seq([dense(6, { inputShape: [5], activation: 'tanh' }), dense(4), ...(softmax ? [L.activation({ activation: 'softmax' })] : [])])),
    fd: true,
  },
  {
    name: 'final Softmax layer is stripped',
    build: withSoftmax((softmax) => seq([dense(6, { inputShape: [5], activation: 'tanh' }), dense(4), ...(softmax ? [L.softmax()] : [])])),
    fd: true,
  },
];

// ---- helpers -----------------------------------------------------------------------------------------

/** Output layer names, as Keras names the outputs. */
const outputNames = (model: tf.LayersModel): string[] => model.outputs.map((o) => o.sourceLayer.name);

const headOf = (model: tf.LayersModel, output: number | string | undefined): number =>
  output === undefined ? 0 : typeof output === 'number' ? output : outputNames(model).indexOf(output);

/** The explained head of `model` for inputs xs (inference mode). */
function apply(model: tf.LayersModel, xs: tf.Tensor[], head: number): tf.Tensor {
  const y = model.apply(xs.length === 1 ? xs[0]! : xs, { training: false }) as tf.Tensor | tf.Tensor[];
  return Array.isArray(y) ? y[head]! : y;
}

/** Central finite differences of Σ_b y[b, t_b] w.r.t. every input element, from batched predictions. */
function finiteDifferences(model: tf.LayersModel, xs: number[][][], shapes: number[][], head: number, targets: number[], h = 1e-2): number[][] {
  // xs[input][sample] = flat values.
  return xs.map((_, k) => {
    const n = prod(shapes[k]!);
    const out: number[] = [];
    for (let b = 0; b < BATCH; b++) {
      const batch = 2 * n;
      const inputs = xs.map((xi, j) => {
        const base = xi[b]!;
        const data = new Float32Array(batch * base.length);
        for (let row = 0; row < batch; row++) {
          data.set(base, row * base.length);
          if (j === k) data[row * base.length + (row >> 1)] += row % 2 === 0 ? h : -h;
        }
        return tf.tensor(data, [batch, ...shapes[j]!]);
      });
      const y = apply(model, inputs, head);
      const v = y.dataSync();
      const classes = y.shape[1]!;
      for (let i = 0; i < n; i++) out.push((v[2 * i * classes + targets[b]!]! - v[(2 * i + 1) * classes + targets[b]!]!) / (2 * h));
      y.dispose();
      inputs.forEach((t) => t.dispose());
    }
    return out;
  });
}

beforeAll(async () => {
  await initBackend('cpu');
});

afterAll(async () => {
  await tf.setBackend('cpu');
});

CASES.forEach((c, caseIndex) => {
  describe(c.name, () => {
    let built: Built;
    let model: XaiModel;
    let head: number;
    let shapes: number[][];
    let xsData: number[][][];
    let xs: tf.Tensor[];
    let targets: number[];
    let refLogits: number[];
    let refGrads: number[][];
    let fdGrads: number[][] | null = null;
    let headName: string;

    beforeAll(async () => {
      await tf.setBackend('cpu');
      const r = rng(500 + caseIndex);
      built = c.build();
      seedLayer(built.model, r);
      if (built.logits) built.logits.setWeights(built.model.getWeights());
      const ref = built.logits ?? built.model;
      head = headOf(built.model, c.output);
      headName = outputNames(built.model)[head]!;
      expect(head).toBeGreaterThanOrEqual(0);
      shapes = built.model.inputs.map((s) => s.shape.slice(1) as number[]);
      xsData = shapes.map((s) => Array.from({ length: BATCH }, () => r.array(prod(s), -1, 1)));
      xs = xsData.map((d, k) => tf.tensor(d.flat(), [BATCH, ...shapes[k]!]));
      const y = apply(ref, xs, head);
      refLogits = Array.from(y.dataSync());
      const classes = y.shape[1]!;
      y.dispose();
      targets = [0, classes - 1, Math.floor(classes / 2)];
      if (c.fd) fdGrads = finiteDifferences(ref, xsData, shapes, head, targets);
      if (c.noAutodiff) {
        refGrads = fdGrads!;
      } else {
        const onehot = tf.oneHot(tf.tensor1d(targets, 'int32'), classes).toFloat();
        const grads = tf.grads((...inputs: tf.Tensor[]) => tf.sum(tf.mul(apply(ref, inputs, head), onehot)))(xs);
        refGrads = grads.map((g) => Array.from(g.dataSync()));
        grads.forEach((g) => g.dispose());
        onehot.dispose();
      }
      model = XaiModel.fromLayersModel(built.model);
    });

    afterAll(async () => {
      await tf.setBackend('cpu');
      model.dispose();
      built.logits?.dispose();
      xs.forEach((t) => t.dispose());
    });

    const input = () => (xs.length === 1 ? xs[0]! : xs);

    for (const backend of BACKENDS) {
      it(`${backend}: forward logits match model.predict (final softmax stripped)`, async () => {
        await tf.setBackend(backend);
        const e = gradient(model, input(), { target: targets, output: c.output });
        expect(e.logits.shape).toEqual([BATCH, refLogits.length / BATCH]);
        expectClose(e.logits.dataSync(), refLogits, 1e-5, 1e-6, 'logits');
        expect(e.targets).toEqual(targets);
        e.dispose();
        if (!built.logits && !(backend === 'wasm' && c.wasmPredictWrong)) {
          const p = built.model.predict(xs.length === 1 ? xs[0]! : xs) as tf.Tensor | tf.Tensor[];
          const ph = Array.isArray(p) ? p[head]! : p;
          expectClose(ph.dataSync(), refLogits, 1e-6, 1e-7, 'reference = model.predict');
          tf.dispose(p);
        }
      });

      it(`${backend}: gradient matches ${[c.noAutodiff ? '' : 'tf.grad', c.fd ? 'finite differences' : ''].filter(Boolean).join(' and ')}`, async () => {
        await tf.setBackend(backend);
        const e = gradient(model, input(), { target: targets, output: c.output });
        expect(e.relevances).toHaveLength(xs.length);
        e.relevances.forEach((g, k) => {
          expect(g.shape).toEqual(xs[k]!.shape);
          const got = g.dataSync();
          if (fdGrads) expectClose(got, fdGrads[k]!, 2e-3, 1e-5, `input ${k}: gradient vs finite differences`);
          if (!c.noAutodiff) expectClose(got, refGrads[k]!, 1e-4, 1e-6, `input ${k}: gradient vs tf.grad`);
        });
        e.dispose();
      });

      it(`${backend}: batch of ${BATCH} with per-sample targets equals ${BATCH} single calls`, async () => {
        await tf.setBackend(backend);
        const calls: [string, (x: tf.Tensor | tf.Tensor[], t: number | number[]) => Explanation][] = [
          ['gradient', (x, t) => gradient(model, x, { target: t, output: c.output })],
          ['lrp epsilon_plus', (x, t) => lrp(model, x, { composite: 'epsilon_plus', target: t, output: c.output })],
        ];
        for (const [label, call] of calls) {
          const batched = call(input(), targets);
          const perSample = batched.relevances.map((t) => rows(t.dataSync(), BATCH));
          const logits = rows(batched.logits.dataSync(), BATCH);
          batched.dispose();
          for (let b = 0; b < BATCH; b++) {
            const singles = xsData.map((d, k) => tf.tensor(d[b]!, shapes[k]!));
            const e = call(singles.length === 1 ? singles[0]! : singles, targets[b]!);
            expect(e.logits.shape).toEqual([logits[b]!.length]);
            expectClose(e.logits.dataSync(), logits[b]!, 1e-5, 1e-6, `${label} logits, sample ${b}`);
            e.relevances.forEach((rel, k) => {
              expect(rel.shape).toEqual(shapes[k]);
              const values = rel.dataSync();
              expect(Array.from(values).every(Number.isFinite)).toBe(true);
              expectClose(values, perSample[k]![b]!, 1e-5, 1e-7, `${label} input ${k}, sample ${b}`);
            });
            e.dispose();
            singles.forEach((t) => t.dispose());
          }
        }
      });
    }

    it('lrp relevance agrees between the cpu and wasm backends', async () => {
      const run = async (backend: string) => {
        await tf.setBackend(backend);
        const e = lrp(model, input(), { composite: 'epsilon_plus', target: targets, output: c.output });
        const v = e.relevances.map((t) => Array.from(t.dataSync()));
        e.dispose();
        return v;
      };
      const onCpu = await run('cpu');
      const onWasm = await run('wasm');
      onCpu.forEach((v, k) => expectClose(onWasm[k]!, v, 1e-4, 1e-6, `input ${k}`));
    });

    it('a target out of range throws InvalidArgumentError naming the output', async () => {
      await tf.setBackend('cpu');
      const classes = refLogits.length / BATCH;
      for (const bad of [classes, -1, 1.5]) {
        let err: unknown;
        try {
          gradient(model, input(), { target: bad, output: c.output });
        } catch (e) {
          err = e;
        }
        expect(err).toBeInstanceOf(InvalidArgumentError);
        expect((err as Error).message).toContain(`'${headName}'`);
        expect((err as Error).message).toContain(String(bad));
      }
      expect(() => lrp(model, input(), { target: [0, classes, 0], output: c.output })).toThrow(InvalidArgumentError);
    });
  });
});

describe('output selection', () => {
  it('an unknown output name or index throws InvalidArgumentError listing the outputs', async () => {
    await tf.setBackend('cpu');
    const inp = tf.input({ shape: [3] });
    const m = tf.model({ inputs: inp, outputs: [dense(2, { name: 'first' }).apply(inp), dense(2, { name: 'second' }).apply(inp)] as tf.SymbolicTensor[] });
    const xm = XaiModel.fromLayersModel(m);
    const x = tf.zeros([1, 3]);
    for (const output of ['nope', 2]) {
      expect(() => gradient(xm, x, { output })).toThrow(InvalidArgumentError);
      expect(() => gradient(xm, x, { output })).toThrow(/first, second/);
    }
    xm.dispose();
    x.dispose();
  });
});
