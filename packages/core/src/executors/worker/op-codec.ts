/**
 * How linear ops cross to the worker thread: each op class registers an encoder (what it computes,
 * without its parameters, as JSON) and a decoder (the op again from that and its parameters).
 * Ops of an unregistered class simply stay on the main thread.
 */
import type * as tf from '@tensorflow/tfjs';
import { ConvOp, DenseOp, DepthwiseConvOp, type LinearOp } from '../../graph/linear-op.js';
import type { WindowGeometry } from '../../ops/conv-geometry.js';

/** A linear op's structure as JSON: its codec name and whatever the decoder needs. */
export interface OpDescription {
  readonly codec: string;
  readonly [field: string]: unknown;
}

interface OpCodec {
  encode(op: LinearOp): OpDescription | null;
  decode(description: OpDescription, kernel: tf.Tensor, bias: tf.Tensor | null): LinearOp;
}

const codecs = new Map<string, OpCodec>();

/** Lets ops of a class be computed in the worker thread (the worker module must import the registration too). */
export function registerOpCodec(name: string, codec: OpCodec): void {
  codecs.set(name, codec);
}

export function encodeOp(op: LinearOp): OpDescription | null {
  for (const codec of codecs.values()) {
    const d = codec.encode(op);
    if (d) return d;
  }
  return null;
}

/** Rebuilds an op from its description and parameters (the op owns the parameters). */
export function decodeOp(description: OpDescription, kernel: tf.Tensor, bias: tf.Tensor | null): LinearOp {
  const codec = codecs.get(description.codec);
  if (!codec) throw new Error(`no op codec '${description.codec}' in the worker`);
  return codec.decode(description, kernel, bias);
}

registerOpCodec('dense', {
  encode: (op) => (op instanceof DenseOp ? { codec: 'dense' } : null),
  decode: (_d, kernel, bias) => new DenseOp(kernel, bias, true),
});
registerOpCodec('conv', {
  encode: (op) => (op instanceof ConvOp ? { codec: 'conv', geometry: op.geometry } : null),
  decode: (d, kernel, bias) => new ConvOp(kernel, bias, d.geometry as WindowGeometry, true),
});
registerOpCodec('depthwise', {
  encode: (op) => (op instanceof DepthwiseConvOp ? { codec: 'depthwise', geometry: op.geometry } : null),
  decode: (d, kernel, bias) => new DepthwiseConvOp(kernel, bias, d.geometry as WindowGeometry, true),
});
