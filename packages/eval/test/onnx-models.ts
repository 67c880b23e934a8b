/** ONNX models the eval tests build with core's ONNX test builder. */
import { buildModel, node, tensor, valueInfo } from '../../core/test/onnx/build-onnx.js';

export const ONNX_CNN_SHAPE = [2, 8, 8] as const;

const [C, H, W] = ONNX_CNN_SHAPE;
const weights = (dims: readonly number[], scale: number, phase = 0.3) =>
  Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(i * 1.7 + phase) * scale);

/** NCHW: Conv 3×3 (2→4) → BatchNorm → Relu → grouped Conv 3×3 (4→4, 2 groups) → Relu → Flatten → Gemm (3 classes). */
export function onnxCnn(): Uint8Array {
  return buildModel({
    inputs: [valueInfo('input', 'float32', ['N', C, H, W])],
    outputs: [valueInfo('logits', 'float32', ['N', 3])],
    nodes: [
      node('Conv', ['input', 'W1', 'B1'], ['c1'], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }, 'conv1'),
      node('BatchNormalization', ['c1', 'gamma', 'beta', 'mu', 'var'], ['n1'], { epsilon: 1e-5 }, 'bn1'),
      node('Relu', ['n1'], ['r1'], {}, 'relu1'),
      node('Conv', ['r1', 'W2', 'B2'], ['c2'], { kernel_shape: [3, 3], pads: [1, 1, 1, 1], group: 2 }, 'conv2'),
      node('Relu', ['c2'], ['r2'], {}, 'relu2'),
      node('Flatten', ['r2'], ['f'], { axis: 1 }, 'flatten'),
      node('Gemm', ['f', 'G', 'GB'], ['logits'], { transB: 1 }, 'fc'),
    ],
    initializers: [
      tensor('W1', 'float32', [4, C, 3, 3], weights([4, C, 3, 3], 0.4)),
      tensor('B1', 'float32', [4], [0.1, -0.1, 0.05, 0]),
      tensor('gamma', 'float32', [4], [1.2, 0.8, 1, 1.1]),
      tensor('beta', 'float32', [4], [0.1, 0, -0.1, 0.2]),
      tensor('mu', 'float32', [4], [0.05, -0.05, 0, 0.1]),
      tensor('var', 'float32', [4], [1, 0.5, 2, 1.5]),
      tensor('W2', 'float32', [4, 2, 3, 3], weights([4, 2, 3, 3], 0.3, 1)),
      tensor('B2', 'float32', [4], [0, 0.05, -0.05, 0.1]),
      tensor('G', 'float32', [3, 4 * H * W], weights([3, 4 * H * W], 0.05, 2)),
      tensor('GB', 'float32', [3], [0, 0.1, -0.1]),
    ],
  });
}

