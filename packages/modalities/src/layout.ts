/**
 * Where the channel axis of a model input lies, and moving it at the adapter boundary. tfjs
 * (Keras) models take channels last ([H, W, C], [T, H, W, C], [i, j, k, C]); ONNX models from
 * PyTorch take channels first ([C, H, W], [C, T, H, W], [C, D, H, W]). Adapters build their
 * samples channels-last, as their views read them, and move the channel axis to the model's
 * layout when they decode and back when they read relevance; the user's arrays, the samples and
 * the relevance JSON are in the model's own layout.
 */
import { InvalidArgumentError } from '@xai/core';
import type { ModelInputSpec, SampleArray } from './adapter.js';
import { StringEnum } from './adapter-options.js';

export type InputLayout = 'channels-first' | 'channels-last';
export const INPUT_LAYOUTS = ['channels-first', 'channels-last'] as const;

/** The decode option every adapter with a channel axis takes. */
export const LAYOUT_OPTION = StringEnum(['auto', ...INPUT_LAYOUTS], {
  default: 'auto',
  description: "where the model's input has its channel axis: auto learns it from the model (ONNX: channels-first, tfjs: channels-last) and its input shape",
});

/**
 * The layout a loaded model's input has, from its format and shape with the batch axis: ONNX
 * inputs of rank ≥ 3 are channels-first, everything else channels-last (a rank-2 input has no
 * channel axis to place).
 */
export function layoutOfInput(format: 'tfjs' | 'onnx', shapeWithBatch: readonly (number | null)[]): InputLayout {
  return format === 'onnx' && shapeWithBatch.length >= 3 ? 'channels-first' : 'channels-last';
}

const other = (layout: InputLayout): InputLayout => (layout === 'channels-first' ? 'channels-last' : 'channels-first');
const shapeText = (shape: readonly (number | null)[]) => `[${shape.map((d) => d ?? 'any').join(', ')}]`;

export interface LayoutQuestion {
  /** The model input (without the batch axis); absent: no model, channels-last. */
  readonly spec?: ModelInputSpec;
  /** The user's `layout` option ('auto' or absent: learn it). */
  readonly stated?: InputLayout | 'auto';
  /** Leading axes before the channel axis in channels-first order (e.g. a batch of volumes). */
  readonly lead?: number;
  /** The rank of a sample that has a channel axis (images: 3); a model input of another rank has none and is fed as it is. */
  readonly rank?: number;
  /** Whether a channel count fits this modality (1 or 3 for images …). */
  readonly fits: (channels: number) => boolean;
  /** What the modality gives, for messages ("images give 1 (grey) or 3 (RGB) channels"). */
  readonly gives: string;
  /** Names the input in messages. */
  readonly what: string;
}

/** The channel count a layout reads from the shape (null: free size). */
function channelsAt(shape: readonly (number | null)[], layout: InputLayout, lead: number): number | null {
  return (layout === 'channels-first' ? shape[lead] : shape[shape.length - 1]) ?? null;
}

/**
 * The layout to feed: the stated one (checked against the model's shape), else the model's
 * (ONNX: channels-first) unless its channel axis cannot hold this modality's channels while the
 * other end can (a tf2onnx export that kept NHWC, a tfjs model built channels-first). Shapes
 * without a channel axis (rank ≤ lead + 1, or not `rank`) are channels-last: nothing moves.
 */
export function resolveLayout(q: LayoutQuestion): InputLayout {
  const lead = q.lead ?? 0;
  const shape = q.spec?.shape;
  if (!shape) return q.stated && q.stated !== 'auto' ? q.stated : 'channels-last';
  if (shape.length <= lead + 1 || (q.rank !== undefined && shape.length !== q.rank)) return 'channels-last';
  const fitsAt = (layout: InputLayout) => {
    const c = channelsAt(shape, layout, lead);
    return c === null || q.fits(c);
  };
  if (q.stated && q.stated !== 'auto') {
    if (!fitsAt(q.stated)) {
      throw new InvalidArgumentError(
        `${q.what}: layout '${q.stated}' reads the model input ${shapeText(shape)} as having ${channelsAt(shape, q.stated, lead)} channels; ${q.gives}` +
          (fitsAt(other(q.stated)) ? ` (the model looks ${other(q.stated)}: leave layout on 'auto' or set it to '${other(q.stated)}')` : ''),
      );
    }
    return q.stated;
  }
  const preferred = q.spec?.layout ?? 'channels-last';
  if (fitsAt(preferred)) return preferred;
  if (fitsAt(other(preferred))) return other(preferred);
  throw new InvalidArgumentError(
    `${q.what}: the model input ${shapeText(shape)} has ${channelsAt(shape, preferred, lead)} channels read ${preferred} and ${channelsAt(shape, other(preferred), lead)} read ${other(preferred)}; ${q.gives}`,
  );
}

