import * as tf from '@tensorflow/tfjs';
import { explain, explainAt, type ExecutionReport, type ExplainRequest, type XaiModel } from '@xai/core';
import type { Artefact, DecodedInput, InputFile, ModalityAdapter, ModelInputSpec } from './adapter.js';
import { layoutOfInput } from './layout.js';
import { isSubwordInput } from './text/subword/subword-text.js';

export interface ExplainedInput {
  readonly decoded: DecodedInput;
  readonly artefacts: Artefact[];
  readonly method: string;
  readonly options: Record<string, unknown>;
  readonly target: number;
  readonly logits: number[];
  readonly elapsedMs: number;
  /** The executor that ran (and its provider, or why it fell back to tfjs). */
  readonly execution?: ExecutionReport;
}

/**
 * What each model input expects of one sample, read from the model's graph (tfjs and ONNX alike):
 * shape without the batch axis, dtype, the layout its format implies, and the model's metadata.
 */
export function modelInputSpecs(model: XaiModel, extraMetadata?: Readonly<Record<string, string>>): ModelInputSpec[] {
  // facts stated beside the model (a server's upload form) lie over the file's own keys
  const metadata = extraMetadata && Object.keys(extraMetadata).length > 0 ? { ...model.onnxModel?.metadata, ...extraMetadata } : model.onnxModel?.metadata;
  const dtypes = model.inputDtypes;
  return model.inputShapes.map((shape, i) => ({
    shape: shape.slice(1),
    dtype: dtypes[i] === 'int32' ? 'int32' : 'float32',
    layout: layoutOfInput(model.format, shape),
    ...(metadata && Object.keys(metadata).length > 0 ? { metadata } : {}),
  }));
}

/**
 * The whole round trip of one input: decode the user's files with the modality adapter, explain
 * the sample with any registered method, and turn the relevance into the modality's artefacts.
 * Class names default to the model's own (`model.classNames`: ONNX `xai.classes` …). Text decoded
 * with a tokenizer.json (a transformer) is explained at the encoder input with `explainAt`; 'lrp'
 * there defaults to the composite 'transformer'.
 */
export async function explainInput(
  model: XaiModel,
  adapter: ModalityAdapter,
  files: readonly InputFile[],
  request: ExplainRequest & {
    readonly decodeOptions?: Record<string, unknown>;
    readonly renderOptions?: Record<string, unknown>;
    readonly classNames?: readonly string[];
    /** Metadata keys laid over the model file's own (e.g. `xai.channels` stated with an upload). */
    readonly modelMetadata?: Readonly<Record<string, string>>;
  },
): Promise<ExplainedInput> {
  const { decodeOptions, renderOptions, classNames: givenNames, modelMetadata, ...explainRequest } = request;
  const classNames = givenNames ?? model.classNames ?? undefined;
  const decoded = await adapter.decode(files, decodeOptions ?? {}, modelInputSpecs(model, modelMetadata));
  const tensors = decoded.samples.map((s) => tf.tensor(s.values, [...s.shape], s.dtype));
  try {
    const input = tensors.length === 1 ? tensors[0]! : tensors;
    // A transformer's token ids are explained at the encoder input (token + position embedding, [T, d]),
    // LRP with conservative propagation (composite 'transformer') unless a composite or rule is asked for.
    const subword = isSubwordInput(decoded);
    const request = subword && explainRequest.method === 'lrp' && !('composite' in explainRequest) && !('rule' in explainRequest) ? { ...explainRequest, composite: 'transformer' } : explainRequest;
    const result = subword ? await explainAt(model, input, request) : await explain(model, input, request);
    try {
      const target = result.targets[0]!;
      const logits = Array.from(result.logits.dataSync());
      const relevances = result.relevances.map((r) => ({ values: r.dataSync() as Float32Array, shape: r.shape }));
      const artefacts = await adapter.artefacts(decoded, {
        relevances, method: result.method, target, targetName: classNames?.[target], logits, options: result.options,
        targets: [...result.targets], ...(classNames ? { classNames } : {}),
      }, renderOptions ?? {});
      return { decoded, artefacts, method: result.method, options: result.options, target, logits, elapsedMs: result.elapsedMs, ...(result.execution ? { execution: result.execution } : {}) };
    } finally {
      result.dispose();
    }
  } finally {
    tensors.forEach((t) => t.dispose());
  }
}
