/**
 * Training Conv3D models on the WebAssembly backend: tfjs-backend-wasm 4.22's
 * `Conv3DBackpropInputV2` (the gradient of a 3-D convolution with respect to its input) returns
 * wrong values — measured here against the cpu backend on random data: Σ|dx| 37658 vs 70009
 * ('same') and 28438 vs 34398 ('valid') — so any Conv3D model with more than one convolution does
 * not learn (loss stays at ln 2). This replaces it, for stride-1 convolutions, by what it should
 * compute: a 'valid' correlation of the padded dy with the kernel flipped in space and its in/out
 * channels swapped, composed from the backend's own (correct) Conv3D, Reverse, Transpose and PadV2
 * kernels. Strided or dilated convolutions are refused rather than computed wrongly. Training only.
 */
import * as tf from '@tensorflow/tfjs';

type Kernel = (args: { inputs: Record<string, tf.TensorInfo>; backend: unknown; attrs: Record<string, unknown> }) => tf.TensorInfo;

export function registerWasmConv3dInputGradient(): void {
  const kernel = (name: string) => tf.getKernel(name, 'wasm')!.kernelFunc as unknown as Kernel;
  const conv3d = kernel('Conv3D');
  const reverse = kernel('Reverse');
  const transpose = kernel('Transpose');
  const pad = kernel('PadV2');
  tf.unregisterKernel('Conv3DBackpropInputV2', 'wasm');
  tf.registerKernel({
    kernelName: 'Conv3DBackpropInputV2',
    backendName: 'wasm',
    kernelFunc: ({ inputs, attrs, backend }) => {
      const be = backend as unknown as { disposeData(id: object): void };
      const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
      const a = attrs as unknown as tf.Conv3DBackpropInputV2Attrs;
      const strides = typeof a.strides === 'number' ? [a.strides, a.strides, a.strides] : a.strides;
      if (strides.some((s) => s !== 1)) throw new Error('Conv3DBackpropInputV2 (wasm replacement): only stride 1');
      const info = tf.backend_util.computeConv3DInfo(a.inputShape as [number, number, number, number, number], filter.shape as [number, number, number, number, number], 1, 1, a.pad);
      const k = [info.filterDepth, info.filterHeight, info.filterWidth];
      const inSize = [info.inDepth, info.inHeight, info.inWidth];
      const outSize = [info.outDepth, info.outHeight, info.outWidth];
      const before = [info.padInfo.front, info.padInfo.top, info.padInfo.left];
      const paddings = [[0, 0], ...[0, 1, 2].map((d) => {
        const left = k[d]! - 1 - before[d]!;
        return [left, inSize[d]! + k[d]! - 1 - left - outSize[d]!];
      }), [0, 0]];
      const reversed = reverse({ inputs: { x: filter }, backend, attrs: { dims: [0, 1, 2] } });
      const flipped = transpose({ inputs: { x: reversed }, backend, attrs: { perm: [0, 1, 2, 4, 3] } });
      const padded = pad({ inputs: { x: dy }, backend, attrs: { paddings, constantValue: 0 } });
      const dx = conv3d({ inputs: { x: padded, filter: flipped }, backend, attrs: { strides: [1, 1, 1], pad: 'valid', dataFormat: 'NDHWC', dilations: [1, 1, 1] } });
      for (const t of [reversed, flipped, padded]) be.disposeData(t.dataId);
      return dx;
    },
  });
}
