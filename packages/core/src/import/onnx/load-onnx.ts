import { XaiError, InvalidModelError } from '../../errors.js';
import { recognizeAttention } from '../../graph/recognize-attention.js';
import { buildOnnxGraph, type OnnxModelGraph } from './convert/build-graph.js';
import type { OnnxModel } from './model.js';
import { normalizeOnnx } from './normalize/normalize.js';
import { readOnnx, type ReadOnnxOptions } from './read-onnx.js';

export interface OnnxLoadOptions extends Pick<ReadOnnxOptions, 'externalDataDir' | 'label' | 'maxElements'> {
  /** Merge BatchNormalization into a preceding Conv/Gemm/MatMul (default true); false keeps it an affine node. */
  readonly mergeBatchNorm?: boolean;
}

export interface ConvertedOnnx {
  readonly model: OnnxModel;
  readonly graph: OnnxModelGraph;
}

/** Reads, normalises and converts an ONNX model (a path, or bytes) to the engine's graph. */
export async function convertOnnx(source: string | Uint8Array, options: OnnxLoadOptions = {}): Promise<ConvertedOnnx> {
  const model = await readOnnx(source, options);
  const net = normalizeOnnx(model, { maxElements: options.maxElements });
  try {
    const graph = buildOnnxGraph(net, { mergeBatchNorm: options.mergeBatchNorm });
    return { model, graph: { ...graph, ...recognizeAttention(graph) } };
  } catch (err) {
    if (err instanceof XaiError) throw err;
    throw new InvalidModelError(model.file, `cannot build the explanation graph: ${(err as Error)?.message ?? String(err)}`);
  }
}


