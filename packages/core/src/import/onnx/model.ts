/**
 * The ONNX model as plain JavaScript: what `readOnnx` returns and the normalisation passes rewrite.
 * Independent of the engine's node classes; a converter walks `graph.nodes` (topological order).
 */

/** Element types of ONNX tensors (TensorProto.DataType), by the names used in this package. */
export type OnnxDtype =
  | 'float32' | 'uint8' | 'int8' | 'uint16' | 'int16' | 'int32' | 'int64' | 'string' | 'bool'
  | 'float16' | 'float64' | 'uint32' | 'uint64' | 'bfloat16';

/**
 * Tensor values. float16 and bfloat16 are decoded to Float32Array, bool is a Uint8Array of 0/1,
 * int64 a BigInt64Array (use `int64Values` for checked numbers), strings a string[].
 */
export type OnnxTensorData =
  | Float32Array | Float64Array | Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array
  | Uint32Array | BigInt64Array | BigUint64Array | string[];

export interface OnnxTensor {
  readonly name: string;
  readonly dtype: OnnxDtype;
  readonly dims: readonly number[];
  readonly data: OnnxTensorData;
}

/** A dimension: a size, or a symbolic name (`'batch'`, `'N'`; `'?'` when the file names none). */
export type OnnxDim = number | string;

/** A graph input, output or intermediate value as declared (shape `null` when not declared). */
export interface OnnxValueInfo {
  readonly name: string;
  readonly dtype: OnnxDtype | null;
  readonly shape: readonly OnnxDim[] | null;
}

/** Attribute values, decoded: INT(S) are numbers (int64 checked), STRING(S) UTF-8 strings. */
export type OnnxAttributeValue =
  | number | string | OnnxTensor | OnnxGraph
  | readonly number[] | readonly string[] | readonly OnnxTensor[] | readonly OnnxGraph[];

export interface OnnxNode {
  readonly name: string;
  readonly opType: string;
  /** '' for the default operator set (ai.onnx). */
  readonly domain: string;
  /** Value names; '' marks an optional input that is left out. */
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attributes: Readonly<Record<string, OnnxAttributeValue>>;
}

export interface OnnxGraph {
  readonly name: string;
  /** Inputs the caller feeds (initializers listed as inputs by older exporters are left out). */
  readonly inputs: readonly OnnxValueInfo[];
  readonly outputs: readonly OnnxValueInfo[];
  /** Intermediate values whose type the file declares (shape-inference hints of the exporter). */
  readonly valueInfo: readonly OnnxValueInfo[];
  readonly initializers: ReadonlyMap<string, OnnxTensor>;
  /** In topological order (checked: no cycle, every input produced). */
  readonly nodes: readonly OnnxNode[];
}

export interface OnnxModel {
  /** The file it was read from, or the label given for bytes; errors name it. */
  readonly file: string;
  readonly irVersion: number;
  /** Operator set versions by domain ('' = ai.onnx). */
  readonly opsetImports: ReadonlyMap<string, number>;
  readonly producerName: string;
  readonly producerVersion: string;
  readonly modelVersion: number;
  readonly docString: string;
  /** metadata_props as a map (e.g. channel names and sampling rate of an EEG model). */
  readonly metadata: Readonly<Record<string, string>>;
  readonly graph: OnnxGraph;
}

/** Version of the default operator set ('' / 'ai.onnx') the model imports. */
export function defaultOpset(model: Pick<OnnxModel, 'opsetImports'>): number {
  return model.opsetImports.get('') ?? model.opsetImports.get('ai.onnx') ?? 0;
}
