/**
 * How a NIfTI volume or series becomes one model input, and back: which spatial axis order the
 * model takes, what happens to the time axis of a 4-D file, and where each voxel (i, j, k, t)
 * lies in the flat sample.
 */
import { InvalidArgumentError } from '@xai/core';
import type { ModelInputSpec } from '../adapter.js';
import { moveChannelAxis, type InputLayout } from '../layout.js';

/**
 * Channels-last (tfjs) shapes; channels-first (ONNX) models take the channel axis first instead
 * (after the batch axis of 'batch'): [1, ...spatial], [T, ...spatial], [T, 1, ...spatial], [1, T, ...spatial].
 * - volume: one 3-D volume [...spatial, 1] (a 3-D file, or one volume of a 4-D file);
 * - channels: time as the channel axis [...spatial, T];
 * - batch: the volumes as a batch [T, ...spatial, 1], each explained on its own (a 3-D model run over a series);
 * - sequence: one sample [T, ...spatial, 1] for models that take a sequence of volumes.
 */
export type TimeMode = 'volume' | 'channels' | 'batch' | 'sequence';
export const TIME_MODES = ['auto', 'channels', 'batch', 'sequence'] as const;

export interface FmriLayout {
  readonly mode: TimeMode;
  /** The spatial NIfTI axes in the order the model takes them, e.g. [0, 1, 2] ('ijk') or [2, 1, 0] ('kji'). */
  readonly spatial: readonly number[];
  /** NIfTI axes in the order of the sample values (3 = t), without the channel axis of size 1. */
  readonly order: readonly number[];
  /** Whether a channel axis of size 1 ends the sample shape. */
  readonly channelAxis: boolean;
  /** Shape of the sample (for 'batch': with the batch axis first). */
  readonly sampleShape: readonly number[];
  /** [ni, nj, nk, T] (T = 1 for one volume). */
  readonly dims: readonly [number, number, number, number];
  /** Element strides of i, j, k and t in the sample values. */
  readonly strides: readonly [number, number, number, number];
  /** The volume taken from a 4-D file in 'volume' mode, else null. */
  readonly volumeIndex: number | null;
  /** Where the channel axis is in `sampleShape`. */
  readonly layout: InputLayout;
}

/** 'ijk', 'kji', … → [0, 1, 2], [2, 1, 0], … */
export function parseAxisOrder(text: string): number[] {
  const letters = text.toLowerCase();
  const order = [...letters].map((ch) => 'ijk'.indexOf(ch));
  if (order.length !== 3 || order.some((a) => a < 0) || new Set(order).size !== 3) {
    throw new InvalidArgumentError(`axes must be a permutation of 'ijk' (e.g. 'ijk', 'kji'), got '${text}'`);
  }
  return order;
}

const axisName = (order: readonly number[]) => order.map((a) => 'ijk'[a]).join('');

export interface LayoutRequest {
  readonly file: string;
  /** NIfTI dims after dropping trailing singleton axes: 3 or 4 of them. */
  readonly dims: readonly number[];
  readonly axes: string;
  readonly time: (typeof TIME_MODES)[number];
  readonly volume?: number;
  readonly model?: ModelInputSpec;
  /** The layout the user states (absent or 'auto': the model's, unless only the other one fits its shape). */
  readonly layout?: InputLayout | 'auto';
}

/** The sample shape of a mode in a layout (for 'batch': with the batch axis first). */
function sampleShapeOf(mode: TimeMode, spatialShape: readonly number[], T: number, channelAxis: boolean, layout: InputLayout): number[] {
  const last = mode === 'channels' ? [...spatialShape, T] : mode === 'volume' ? [...spatialShape] : [T, ...spatialShape];
  if (mode !== 'channels' && channelAxis) last.push(1);
  if (layout === 'channels-last' || (mode !== 'channels' && !channelAxis)) return last;
  return moveChannelAxis(last, 'channels-first', mode === 'batch' ? 1 : 0);
}

/**
 * Chooses the layout from the file's dims, the options and (when known) the model's input shape
 * and layout: a stated layout must fit; otherwise the model's layout, or the other one when only
 * it fits the shape.
 */
export function chooseLayout(req: LayoutRequest): FmriLayout {
  const stated = req.layout && req.layout !== 'auto' ? req.layout : undefined;
  const preferred = stated ?? req.model?.layout ?? 'channels-last';
  try {
    return layoutIn(req, preferred);
  } catch (err) {
    if (stated || !req.model) throw err;
    const other = preferred === 'channels-first' ? 'channels-last' : 'channels-first';
    try {
      return layoutIn(req, other);
    } catch {
      throw err;
    }
  }
}

