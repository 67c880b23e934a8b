/**
 * Training on the WebAssembly backend: tfjs-backend-wasm 4.22 has no `Conv2DBackpropFilter`
 * kernel (the gradient of a convolution with respect to its kernel; Conv1D goes through it too),
 * so `fit` would fail. This registers one built from the backend's own kernels (NHWC, any
 * stride/padding, dilation 1). Training only.
 */
import * as tf from '@tensorflow/tfjs';

interface WasmBackend {
  readSync(dataId: object): tf.backend_util.BackendValues;
  makeOutput(shape: number[], dtype: 'float32', memoryOffset?: number, values?: Float32Array): tf.TensorInfo;
}

type Kernel = (args: { inputs: Record<string, tf.TensorInfo>; backend: unknown; attrs: Record<string, unknown> }) => tf.TensorInfo;

/**
 * dW[fh, fw, ci, co] = Σ_{b, oh, ow} x[b, oh·sh + fh − pt, ow·sw + fw − pl, ci] · dy[b, oh, ow, co]
 * is itself a convolution: input xᵀ [CI, H, W, B] (batch ↔ channels swapped), filter dyᵀ
 * [OH, OW, B, CO], dilation = the stride, stride 1, the same top/left padding; the result
 * [CI, FH, FW, CO] is transposed to [FH, FW, CI, CO]. So XNNPACK's forward convolution does it.
 */
export function registerWasmConvFilterGradient(): void {
  if (tf.getKernel('Conv2DBackpropFilter', 'wasm')) return;
  const kernel = (name: string) => tf.getKernel(name, 'wasm')!.kernelFunc as unknown as Kernel;
  const conv = kernel('Conv2D');
  const transpose = kernel('Transpose');
  const slice = kernel('Slice');
  tf.registerKernel({
    kernelName: 'Conv2DBackpropFilter',
    backendName: 'wasm',
    kernelFunc: ({ inputs, attrs, backend }) => {
      const be = backend as unknown as WasmBackend & { disposeData(id: object): void };
      const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
      const a = attrs as unknown as tf.Conv2DBackpropFilterAttrs;
      if (a.dataFormat !== 'NHWC') throw new Error('Conv2DBackpropFilter (wasm): only NHWC');
      const info = tf.backend_util.computeConv2DInfo(
        x.shape as [number, number, number, number], a.filterShape, a.strides, 1, a.pad, a.dimRoundingMode,
      );
      const { inHeight: H, inWidth: W, outHeight: OH, outWidth: OW, filterHeight: FH, filterWidth: FW, strideHeight: SH, strideWidth: SW } = info;
      const { top, left } = info.padInfo;
      const bottom = Math.max(0, FH - H - top + (OH - 1) * SH);
      const right = Math.max(0, FW - W - left + (OW - 1) * SW);
      const xT = transpose({ inputs: { x }, backend, attrs: { perm: [3, 1, 2, 0] } });
      const dyT = transpose({ inputs: { x: dy }, backend, attrs: { perm: [1, 2, 0, 3] } });
      const full = conv({
        inputs: { x: xT, filter: dyT }, backend,
        attrs: { strides: [1, 1], pad: [[0, 0], [top, bottom], [left, right], [0, 0]], dilations: [SH, SW], dataFormat: 'NHWC', dimRoundingMode: undefined },
      });
      const [ci, fh, fw, co] = full.shape as [number, number, number, number];
      const cut = fh === FH && fw === FW ? full : slice({ inputs: { x: full }, backend, attrs: { begin: [0, 0, 0, 0], size: [ci, FH, FW, co] } });
      const out = transpose({ inputs: { x: cut }, backend, attrs: { perm: [1, 2, 0, 3] } });
      for (const t of new Set([xT, dyT, full, cut])) be.disposeData(t.dataId);
      return out;
    },
  });
}

