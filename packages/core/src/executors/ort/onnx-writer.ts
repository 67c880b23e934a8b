/**
 * Writes ONNX graphs for the ORT executor with the protobuf library the importer reads them with
 * (onnx-proto). Only what compiled explanations need: float32/int64 initializers and nodes with
 * INT(S), FLOAT and TENSOR attributes.
 */
import { onnx, type OnnxProto } from '../../import/onnx/proto.js';

/** Opset 17: ScatterElements with reduction 'add' (16+), Reduce* axes still attributes (< 18). */
export const OPSET = 17;

const FLOAT = 1;
const INT64 = 7;

export type Attr = number | readonly number[] | { readonly float: number } | { readonly tensor: OnnxProto.ITensorProto } | string;

function attribute(name: string, value: Attr): OnnxProto.IAttributeProto {
  const A = onnx.AttributeProto.AttributeType;
  if (typeof value === 'number') return { name, type: A.INT, i: value };
  if (typeof value === 'string') return { name, type: A.STRING, s: new TextEncoder().encode(value) };
  if (Array.isArray(value)) return { name, type: A.INTS, ints: [...value] };
  if ('float' in (value as object)) return { name, type: A.FLOAT, f: (value as { float: number }).float };
  return { name, type: A.TENSOR, t: (value as { tensor: OnnxProto.ITensorProto }).tensor };
}

export const floatTensor = (name: string, dims: readonly number[], values: Float32Array): OnnxProto.ITensorProto => ({
  // A Buffer view (no copy): protobufjs copies Buffers with memcpy, other Uint8Arrays byte by byte.
  name, dataType: FLOAT, dims: [...dims], rawData: Buffer.from(values.buffer, values.byteOffset, values.byteLength),
});

const int64Tensor = (name: string, dims: readonly number[], values: readonly number[]): OnnxProto.ITensorProto => ({
  name, dataType: INT64, dims: [...dims], rawData: new Uint8Array(BigInt64Array.from(values.map(BigInt)).buffer),
});

/** An ONNX graph under construction: unique value names, shared constants. */
export class OnnxWriter {
  private readonly nodes: OnnxProto.INodeProto[] = [];
  private readonly initializers: OnnxProto.ITensorProto[] = [];
  /** Large constants (kernels) made only when the model is encoded: planning stays cheap. */
  private readonly deferred: { name: string; dims: readonly number[]; make: () => Float32Array }[] = [];
  private readonly constants = new Map<string, string>();
  private count = 0;

  fresh(hint: string): string {
    return `${hint.replace(/[^A-Za-z0-9_]/g, '_')}_${this.count++}`;
  }

  /** Emits one node; returns its output names (`outputs` of them). */
  ops(opType: string, inputs: readonly string[], attributes: Readonly<Record<string, Attr>> = {}, outputs = 1): string[] {
    const names = Array.from({ length: outputs }, () => this.fresh(opType));
    this.nodes.push({
      opType, name: this.fresh(`n_${opType}`), input: [...inputs], output: names,
      attribute: Object.entries(attributes).map(([k, v]) => attribute(k, v)),
    });
    return names;
  }

  op(opType: string, inputs: readonly string[], attributes: Readonly<Record<string, Attr>> = {}): string {
    return this.ops(opType, inputs, attributes)[0]!;
  }

  /** A float32 initializer (not shared: callers cache what they reuse). */
  floats(hint: string, dims: readonly number[], values: Float32Array): string {
    const name = this.fresh(hint);
    this.initializers.push(floatTensor(name, dims, values));
    return name;
  }

  /** A float32 initializer computed only at `encode` (kernels: a cache hit never computes them). */
  deferredFloats(hint: string, dims: readonly number[], make: () => Float32Array): string {
    const name = this.fresh(hint);
    this.deferred.push({ name, dims, make });
    return name;
  }

  /** A float32 scalar, shared by value. */
  scalar(v: number): string {
    const key = `f${v}`;
    let name = this.constants.get(key);
    if (!name) this.constants.set(key, (name = this.floats('scalar', [], Float32Array.of(v))));
    return name;
  }

  /** An int64 vector (shapes, axes), shared by value. */
  int64s(values: readonly number[], dims: readonly number[] = [values.length]): string {
    const key = `i${dims.join('x')}:${values.join(',')}`;
    let name = this.constants.get(key);
    if (!name) {
      name = this.fresh('ints');
      this.initializers.push(int64Tensor(name, dims, values));
      this.constants.set(key, name);
    }
    return name;
  }

  encode(inputs: readonly { name: string; dtype: 'float32' | 'int64'; shape: readonly number[] }[], outputs: readonly string[]): Uint8Array {
    const valueInfo = (name: string, elemType: number, shape: readonly number[]): OnnxProto.IValueInfoProto => ({
      name, type: { tensorType: { elemType, shape: { dim: shape.map((d) => ({ dimValue: d })) } } },
    });
    const proto = onnx.ModelProto.create({
      irVersion: 8,
      producerName: 'xai-ort-executor',
      producerVersion: '1',
      opsetImport: [{ domain: '', version: OPSET }],
      graph: {
        name: 'explanation',
        input: inputs.map((i) => valueInfo(i.name, i.dtype === 'int64' ? INT64 : FLOAT, i.shape)),
        output: outputs.map((name) => ({ name })),
        node: this.nodes,
        initializer: [...this.initializers, ...this.deferred.map((d) => floatTensor(d.name, d.dims, d.make()))],
      },
    });
    return onnx.ModelProto.encode(proto).finish();
  }
}