/** The layout of the sample in `inputLayout`; throws when the model's shape does not take it. */
function layoutIn(req: LayoutRequest, inputLayout: InputLayout): FmriLayout {
  const spatial = parseAxisOrder(req.axes);
  const [ni, nj, nk] = req.dims as [number, number, number];
  const T = req.dims.length === 4 ? req.dims[3]! : 1;
  const spec = req.model?.shape;
  // The mode is decided on the channels-last reading of the model's shape (a rank-3 shape has no channel axis).
  const specLast = spec && inputLayout === 'channels-first' && spec.length >= 4 ? moveChannelAxis(spec, 'channels-last') : spec;
  let mode: TimeMode;
  let volumeIndex: number | null = null;
  if (req.volume !== undefined) {
    if (!Number.isInteger(req.volume) || req.volume < 0 || req.volume >= T) {
      throw new InvalidArgumentError(`${req.file}: volume ${req.volume} does not exist; the file has ${T} volume(s) (0..${T - 1})`);
    }
    mode = 'volume';
    volumeIndex = T > 1 ? req.volume : null;
  } else if (T === 1) {
    mode = 'volume';
  } else if (req.time !== 'auto') {
    mode = req.time;
  } else if (specLast?.length === 5 || (specLast?.length === 4 && specLast[0] === T && specLast[3] !== T)) {
    mode = 'sequence';
  } else if (specLast?.length === 4 && specLast[3] === T) {
    mode = 'channels';
  } else {
    mode = 'batch';
  }
  // A channel axis of size 1, unless the model's input rank says there is none.
  const spatialRank = { volume: 3, channels: 3, batch: 3, sequence: 4 }[mode];
  const channelAxis = mode !== 'channels' && !(spec && spec.length === spatialRank);
  const spatialShape = spatial.map((a) => [ni, nj, nk][a]!);
  const order = mode === 'channels' ? (inputLayout === 'channels-first' ? [3, ...spatial] : [...spatial, 3]) : mode === 'volume' ? [...spatial] : [3, ...spatial];
  const sampleShape = sampleShapeOf(mode, spatialShape, T, channelAxis, inputLayout);
  const dims: [number, number, number, number] = [ni, nj, nk, mode === 'volume' ? 1 : T];
  const strides = [0, 0, 0, 0] as [number, number, number, number];
  let s = 1;
  for (let q = order.length - 1; q >= 0; q--) {
    strides[order[q]!] = s;
    s *= dims[order[q]!]!;
  }

  if (spec) {
    const compared = mode === 'batch' ? sampleShape.slice(1) : sampleShape;
    const ok = compared.length === spec.length && spec.every((d, k) => d === null || d === compared[k]);
    if (!ok) {
      const hint = ['ijk', 'kji', 'kij', 'jik', 'jki', 'ikj'].find((p) => {
        const alt = parseAxisOrder(p).map((a) => [ni, nj, nk][a]!);
        const full = sampleShapeOf(mode, alt, T, channelAxis, inputLayout);
        const shaped = mode === 'batch' ? full.slice(1) : full;
        return p !== axisName(spatial) && shaped.length === spec.length && spec.every((d, k) => d === null || d === shaped[k]);
      });
      throw new InvalidArgumentError(
        `${req.file}: the model expects [${spec.map((d) => d ?? 'any').join(', ')}]${mode === 'batch' ? ' per volume' : ''}, ` +
          `the volume gives [${compared.join(', ')}] (dims [${req.dims.join(', ')}], axes '${axisName(spatial)}', time '${mode}', ${inputLayout})` +
          (hint ? `; option axes: '${hint}' would match` : "; the volume is on another grid: option resample ('trilinear' or 'nearest') resamples it to the model's"),
      );
    }
  }
  return { mode, spatial, order, channelAxis, sampleShape, dims, strides, volumeIndex, layout: inputLayout };
}

/**
 * The voxel dims (i, j, k) of the model's grid, read from its input shape (in `axes` order, with
 * or without a channel or time axis); an axis the model leaves open (null) keeps `fallback`'s size.
 * Null when the shape has no reading as a volume or a run.
 */
export function modelGridDims(spec: ModelInputSpec | undefined, layout: InputLayout, axes: string, T: number, fallback: readonly number[]): [number, number, number] | null {
  if (!spec) return null;
  const shape = layout === 'channels-first' && spec.shape.length >= 4 ? moveChannelAxis(spec.shape, 'channels-last') : [...spec.shape];
  let spatial: (number | null)[];
  if (shape.length === 5) spatial = shape.slice(1, 4);
  else if (shape.length === 4) spatial = shape[3] === 1 || shape[3] === T || shape[0] !== T ? shape.slice(0, 3) : shape.slice(1);
  else if (shape.length === 3) spatial = shape;
  else return null;
  const order = parseAxisOrder(axes);
  const dims = [...fallback.slice(0, 3)] as [number, number, number];
  order.forEach((a, q) => {
    if (spatial[q] !== null && spatial[q] !== undefined) dims[a] = spatial[q]!;
  });
  return dims;
}

/** Whether some order of the spatial axes other than `axes` gives the model's dims (the 'axes' option fits, no resampling). */
export function axesPermutationFits(dims: readonly number[], modelDims: readonly number[], axes: string): boolean {
  const current = parseAxisOrder(axes);
  return ['ijk', 'ikj', 'jik', 'jki', 'kij', 'kji'].some((p) => {
    const order = parseAxisOrder(p);
    if (order.every((a, q) => a === current[q])) return false;
    // the file's axes in order p hold, as the model reads them, the sizes it expects in order `axes`
    return order.every((a, q) => dims[a] === modelDims[current[q]!]);
  });
}

/** Reorders a dense nibabel-order (i slowest, k fastest) 3-D volume into `order` (e.g. [2, 1, 0] for 'kji'). */
export function reorderVolume(values: ArrayLike<number>, dims: readonly [number, number, number], order: readonly number[]): Float32Array {
  const out = new Float32Array(dims[0] * dims[1] * dims[2]);
  const outDims = order.map((a) => dims[a]!);
  const stride = [0, 0, 0];
  stride[order[0]!] = outDims[1]! * outDims[2]!;
  stride[order[1]!] = outDims[2]!;
  stride[order[2]!] = 1;
  for (let i = 0, p = 0; i < dims[0]; i++) for (let j = 0; j < dims[1]; j++) for (let k = 0; k < dims[2]; k++, p++) {
    out[i * stride[0]! + j * stride[1]! + k * stride[2]!] = values[p]!;
  }
  return out;
}
