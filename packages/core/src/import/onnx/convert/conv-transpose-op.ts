import type * as tf from '@tensorflow/tfjs';
import { LinearOp } from '../../../graph/linear-op.js';
import type { WindowGeometry } from '../../../ops/conv-geometry.js';
import * as ops from '../../../ops/ops.js';

/**
 * A transposed convolution (ONNX ConvTranspose) as the transpose of the convolution `conv` with
 * kernel [...k, Cout, Cin] and `geometry`: forward is that convolution's transpose to the output's
 * spatial size, backward the convolution itself — both on the fast forward kernels.
 */
export class ConvTransposeOp extends LinearOp {
  constructor(kernel: tf.Tensor, bias: tf.Tensor | null, readonly geometry: WindowGeometry, readonly outSpatial: readonly number[], ownsParams = false) {
    super(kernel, bias, ownsParams);
  }
  inputChannelAxis(): null {
    return null;
  }
  forward(x: tf.Tensor, kernel: tf.Tensor, bias: tf.Tensor | null): tf.Tensor {
    const flipped = this.derivedKernel(kernel, 'transposed', ops.flipKernel);
    const y = ops.convTranspose(x, flipped, this.geometry, this.outSpatial);
    if (!bias) return y;
    const z = ops.addBias(y, bias);
    y.dispose();
    return z;
  }
  backward(s: tf.Tensor, kernel: tf.Tensor): tf.Tensor {
    return ops.conv(s, kernel, this.geometry);
  }
  withParams(kernel: tf.Tensor, bias: tf.Tensor | null): LinearOp {
    return new ConvTransposeOp(kernel, bias, this.geometry, this.outSpatial, true);
  }
}
