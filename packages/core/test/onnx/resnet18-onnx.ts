/**
 * A torchvision ResNet-18 as `torch.onnx.export` (torch 1.13, opset 13–17, eval mode, default
 * do_constant_folding) writes it, with seeded random weights — so tests and `npm run bench` can
 * explain a real-sized PyTorch model without a 45 MB file in the repository or a download.
 *
 * What the exporter writes, reproduced node for node (checked by hand against a real export with
 * scripts/compare-resnet18-onnx.py):
 * - every BatchNormalization folded into the Conv before it (weight W·γ/√(σ²+ε), bias β − μγ/√(σ²+ε)),
 *   the initializers named `onnx::Conv_<n>` (n = 193, 194, 196, 197, … in steps of 3 per Conv);
 * - Conv 7×7/2 pads 3 → Relu → MaxPool k3 s2 p1 → 8 BasicBlocks (Conv 3×3, Relu, Conv 3×3,
 *   [downsample Conv 1×1/2], Add, Relu) → GlobalAveragePool → Flatten → Gemm (transB) to 1000;
 * - node names `/layer2/layer2.0/conv1/Conv`, outputs `<name>_output_0`, graph `torch_jit`;
 * - with `batchNorm: 'fresh'` (BN as torchvision initialises it: γ = 1, β = 0, μ = 0, σ² = 1) every
 *   folded bias is zero, and the exporter's initializer deduplication keeps one zero bias per
 *   channel count and writes the others as `Identity` nodes (first in the graph, last Conv first).
 *   `batchNorm: 'random'` draws per-channel statistics as a trained model has them: distinct biases,
 *   no Identity nodes.
 * Weights: torchvision's initialisation — Conv kaiming_normal_(mode='fan_out', relu), i.e.
 * N(0, 2/(C_out·k²)); Linear U(±1/√512) for weight and bias — from mulberry32(seed), so
 * activations stay finite (O(1–10)) through all 18 layers.
 */
import { mulberry32 } from '../../src/random/mulberry32.js';
import { normalDeviates } from '../../src/random/normal-deviates.js';
import { onnx, type OnnxProto } from '../../src/import/onnx/proto.js';
import { float, node, valueInfo } from './build-onnx.js';

export interface Resnet18OnnxOptions {
  /** Seed of the weights (default 18). */
  readonly seed?: number;
  /** Opset written in the model (13–17 give the same graph; default 17). */
  readonly opset?: number;
  /** Input side (default 224). */
  readonly size?: number;
  /** BatchNormalization statistics before folding (default 'fresh', see above). */
  readonly batchNorm?: 'fresh' | 'random';
}

const BN_EPS = 1e-5;
const FIRST_VALUE_NUMBER = 193;

interface ConvSpec {
  readonly name: string;
  readonly cin: number;
  readonly cout: number;
  readonly k: number;
  readonly stride: number;
  readonly pad: number;
}

/** The 20 convolutions in export order (a block's downsample comes after its conv2). */
function convSpecs(): ConvSpec[] {
  const specs: ConvSpec[] = [{ name: '/conv1', cin: 3, cout: 64, k: 7, stride: 2, pad: 3 }];
  let cin = 64;
  [64, 128, 256, 512].forEach((cout, l) => {
    for (let b = 0; b < 2; b++) {
      const prefix = `/layer${l + 1}/layer${l + 1}.${b}`;
      const stride = l > 0 && b === 0 ? 2 : 1;
      specs.push({ name: `${prefix}/conv1`, cin: b === 0 ? cin : cout, cout, k: 3, stride, pad: 1 });
      specs.push({ name: `${prefix}/conv2`, cin: cout, cout, k: 3, stride: 1, pad: 1 });
      if (stride === 2) specs.push({ name: `${prefix}/downsample/downsample.0`, cin, cout, k: 1, stride: 2, pad: 0 });
    }
    cin = cout;
  });
  return specs;
}

