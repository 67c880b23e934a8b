/**
 * tfjs kernel patches for the training scripts (the scripts/…-train.ts of core and modalities), in one place.
 * Training only: nothing in the library registers them. Two kinds:
 * - cpu backend, speed: several stock kernels go through TensorBuffer.get() or a generic
 *   transpose/broadcast per element and took most of a training step; the flat-array versions
 *   below cover the cases the demo models hit and defer to the stock kernel otherwise (same
 *   results up to float summation order).
 * - wasm backend, correctness and presence: tfjs-backend-wasm 4.22 has no Conv2DBackpropFilter,
 *   a scalar-loop Conv2DBackpropInput and a wrong Conv3DBackpropInputV2; the replacements are
 *   composed from the backend's own (XNNPACK) kernels.
 * Import as `@xai/core/tfjs-kernel-patches`.
 */
import * as tf from '@tensorflow/tfjs';

type CpuBackend = {
  readSync(id: object): tf.backend_util.BackendValues;
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): tf.TensorInfo;
};

type FastKernel = (args: Parameters<tf.KernelFunc>[0], be: CpuBackend) => tf.TensorInfo | null;

/** Swaps a cpu kernel for `fast`, which may return null to defer to the stock kernel. */
function overrideCpuKernel(name: string, fast: FastKernel): void {
  const stock = tf.getKernel(name, 'cpu');
  tf.unregisterKernel(name, 'cpu');
  tf.registerKernel({
    kernelName: name,
    backendName: 'cpu',
    kernelFunc: (args) => fast(args, args.backend as unknown as CpuBackend) ?? stock.kernelFunc(args),
  });
}

/** cpu: the filter gradient of an NHWC Conv2D (Conv1D goes through it too) on flat arrays. */
export function useFastCpuConvFilterGradient(): void {
  overrideCpuKernel('Conv2DBackpropFilter', ({ inputs, attrs }, be) => {
    const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
    const a = attrs as unknown as tf.Conv2DBackpropFilterAttrs;
    if (a.dataFormat !== 'NHWC') return null;
    const info = tf.backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number], a.filterShape, a.strides, 1, a.pad, a.dimRoundingMode,
    );
    const { batchSize, inHeight: H, inWidth: W, inChannels: CI, outHeight: OH, outWidth: OW, outChannels: CO } = info;
    const { filterHeight: FH, filterWidth: FW, strideHeight: SH, strideWidth: SW } = info;
    const xv = be.readSync(x.dataId) as Float32Array;
    const dyv = be.readSync(dy.dataId) as Float32Array;
    const dw = new Float64Array(FH * FW * CI * CO);
    for (let b = 0; b < batchSize; b++)
      for (let yr = 0; yr < OH; yr++)
        for (let yc = 0; yc < OW; yc++) {
          const dyOff = ((b * OH + yr) * OW + yc) * CO;
          for (let fr = 0; fr < FH; fr++) {
            const xr = yr * SH + fr - info.padInfo.top;
            if (xr < 0 || xr >= H) continue;
            for (let fc = 0; fc < FW; fc++) {
              const xc = yc * SW + fc - info.padInfo.left;
              if (xc < 0 || xc >= W) continue;
              const xOff = ((b * H + xr) * W + xc) * CI;
              const wOff = (fr * FW + fc) * CI * CO;
              for (let ci = 0; ci < CI; ci++) {
                const v = xv[xOff + ci]!;
                if (v === 0) continue; // post-ReLU inputs are mostly zeros
                const o = wOff + ci * CO;
                for (let co = 0; co < CO; co++) dw[o + co] += v * dyv[dyOff + co]!;
              }
            }
          }
        }
    return be.makeTensorInfo(info.filterShape, 'float32', Float32Array.from(dw));
  });
}

