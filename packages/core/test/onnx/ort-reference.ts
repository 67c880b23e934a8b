/**
 * onnxruntime-node as the reference executor for forward values in tests: runs a model (bytes) on
 * given inputs and returns every requested output with its dims.
 */
import * as ort from 'onnxruntime-node';
import { onnx, type OnnxProto } from '../../src/import/onnx/proto.js';

export type ReferenceData = Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array | Int8Array | Uint16Array | Int16Array | boolean[] | Uint32Array;

export interface ReferenceTensor {
  readonly type: ort.Tensor.Type;
  readonly dims: readonly number[];
  readonly data: ReferenceData;
}

export type Feeds = Record<string, ReferenceTensor>;

export function feed(type: ort.Tensor.Type, dims: readonly number[], data: ReferenceData): ReferenceTensor {
  return { type, dims, data };
}

/** Runs `bytes` in onnxruntime (CPU, one thread, no graph optimisation beyond basic) and returns the outputs. */
export async function runReference(bytes: Uint8Array, feeds: Feeds, outputs?: readonly string[]): Promise<Record<string, ReferenceTensor>> {
  const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: 'basic' });
  try {
    const inputs: Record<string, ort.Tensor> = {};
    for (const [name, t] of Object.entries(feeds)) inputs[name] = new ort.Tensor(t.type, t.data as never, [...t.dims]);
    const result = outputs ? await session.run(inputs, [...outputs]) : await session.run(inputs);
    const out: Record<string, ReferenceTensor> = {};
    for (const [name, t] of Object.entries(result)) {
      out[name] = { type: t.type, dims: [...t.dims], data: t.data as ReferenceData };
      t.dispose();
    }
    return out;
  } finally {
    await session.release();
  }
}

/** Deterministic float32 input data for a shape. */
export function rampData(dims: readonly number[], scale = 0.1): Float32Array {
  const n = dims.reduce((a, b) => a * b, 1);
  return Float32Array.from({ length: n }, (_, i) => Math.sin(i * 1.7 + 0.3) * scale * 10);
}

/** The same model with every node output also a graph output, so a run reports every intermediate. */
export function exposeAllValues(bytes: Uint8Array): { bytes: Uint8Array; names: string[] } {
  const model = onnx.ModelProto.decode(bytes);
  const graph = model.graph as OnnxProto.GraphProto;
  const existing = new Set(graph.output.map((o) => o.name));
  const names = graph.node.flatMap((n) => n.output).filter((o): o is string => typeof o === 'string' && o !== '');
  for (const name of names) if (!existing.has(name)) graph.output.push(onnx.ValueInfoProto.create({ name }));
  return { bytes: onnx.ModelProto.encode(model).finish(), names };
}