/**
 * The input gradient of a stride-1 convolution is a convolution of dy with the kernel flipped in
 * space and its in/out channels swapped, padded by (filter − 1 − pad) on each side. The stock wasm
 * kernel is a scalar loop; this one goes through XNNPACK. Strided convolutions keep the stock kernel.
 */
export function registerWasmConvInputGradient(): void {
  const stock = tf.getKernel('Conv2DBackpropInput', 'wasm')!;
  const kernel = (name: string) => tf.getKernel(name, 'wasm')!.kernelFunc as unknown as Kernel;
  const conv = kernel('Conv2D');
  const transpose = kernel('Transpose');
  const reverse = kernel('Reverse');
  tf.unregisterKernel('Conv2DBackpropInput', 'wasm');
  tf.registerKernel({
    kernelName: 'Conv2DBackpropInput',
    backendName: 'wasm',
    setupFunc: stock.setupFunc,
    kernelFunc: (args) => {
      const { inputs, attrs, backend } = args;
      const be = backend as unknown as { disposeData(id: object): void };
      const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
      const a = attrs as unknown as tf.Conv2DBackpropInputAttrs;
      const strides = typeof a.strides === 'number' ? [a.strides, a.strides] : a.strides;
      if (a.dataFormat !== 'NHWC' || strides[0] !== 1 || strides[1] !== 1) return stock.kernelFunc(args) as tf.TensorInfo;
      const info = tf.backend_util.computeConv2DInfo(
        a.inputShape, filter.shape as [number, number, number, number], 1, 1, a.pad, a.dimRoundingMode,
      );
      const { filterHeight: FH, filterWidth: FW } = info;
      const { top, bottom, left, right } = info.padInfo;
      const flipped = reverse({ inputs: { x: filter }, backend, attrs: { dims: [0, 1] } });
      const swapped = transpose({ inputs: { x: flipped }, backend, attrs: { perm: [0, 1, 3, 2] } });
      const out = conv({
        inputs: { x: dy, filter: swapped }, backend,
        attrs: { strides: [1, 1], pad: [[0, 0], [FH - 1 - top, FH - 1 - bottom], [FW - 1 - left, FW - 1 - right], [0, 0]], dilations: [1, 1], dataFormat: 'NHWC', dimRoundingMode: undefined },
      });
      be.disposeData(flipped.dataId);
      be.disposeData(swapped.dataId);
      return out;
    },
  });
}

/** The same gradient in plain JS loops (reference for checking the convolution form). */
export function convFilterGradientJs(x: tf.Tensor4D, dy: tf.Tensor4D, filterShape: [number, number, number, number], strides: [number, number], pad: 'same' | 'valid'): Float32Array {
  const info = tf.backend_util.computeConv2DInfo(x.shape, filterShape, strides, 1, pad);
  const { batchSize, inHeight: H, inWidth: W, inChannels: CI, outHeight: OH, outWidth: OW, outChannels: CO } = info;
  const { filterHeight: FH, filterWidth: FW, strideHeight: SH, strideWidth: SW } = info;
  const xv = x.dataSync();
  const dyv = dy.dataSync();
  const dw = new Float64Array(FH * FW * CI * CO);
  for (let b = 0; b < batchSize; b++)
    for (let yr = 0; yr < OH; yr++)
      for (let yc = 0; yc < OW; yc++)
        for (let fr = 0; fr < FH; fr++) {
          const xr = yr * SH + fr - info.padInfo.top;
          if (xr < 0 || xr >= H) continue;
          for (let fc = 0; fc < FW; fc++) {
            const xc = yc * SW + fc - info.padInfo.left;
            if (xc < 0 || xc >= W) continue;
            for (let ci = 0; ci < CI; ci++)
              for (let co = 0; co < CO; co++) dw[((fr * FW + fc) * CI + ci) * CO + co] += xv[((b * H + xr) * W + xc) * CI + ci]! * dyv[((b * OH + yr) * OW + yc) * CO + co]!;
          }
        }
  return Float32Array.from(dw);
}
