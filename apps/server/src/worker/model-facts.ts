/**
 * What the model page says about a model beside its layer table, for both formats: parameters,
 * format, producer and opset (ONNX), metadata_props, and each input's name, shape, dtype and layout.
 */
import { onnxImport, type XaiModel } from '@xai/core';
import type { InputSignature, ModelFacts } from './task-types.js';

/** Axis letters of the layouts inputs come in, by rank (batch axis first). */
const CHANNELS_FIRST: Record<number, string> = { 3: 'NCT', 4: 'NCHW', 5: 'NCDHW' };
const CHANNELS_LAST: Record<number, string> = { 3: 'NTC', 4: 'NHWC', 5: 'NDHWC' };

/**
 * A layout spelled out for an input of `rank` axes: NCHW, NCT, NCDHW (channels-first) or NHWC,
 * NTC, NDHWC (channels-last); NF for [batch, features] and N for a batch of scalars.
 */
export function layoutName(layout: 'channels-first' | 'channels-last', rank: number): string {
  if (rank <= 1) return 'N';
  if (rank === 2) return 'NF';
  const table = layout === 'channels-first' ? CHANNELS_FIRST : CHANNELS_LAST;
  return table[rank] ?? (layout === 'channels-first' ? `NC + ${rank - 2} spatial axes` : `N + ${rank - 2} spatial axes + C`);
}

const FLOAT_DTYPES = new Set(['float32', 'float16', 'bfloat16', 'float64']);

/**
 * Trainable-size count: a tfjs model's own countParams(); for ONNX the elements of its floating-point
 * initializers (weights, biases, normalisation statistics; integer shape constants left out).
 */
export function parameterCount(model: XaiModel): number {
  const onnx = model.onnxModel;
  if (!onnx) return model.layersModel.countParams();
  let count = 0;
  for (const t of onnx.graph.initializers.values()) if (FLOAT_DTYPES.has(t.dtype)) count += t.dims.reduce((a, d) => a * d, 1);
  return count;
}

/**
 * Per input: name, shape with the batch axis null, dtype and layout. Layouts follow the model's
 * format (ONNX channels-first, tfjs channels-last; the core's `inputLayout` rule, per input).
 */
export function inputSignature(model: XaiModel): InputSignature[] {
  return model.inputShapes.map((shape, i) => {
    const rank = shape.length;
    const layout = model.format === 'onnx' && rank >= 3 ? 'channels-first' : 'channels-last';
    return {
      name: model.graph.inputNames[i] ?? `input_${i}`,
      shape: [null, ...shape.slice(1)],
      dtype: model.inputDtypes[i] ?? 'float32',
      layout: layoutName(layout, rank),
    };
  });
}

/** Format, producer, opset and metadata_props (tfjs models: no producer or opset, empty metadata). */
export function modelFacts(model: XaiModel): ModelFacts {
  const onnx = model.onnxModel;
  if (!onnx) return { format: 'tfjs', producer: null, opset: null, metadata: {} };
  const producer = [onnx.producerName, onnx.producerVersion].filter(Boolean).join(' ');
  return {
    format: 'onnx',
    producer: producer || null,
    opset: onnxImport.defaultOpset(onnx) || null,
    metadata: { ...onnx.metadata },
  };
}
