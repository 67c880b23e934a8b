/** Padding arithmetic shared by convolution and pooling, following TensorFlow/Keras exactly. */

export type PaddingMode = 'valid' | 'same' | 'causal';

export interface WindowGeometry {
  /** Kernel (or pool) size per spatial axis. */
  readonly size: readonly number[];
  readonly strides: readonly number[];
  readonly dilations: readonly number[];
  readonly padding: PaddingMode;
  /** Explicit [before, after] zero padding per spatial axis (ONNX `pads`); overrides `padding`. */
  readonly pads?: readonly (readonly [number, number])[];
}

/** [before, after] zero padding per spatial axis for an input of the given spatial size. */
export function computePads(geometry: WindowGeometry, inSize: readonly number[]): [number, number][] {
  if (geometry.pads) return geometry.pads.map(([a, b]) => [a, b]);
  return inSize.map((n, i) => {
    const k = (geometry.size[i]! - 1) * geometry.dilations[i]! + 1;
    const s = geometry.strides[i]!;
    if (geometry.padding === 'valid') return [0, 0];
    if (geometry.padding === 'causal') return [k - 1, 0];
    // TensorFlow's 'same': output ceil(n/s), the extra pad (if odd) goes after.
    const total = Math.max((Math.ceil(n / s) - 1) * s + k - n, 0);
    return [Math.floor(total / 2), total - Math.floor(total / 2)];
  });
}

export function outputSize(geometry: WindowGeometry, inSize: readonly number[]): number[] {
  const pads = computePads(geometry, inSize);
  return inSize.map((n, i) => {
    const k = (geometry.size[i]! - 1) * geometry.dilations[i]! + 1;
    return Math.floor((n + pads[i]![0] + pads[i]![1] - k) / geometry.strides[i]!) + 1;
  });
}