/** A float32 initializer stored as raw_data straight from the array's bytes (little-endian hosts). */
function floatTensor(name: string, dims: readonly number[], data: Float32Array): OnnxProto.ITensorProto {
  return { name, dataType: onnx.TensorProto.DataType.FLOAT, dims: [...dims], rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}

/** The fc layer's bias (the part of the logit that ε-LRP leaves at the Gemm), read back from the model. */
export function resnet18FcBias(bytes: Uint8Array): Float32Array {
  const t = onnx.ModelProto.decode(bytes).graph!.initializer!.find((i) => i.name === 'fc.bias')!;
  return new Float32Array(Uint8Array.from(t.rawData!).buffer);
}

/** Bytes of the model (≈ 46.7 MB at any input size; about a second to build). */
export function resnet18Onnx(options: Resnet18OnnxOptions = {}): Uint8Array {
  const { seed = 18, opset = 17, size = 224, batchNorm = 'fresh' } = options;
  if (opset < 13 || opset > 17) throw new Error(`resnet18Onnx: opset ${opset} is outside 13–17, the range whose export this reproduces`);
  const uniform = mulberry32(seed);
  const normal = normalDeviates(uniform);
  const nodes: OnnxProto.INodeProto[] = [];
  const identities: OnnxProto.INodeProto[] = [];
  const initializers: OnnxProto.ITensorProto[] = [];
  const zeroBiasByChannels = new Map<number, string>();

  const convs = convSpecs();
  const convNames = new Map<string, { weight: string; bias: string }>();
  convs.forEach((c, i) => {
    const weight = `onnx::Conv_${FIRST_VALUE_NUMBER + 3 * i}`;
    const bias = `onnx::Conv_${FIRST_VALUE_NUMBER + 3 * i + 1}`;
    const fan = c.cout * c.k * c.k;
    const std = Math.sqrt(2 / fan);
    const w = Float32Array.from({ length: fan * c.cin }, () => normal() * std);
    // BatchNormalization folded into the Conv: per output channel scale s = γ/√(σ²+ε), bias β − μs.
    const stats = Array.from({ length: c.cout }, () =>
      batchNorm === 'fresh'
        ? { gamma: 1, beta: 0, mean: 0, variance: 1 }
        : { gamma: 0.5 + uniform(), beta: 0.1 * normal(), mean: 0.1 * normal(), variance: 0.5 + uniform() },
    );
    const scale = stats.map((s) => s.gamma / Math.sqrt(s.variance + BN_EPS));
    const per = c.cin * c.k * c.k;
    for (let o = 0; o < c.cout; o++) for (let j = 0; j < per; j++) w[o * per + j]! *= scale[o]!;
    const b = Float32Array.from(stats, (s, o) => s.beta - s.mean * scale[o]!);
    initializers.push(floatTensor(weight, [c.cout, c.cin, c.k, c.k], w));
    // The exporter keeps one of several identical initializers and feeds the rest through Identity.
    const isZero = b.every((v) => v === 0);
    const kept = isZero ? zeroBiasByChannels.get(c.cout) : undefined;
    if (kept) {
      identities.unshift(node('Identity', [kept], [bias], {}, ''));
    } else {
      initializers.push(floatTensor(bias, [c.cout], b));
      if (isZero) zeroBiasByChannels.set(c.cout, bias);
    }
    convNames.set(c.name, { weight, bias });
  });
  identities.forEach((n, i) => (n.name = `Identity_${i}`));

  const conv = (name: string, input: string) => {
    const c = convs.find((s) => s.name === name)!;
    const { weight, bias } = convNames.get(name)!;
    const out = `${name}/Conv_output_0`;
    nodes.push(node('Conv', [input, weight, bias], [out], { dilations: [1, 1], group: 1, kernel_shape: [c.k, c.k], pads: [c.pad, c.pad, c.pad, c.pad], strides: [c.stride, c.stride] }, `${name}/Conv`));
    return out;
  };
  const relu = (scope: string, input: string) => {
    const out = `${scope}/Relu_output_0`;
    nodes.push(node('Relu', [input], [out], {}, `${scope}/Relu`));
    return out;
  };

  let x = relu('/relu', conv('/conv1', 'input'));
  nodes.push(node('MaxPool', [x], ['/maxpool/MaxPool_output_0'], { ceil_mode: 0, kernel_shape: [3, 3], pads: [1, 1, 1, 1], strides: [2, 2] }, '/maxpool/MaxPool'));
  x = '/maxpool/MaxPool_output_0';
  for (let l = 1; l <= 4; l++) {
    for (let b = 0; b < 2; b++) {
      const prefix = `/layer${l}/layer${l}.${b}`;
      const y = conv(`${prefix}/conv2`, relu(`${prefix}/relu`, conv(`${prefix}/conv1`, x)));
      const shortcut = convNames.has(`${prefix}/downsample/downsample.0`) ? conv(`${prefix}/downsample/downsample.0`, x) : x;
      nodes.push(node('Add', [y, shortcut], [`${prefix}/Add_output_0`], {}, `${prefix}/Add`));
      x = relu(`${prefix}/relu_1`, `${prefix}/Add_output_0`);
    }
  }
  nodes.push(node('GlobalAveragePool', [x], ['/avgpool/GlobalAveragePool_output_0'], {}, '/avgpool/GlobalAveragePool'));
  nodes.push(node('Flatten', ['/avgpool/GlobalAveragePool_output_0'], ['/Flatten_output_0'], { axis: 1 }, '/Flatten'));
  nodes.push(node('Gemm', ['/Flatten_output_0', 'fc.weight', 'fc.bias'], ['logits'], { alpha: float(1), beta: float(1), transB: 1 }, '/fc/Gemm'));

  const bound = 1 / Math.sqrt(512);
  const fcWeight = Float32Array.from({ length: 1000 * 512 }, () => (2 * uniform() - 1) * bound);
  const fcBias = Float32Array.from({ length: 1000 }, () => (2 * uniform() - 1) * bound);
  const proto = onnx.ModelProto.create({
    irVersion: opset >= 15 ? 8 : 7, // what torch 1.13 writes for these opsets
    producerName: 'xai resnet18Onnx (torch.onnx.export 1.13 layout)',
    producerVersion: '1',
    opsetImport: [{ domain: '', version: opset }],
    graph: {
      name: 'torch_jit',
      node: [...identities, ...nodes],
      input: [valueInfo('input', 'float32', ['batch', 3, size, size])],
      output: [valueInfo('logits', 'float32', ['batch', 1000])],
      initializer: [floatTensor('fc.weight', [1000, 512], fcWeight), floatTensor('fc.bias', [1000], fcBias), ...initializers],
    },
  });
  return onnx.ModelProto.encode(proto).finish();
}