/** The shape with its channel axis moved: channels-first [lead…, C, d…] ↔ channels-last [lead…, d…, C]. */
export function moveChannelAxis<T extends number | null>(shape: readonly T[], to: InputLayout, lead = 0): T[] {
  if (shape.length <= lead + 1) return [...shape];
  const head = shape.slice(0, lead);
  const rest = shape.slice(lead);
  return to === 'channels-first' ? [...head, rest[rest.length - 1]!, ...rest.slice(0, -1)] : [...head, ...rest.slice(1), rest[0]!];
}

/** The spec as it reads channels-last (what the adapters' own shape logic expects). */
export function channelsLastSpec(spec: ModelInputSpec | undefined, layout: InputLayout, lead = 0): ModelInputSpec | undefined {
  if (!spec || layout === 'channels-last') return spec;
  return { ...spec, shape: moveChannelAxis(spec.shape, 'channels-last', lead), layout: 'channels-last' };
}

/**
 * Values of a row-major array of `shape` with the channel axis moved to `to` (`shape` is the
 * source shape, in the other layout). A channel axis of size 1 moves no value: the same array
 * comes back.
 */
export function moveChannelValues<A extends Float32Array | Int32Array>(values: A, shape: readonly number[], to: InputLayout, lead = 0): A {
  if (shape.length <= lead + 1) return values;
  const outer = shape.slice(0, lead).reduce((a, b) => a * b, 1);
  const rest = shape.slice(lead);
  const [channels, inner] = to === 'channels-first'
    ? [rest[rest.length - 1]!, rest.slice(0, -1).reduce((a, b) => a * b, 1)]
    : [rest[0]!, rest.slice(1).reduce((a, b) => a * b, 1)];
  if (channels === 1 || inner === 1) return values;
  if (values.length !== outer * channels * inner) throw new InvalidArgumentError(`${values.length} values do not fill the shape [${shape.join(', ')}]`);
  const out = new (values.constructor as new (n: number) => A)(values.length);
  const block = channels * inner;
  for (let o = 0; o < outer; o++) {
    const base = o * block;
    if (to === 'channels-first') {
      for (let p = 0; p < inner; p++) for (let c = 0; c < channels; c++) out[base + c * inner + p] = values[base + p * channels + c]!;
    } else {
      for (let c = 0; c < channels; c++) for (let p = 0; p < inner; p++) out[base + p * channels + c] = values[base + c * inner + p]!;
    }
  }
  return out;
}

/** A channels-last sample in `layout` (the sample records its layout). */
export function sampleInLayout(sample: SampleArray, layout: InputLayout, lead = 0): SampleArray {
  if (layout === 'channels-last') return { ...sample, layout };
  return {
    values: moveChannelValues(sample.values, sample.shape, 'channels-first', lead),
    shape: moveChannelAxis(sample.shape, 'channels-first', lead),
    dtype: sample.dtype,
    layout,
  };
}

/** Values and shape of an array in `layout` (a sample or its relevance) as channels-last. */
export function asChannelsLast<A extends Float32Array | Int32Array>(values: A, shape: readonly number[], layout: InputLayout | undefined, lead = 0): { values: A; shape: number[] } {
  if (layout !== 'channels-first') return { values, shape: [...shape] };
  return { values: moveChannelValues(values, shape, 'channels-last', lead), shape: moveChannelAxis(shape, 'channels-last', lead) };
}
