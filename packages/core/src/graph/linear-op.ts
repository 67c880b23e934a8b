import * as tf from '@tensorflow/tfjs';
import type { WindowGeometry } from '../ops/conv-geometry.js';
import * as ops from '../ops/ops.js';

/** A named change of parameters (W → W⁺, W → W + γW⁺ …); the key lets the result be cached. */
export interface ParamModifier {
  readonly key: string;
  apply(param: tf.Tensor): tf.Tensor;
}

export const identityParams: ParamModifier = { key: 'identity', apply: (p) => p };

const disposeListeners = new Set<(op: LinearOp) => void>();

/** Called with an op when it is disposed (lets executors drop their copies of its parameters). */
export function onLinearOpDispose(listener: (op: LinearOp) => void): void {
  disposeListeners.add(listener);
}

/**
 * A linear map z = forward(x, kernel, bias); backward(s, kernel) is its transpose applied to s.
 * Every parametrised linear layer is seen through this interface, so every rule works on each.
 */
export abstract class LinearOp {
  private readonly kernels = new Map<string, tf.Tensor>();
  private readonly biases = new Map<string, tf.Tensor | null>();

  constructor(
    readonly kernel: tf.Tensor,
    readonly bias: tf.Tensor | null,
    /** Whether this op created (and so disposes) kernel and bias, e.g. after merging BatchNorm. */
    private readonly ownsParams = false,
  ) {}

  abstract forward(x: tf.Tensor, kernel: tf.Tensor, bias: tf.Tensor | null): tf.Tensor;
  /** Transpose applied to s; `inputShape` is the shape of x (with batch axis). */
  abstract backward(s: tf.Tensor, kernel: tf.Tensor, inputShape: readonly number[]): tf.Tensor;
  /** The kernel axis of input channels, along which term kernels can be stacked (null: cannot). */
  abstract inputChannelAxis(): number | null;

  /** The kernel under a parameter modifier, computed once and kept for later explanations. */
  modifiedKernel(mod: ParamModifier): tf.Tensor {
    if (mod === identityParams) return this.kernel;
    let k = this.kernels.get(mod.key);
    if (!k) {
      k = tf.keep(tf.tidy(() => mod.apply(this.kernel)));
      this.kernels.set(mod.key, k);
      this.kept.add(k);
    }
    return k;
  }

  modifiedBias(mod: ParamModifier): tf.Tensor | null {
    if (!this.bias || mod === identityParams) return this.bias;
    if (!this.biases.has(mod.key)) this.biases.set(mod.key, tf.keep(tf.tidy(() => mod.apply(this.bias!))));
    return this.biases.get(mod.key)!;
  }

  /** Releases cached parameter variants (and the parameters themselves when owned). */
  dispose(): void {
    for (const listener of disposeListeners) listener(this);
    for (const t of this.kernels.values()) t.dispose();
    for (const t of this.biases.values()) t?.dispose();
    for (const t of this.derived.values()) t.dispose();
    this.kernels.clear();
    this.biases.clear();
    this.derived.clear();
    this.kept.clear();
    if (this.ownsParams) {
      this.kernel.dispose();
      this.bias?.dispose();
    }
  }

  /** Forms derived from kept kernels (flipped, transposed, channel slices), by kernel id and name. */
  private readonly derived = new Map<string, tf.Tensor>();
  /** Every tensor that lives as long as this op: its kernel and all cached variants. */
  private readonly kept = new Set<tf.Tensor>();

  /** Whether a kernel tensor lives as long as this op (its own, or a cached variant). */
  isCached(kernel: tf.Tensor): boolean {
    return kernel === this.kernel || this.kept.has(kernel);
  }

  /**
   * `make(kernel)`, kept for later calls when the kernel is this op's own (or a cached variant);
   * for any other kernel computed afresh (the caller's tidy releases it).
   */
  derivedKernel(kernel: tf.Tensor, name: string, make: (k: tf.Tensor) => tf.Tensor): tf.Tensor {
    if (!this.isCached(kernel)) return make(kernel);
    const key = `${kernel.id}/${name}`;
    let t = this.derived.get(key);
    if (!t) {
      t = tf.keep(tf.tidy(() => make(kernel)));
      this.derived.set(key, t);
      this.kept.add(t);
    }
    return t;
  }

  /** Used by canonizers: same op kind and geometry with new parameters. */
  abstract withParams(kernel: tf.Tensor, bias: tf.Tensor | null): LinearOp;
}

export class DenseOp extends LinearOp {
  inputChannelAxis(): number {
    return 0;
  }
  forward(x: tf.Tensor, kernel: tf.Tensor, bias: tf.Tensor | null): tf.Tensor {
    return ops.dense(x, kernel, bias);
  }
  backward(s: tf.Tensor, kernel: tf.Tensor): tf.Tensor {
    return ops.denseTranspose(s, this.derivedKernel(kernel, 'transposed', (k) => tf.transpose(k)));
  }
  withParams(kernel: tf.Tensor, bias: tf.Tensor | null): LinearOp {
    return new DenseOp(kernel, bias, true);
  }
}

/** Conv1D/2D/3D (Keras correlation, channels-last), kernel [...k, Cin, Cout]. */
export class ConvOp extends LinearOp {
  constructor(kernel: tf.Tensor, bias: tf.Tensor | null, readonly geometry: WindowGeometry, ownsParams = false) {
    super(kernel, bias, ownsParams);
  }
  inputChannelAxis(): number {
    return this.kernel.rank - 2;
  }
  forward(x: tf.Tensor, kernel: tf.Tensor, bias: tf.Tensor | null): tf.Tensor {
    return ops.conv(x, kernel, this.geometry, bias);
  }
  backward(s: tf.Tensor, kernel: tf.Tensor, inputShape: readonly number[]): tf.Tensor {
    const flipped = this.derivedKernel(kernel, 'transposed', ops.flipKernel);
    return ops.convTranspose(s, flipped, this.geometry, inputShape.slice(1, -1));
  }
  withParams(kernel: tf.Tensor, bias: tf.Tensor | null): LinearOp {
    return new ConvOp(kernel, bias, this.geometry, true);
  }
}

/** DepthwiseConv2D, kernel [kh, kw, C, M] → C·M output channels. */
export class DepthwiseConvOp extends LinearOp {
  constructor(kernel: tf.Tensor, bias: tf.Tensor | null, readonly geometry: WindowGeometry, ownsParams = false) {
    super(kernel, bias, ownsParams);
  }
  inputChannelAxis(): null {
    return null; // channels are not summed over: stacking would change the output
  }
  forward(x: tf.Tensor, kernel: tf.Tensor, bias: tf.Tensor | null): tf.Tensor {
    return tf.tidy(() => ops.addBias(ops.depthwiseConv(x, kernel, this.geometry), bias));
  }
  backward(s: tf.Tensor, kernel: tf.Tensor, inputShape: readonly number[]): tf.Tensor {
    const flipped = this.derivedKernel(kernel, 'transposed', ops.flipDepthwiseKernel);
    return ops.depthwiseConvTranspose(s, flipped, this.geometry, inputShape.slice(1));
  }
  withParams(kernel: tf.Tensor, bias: tf.Tensor | null): LinearOp {
    return new DepthwiseConvOp(kernel, bias, this.geometry, true);
  }
}