/** cpu: the max-pooling gradient (to the first maximum in row-major order, as the stock kernel). */
export function useFastCpuMaxPoolGradient(): void {
  overrideCpuKernel('MaxPoolGrad', ({ inputs, attrs }, be) => {
    const { dy, input } = inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
    const a = attrs as unknown as tf.MaxPoolGradAttrs;
    const info = tf.backend_util.computePool2DInfo(
      input.shape as [number, number, number, number], a.filterSize, a.strides, 1, a.pad, a.dimRoundingMode,
    );
    const { batchSize, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = info;
    const xv = be.readSync(input.dataId) as Float32Array;
    const dyv = be.readSync(dy.dataId) as Float32Array;
    const dx = new Float32Array(xv.length);
    for (let b = 0; b < batchSize; b++)
      for (let yr = 0; yr < OH; yr++) {
        const r0 = Math.max(0, yr * info.strideHeight - info.padInfo.top);
        const r1 = Math.min(H, yr * info.strideHeight - info.padInfo.top + info.filterHeight);
        for (let yc = 0; yc < OW; yc++) {
          const c0 = Math.max(0, yc * info.strideWidth - info.padInfo.left);
          const c1 = Math.min(W, yc * info.strideWidth - info.padInfo.left + info.filterWidth);
          for (let d = 0; d < C; d++) {
            // Gradient goes to the first maximum in row-major order, as in the stock kernel.
            let best = -Infinity;
            let at = -1;
            for (let r = r0; r < r1; r++)
              for (let c = c0; c < c1; c++) {
                const i = ((b * H + r) * W + c) * C + d;
                if (xv[i]! > best) {
                  best = xv[i]!;
                  at = i;
                }
              }
            if (at >= 0) dx[at] += dyv[((b * OH + yr) * OW + yc) * C + d]!;
          }
        }
      }
    return be.makeTensorInfo(input.shape, 'float32', dx);
  });
}

/**
 * cpu: BatchNormalization's per-channel reductions (Sum/Mean over all axes but the last) and
 * broadcasts (Add/Sub/Multiply of a [..., C] tensor with a per-channel one).
 */
export function useFastCpuChannelKernels(): void {
  // Sum/Mean over all axes but the last ([N,H,W,C] -> [C]): the stock kernel
  // transposes the whole tensor first. Same per-channel summation order.
  for (const [name, isMean] of [['Sum', false], ['Mean', true]] as const) {
    overrideCpuKernel(name, ({ inputs, attrs }, be) => {
      const { x } = inputs as { x: tf.TensorInfo };
      const { axis, keepDims } = attrs as unknown as tf.SumAttrs;
      const axes = tf.util.parseAxisParam(axis, x.shape).sort((p, q) => p - q);
      const rank = x.shape.length;
      if (x.dtype !== 'float32' || rank < 2 || axes.length !== rank - 1 || axes.some((a, k) => a !== k)) {
        return null;
      }
      const C = x.shape[rank - 1]!;
      const xv = be.readSync(x.dataId) as Float32Array;
      const acc = new Float64Array(C);
      const n = xv.length / C;
      // (the stock Mean divides in float32 before summing)
      for (let i = 0; i < xv.length; i += C)
        for (let c = 0; c < C; c++) acc[c] += isMean ? Math.fround(xv[i + c]! / n) : xv[i + c]!;
      const shape = keepDims ? [...Array<number>(rank - 1).fill(1), C] : [C];
      return be.makeTensorInfo(shape, 'float32', Float32Array.from(acc));
    });
  }

  // Binary ops of a [...,C] tensor with a per-channel [C] / [1,...,1,C] one.
  const ops: Record<string, (p: number, q: number) => number> = {
    Add: (p, q) => p + q,
    Sub: (p, q) => p - q,
    Multiply: (p, q) => p * q,
  };
  for (const [name, op] of Object.entries(ops)) {
    overrideCpuKernel(name, ({ inputs }, be) => {
      const { a, b } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
      if (a.dtype !== 'float32' || b.dtype !== 'float32') return null;
      const perChannel = (small: tf.TensorInfo, big: tf.TensorInfo) =>
        small.shape.length <= big.shape.length &&
        small.shape.length > 0 &&
        small.shape.at(-1) === big.shape.at(-1) &&
        small.shape.slice(0, -1).every((d) => d === 1) &&
        tf.util.sizeFromShape(big.shape) > small.shape.at(-1)!;
      const bSmall = perChannel(b, a);
      if (!bSmall && !perChannel(a, b)) return null;
      const big = bSmall ? a : b;
      const bigV = be.readSync(big.dataId) as Float32Array;
      const smallV = be.readSync((bSmall ? b : a).dataId) as Float32Array;
      const C = smallV.length;
      const out = new Float32Array(bigV.length);
      for (let i = 0; i < out.length; i += C)
        for (let c = 0; c < C; c++) {
          out[i + c] = bSmall ? op(bigV[i + c]!, smallV[c]!) : op(smallV[c]!, bigV[i + c]!);
        }
      return be.makeTensorInfo(big.shape, 'float32', out);
    });
  }
}

/** cpu: the filter gradient of DepthwiseConv2D (no dilation) on flat arrays. */
export function useFastCpuDepthwiseFilterGradient(): void {
  overrideCpuKernel('DepthwiseConv2dNativeBackpropFilter', ({ inputs, attrs }, be) => {
    const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
    const a = attrs as unknown as tf.DepthwiseConv2dNativeBackpropFilterAttrs;
    const dilations = typeof a.dilations === 'number' ? [a.dilations, a.dilations] : a.dilations ?? [1, 1];
    if (dilations[0] !== 1 || dilations[1] !== 1) return null;
    const info = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], a.filterShape, a.strides, 1, a.pad, a.dimRoundingMode, true);
    const { batchSize, inHeight: H, inWidth: W, inChannels: CI, outHeight: OH, outWidth: OW, outChannels: CO, filterHeight: FH, filterWidth: FW, strideHeight: SH, strideWidth: SW } = info;
    const M = CO / CI;
    const xv = be.readSync(x.dataId) as Float32Array;
    const dyv = be.readSync(dy.dataId) as Float32Array;
    const dw = new Float64Array(FH * FW * CO);
    for (let b = 0; b < batchSize; b++)
      for (let yr = 0; yr < OH; yr++)
        for (let yc = 0; yc < OW; yc++) {
          const dyOff = ((b * OH + yr) * OW + yc) * CO;
          for (let fr = 0; fr < FH; fr++) {
            const xr = yr * SH + fr - info.padInfo.top;
            if (xr < 0 || xr >= H) continue;
            for (let fc = 0; fc < FW; fc++) {
              const xc = yc * SW + fc - info.padInfo.left;
              if (xc < 0 || xc >= W) continue;
              const xOff = ((b * H + xr) * W + xc) * CI;
              const wOff = (fr * FW + fc) * CO;
              for (let ci = 0; ci < CI; ci++) {
                const v = xv[xOff + ci]!;
                for (let m = 0; m < M; m++) dw[wOff + ci * M + m] += v * dyv[dyOff + ci * M + m]!;
              }
            }
          }
        }
    return be.makeTensorInfo(info.filterShape, 'float32', Float32Array.from(dw));
  });
}

/**
 * cpu: UnsortedSegmentSum (the gradient of an Embedding's gather) adds each row to its segment
 * once; the stock kernel compares every row with every segment (~75 % of a text training step).
 */
export function useFastCpuSegmentSum(): void {
  const stock = tf.getKernel('UnsortedSegmentSum', 'cpu');
  tf.unregisterKernel('UnsortedSegmentSum', 'cpu');
  tf.registerKernel({
    kernelName: 'UnsortedSegmentSum',
    backendName: 'cpu',
    kernelFunc: (args) => {
      const { x, segmentIds } = args.inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
      const { numSegments } = args.attrs as unknown as { numSegments: number };
      if (x.dtype !== 'float32' || segmentIds.shape.length !== 1 || segmentIds.shape[0] !== x.shape[0]) return stock.kernelFunc(args);
      const be = args.backend as unknown as CpuBackend;
      const xv = be.readSync(x.dataId) as Float32Array;
      const ids = be.readSync(segmentIds.dataId) as Int32Array;
      const inner = xv.length / Math.max(1, ids.length);
      const out = new Float32Array(numSegments * inner);
      for (let r = 0; r < ids.length; r++) {
        const seg = ids[r]!;
        if (seg < 0 || seg >= numSegments) continue;
        for (let k = 0; k < inner; k++) out[seg * inner + k] += xv[r * inner + k]!;
      }
      return be.makeTensorInfo([numSegments, ...x.shape.slice(1)], 'float32', out);
    },
  });
}

interface WasmBackend {
  disposeData(dataId: object): void;
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
      const be = backend as unknown as WasmBackend;
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
      const be = backend as unknown as WasmBackend;
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

/**
 * Conv3DBackpropInputV2 of tfjs-backend-wasm 4.22 returns wrong values — measured against the cpu
 * backend on random data: Σ|dx| 37658 vs 70009 ('same') and 28438 vs 34398 ('valid') — so a
 * Conv3D model with more than one convolution does not learn. This replaces it, for stride-1
 * convolutions, by a 'valid' correlation of the padded dy with the kernel flipped in space and its
 * in/out channels swapped (the backend's own Conv3D, Reverse, Transpose and PadV2). Strided or
 * dilated convolutions are refused rather than computed wrongly.
 */
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
      const be = backend as unknown as WasmBackend;
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
