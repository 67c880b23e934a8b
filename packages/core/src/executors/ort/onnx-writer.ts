/**
 * Writes ONNX graphs for the ORT executor with the protobuf library the importer reads them with
 * (onnx-proto). Only what compiled explanations need: float32/int64 initializers and nodes with
 * INT(S), FLOAT and TENSOR attributes.
 */
import { closeSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { onnx, type OnnxProto } from '../../import/onnx/proto.js';
import { ownMemoryView } from './tensor-values.js';

/** Opset 17: ScatterElements with reduction 'add' (16+), Reduce* axes still attributes (< 18). */
export const OPSET = 17;

const FLOAT = 1;
const INT64 = 7;

export interface ModelInput {
  readonly name: string;
  readonly dtype: 'float32' | 'int64';
  readonly shape: readonly number[];
}

/**
 * A model kernel the saved graph takes as an input instead of an initializer: ORT reads it in place
 * from the tfjs tensor's memory on every run (session-cache.ts feeds it), so the process holds VGG-16's
 * 0.47 GB of dense kernels once, not twice.
 */
export interface SharedKernel {
  readonly name: string;
  readonly dims: readonly number[];
  readonly source: tf.Tensor;
}

/** What `save` wrote: the model's path and the kernels it reads from tfjs memory. */
export interface SavedModel {
  readonly path: string;
  readonly shared: readonly SharedKernel[];
}

export interface SaveOptions {
  /** Feed large unmodified kernels from tfjs memory (CPU provider; a GPU provider would copy them every run). */
  readonly shareKernels?: boolean;
}

/** Kernels smaller than this stay initializers: their copy is cheap, and initializers let ORT fold and pre-arrange them. */
const SHARE_MIN_BYTES = 1 << 20;

/** Ops that read a kernel input as it is, with nothing for ORT to fold or pre-arrange at load: sharing costs them nothing. */
const READS_KERNEL_AS_IS = new Set(['Gemm', 'MatMul']);

export type Attr = number | readonly number[] | { readonly float: number } | { readonly tensor: OnnxProto.ITensorProto } | { readonly graph: OnnxProto.IGraphProto } | string;

function attribute(name: string, value: Attr): OnnxProto.IAttributeProto {
  const A = onnx.AttributeProto.AttributeType;
  if (typeof value === 'number') return { name, type: A.INT, i: value };
  if (typeof value === 'string') return { name, type: A.STRING, s: new TextEncoder().encode(value) };
  if (Array.isArray(value)) return { name, type: A.INTS, ints: [...value] };
  if ('float' in (value as object)) return { name, type: A.FLOAT, f: (value as { float: number }).float };
  if ('graph' in (value as object)) return { name, type: A.GRAPH, g: (value as { graph: OnnxProto.IGraphProto }).graph };
  return { name, type: A.TENSOR, t: (value as { tensor: OnnxProto.ITensorProto }).tensor };
}

export const floatTensor = (name: string, dims: readonly number[], values: Float32Array): OnnxProto.ITensorProto => ({
  // A Buffer view (no copy): protobufjs copies Buffers with memcpy, other Uint8Arrays byte by byte.
  name, dataType: FLOAT, dims: [...dims], rawData: Buffer.from(values.buffer, values.byteOffset, values.byteLength),
});

const int64Tensor = (name: string, dims: readonly number[], values: readonly number[]): OnnxProto.ITensorProto => ({
  name, dataType: INT64, dims: [...dims], rawData: new Uint8Array(BigInt64Array.from(values.map(BigInt)).buffer),
});

interface DeferredKernel {
  readonly name: string;
  readonly dims: readonly number[];
  readonly make: () => Float32Array;
  readonly source?: tf.Tensor;
}

/** An ONNX graph under construction: unique value names, shared constants. */
export class OnnxWriter {
  private nodes: OnnxProto.INodeProto[] = [];
  /** The main graph's nodes (`nodes` is a subgraph's while one is built). */
  private readonly root = this.nodes;
  private readonly initializers: OnnxProto.ITensorProto[] = [];
  /** Large constants (kernels) made only when the model is encoded: planning stays cheap. */
  private readonly deferred: DeferredKernel[] = [];
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

  /** Adds an output to the node that made `output` (an optional output asked for later, such as MaxPool's Indices). */
  addOutput(output: string, hint: string): string {
    const visit = (nodes: readonly OnnxProto.INodeProto[]): OnnxProto.INodeProto | undefined => {
      for (const n of nodes) {
        if (n.output?.[0] === output) return n;
        for (const a of n.attribute ?? []) {
          const found = a.g ? visit(a.g.node ?? []) : undefined;
          if (found) return found;
        }
      }
      return undefined;
    };
    const node = visit(this.root) ?? visit(this.nodes);
    if (!node) throw new Error(`no node makes '${output}'`);
    const name = this.fresh(hint);
    node.output!.push(name);
    return name;
  }

  op(opType: string, inputs: readonly string[], attributes: Readonly<Record<string, Attr>> = {}): string {
    return this.ops(opType, inputs, attributes)[0]!;
  }

  /** A node of the main graph even while a subgraph is built (constants derived from initializers, shared by all). */
  rootOp(opType: string, inputs: readonly string[], attributes: Readonly<Record<string, Attr>> = {}): string {
    const current = this.nodes;
    this.nodes = this.root;
    try {
      return this.op(opType, inputs, attributes);
    } finally {
      this.nodes = current;
    }
  }

  /**
   * A subgraph (a branch of If): the nodes `build` emits go into it, its initializers into the main
   * graph (outer-scope names are visible inside). `build` returns the float32 outputs and their dims.
   */
  subgraph(hint: string, build: () => readonly { name: string; dims: readonly number[] }[]): OnnxProto.IGraphProto {
    const outer = this.nodes;
    this.nodes = [];
    try {
      // A branch may not return an outer-scope value as such: every output goes through an Identity.
      const outputs = build().map((o) => ({ ...o, name: this.op('Identity', [o.name]) }));
      return {
        name: this.fresh(hint),
        node: this.nodes,
        output: outputs.map((o) => ({ name: o.name, type: { tensorType: { elemType: FLOAT, shape: { dim: o.dims.map((d) => ({ dimValue: d })) } } } })),
      };
    } finally {
      this.nodes = outer;
    }
  }

  /** A float32 initializer (not shared: callers cache what they reuse). */
  floats(hint: string, dims: readonly number[], values: Float32Array): string {
    const name = this.fresh(hint);
    this.initializers.push(floatTensor(name, dims, values));
    return name;
  }

  /**
   * A float32 initializer computed only at `encode` (kernels: a cache hit never computes them).
   * `source`: the model's tensor holding exactly these values in this layout, which `save` may share.
   */
  deferredFloats(hint: string, dims: readonly number[], make: () => Float32Array, source?: tf.Tensor): string {
    const name = this.fresh(hint);
    this.deferred.push({ name, dims, make, source });
    return name;
  }

  /** Every node reading `name`, in the main graph and in subgraphs, with the input slot it reads it at. */
  private readers(name: string): { opType: string; slot: number }[] {
    const found: { opType: string; slot: number }[] = [];
    const visit = (nodes: readonly OnnxProto.INodeProto[]) => {
      for (const n of nodes) {
        n.input?.forEach((input, slot) => input === name && found.push({ opType: n.opType!, slot }));
        for (const a of n.attribute ?? []) if (a.g) visit(a.g.node ?? []);
      }
    };
    visit(this.root);
    return found;
  }

  /** Whether a deferred kernel is fed from tfjs memory rather than written out (see SharedKernel). */
  private shares(d: DeferredKernel): boolean {
    if (!d.source || 4 * d.source.size < SHARE_MIN_BYTES || ownMemoryView(d.source) === null) return false;
    const readers = this.readers(d.name);
    return readers.length > 0 && readers.every((r) => READS_KERNEL_AS_IS.has(r.opType) && r.slot === 1);
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

  /**
   * Writes the model into `dir` and returns its path: model.onnx, with the deferred kernels as
   * external data in weights.bin at 64 KiB-aligned offsets — ORT then maps that file instead of
   * copying it (from bytes it holds the parsed model and a copy of every kernel at once). Each
   * kernel is computed, written and dropped in turn; with `shareKernels`, large kernels read as they
   * are become graph inputs instead (SharedKernel).
   */
  save(dir: string, inputs: readonly ModelInput[], outputs: readonly string[], options: SaveOptions = {}): SavedModel {
    const weights = openSync(join(dir, WEIGHTS_FILE), 'w');
    const external: OnnxProto.ITensorProto[] = [];
    const shared: SharedKernel[] = [];
    let offset = 0;
    try {
      for (const d of this.deferred) {
        if (options.shareKernels && this.shares(d)) {
          shared.push({ name: d.name, dims: d.dims, source: d.source! });
          continue;
        }
        const values = d.make();
        const length = 4 * d.dims.reduce((a, b) => a * b, 1);
        if (values.byteLength !== length) throw new Error(`kernel '${d.name}': ${values.length} values for dims [${d.dims}]`);
        offset = Math.ceil(offset / EXTERNAL_ALIGNMENT) * EXTERNAL_ALIGNMENT;
        writeSync(weights, new Uint8Array(values.buffer, values.byteOffset, values.byteLength), 0, length, offset);
        external.push({
          name: d.name, dataType: FLOAT, dims: [...d.dims], dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
          externalData: [{ key: 'location', value: WEIGHTS_FILE }, { key: 'offset', value: String(offset) }, { key: 'length', value: String(length) }],
        });
        offset += length;
      }
    } finally {
      closeSync(weights);
    }
    const path = join(dir, 'model.onnx');
    const graphInputs = [...inputs, ...shared.map((k) => ({ name: k.name, dtype: 'float32' as const, shape: k.dims }))];
    writeFileSync(path, onnx.ModelProto.encode({ ...this.modelHead(), graph: this.graphProto(graphInputs, outputs, external) }).finish());
    return { path, shared };
  }

  private modelHead(): OnnxProto.IModelProto {
    return { irVersion: 8, producerName: 'xai-ort-executor', producerVersion: '1', opsetImport: [{ domain: '', version: OPSET }] };
  }

  private graphProto(inputs: readonly ModelInput[], outputs: readonly string[], extra: readonly OnnxProto.ITensorProto[]): OnnxProto.IGraphProto {
    const valueInfo = (name: string, elemType: number, shape: readonly number[]): OnnxProto.IValueInfoProto => ({
      name, type: { tensorType: { elemType, shape: { dim: shape.map((d) => ({ dimValue: d })) } } },
    });
    return {
      name: 'explanation',
      input: inputs.map((i) => valueInfo(i.name, i.dtype === 'int64' ? INT64 : FLOAT, i.shape)),
      output: outputs.map((name) => ({ name })),
      node: this.nodes,
      initializer: [...this.initializers, ...extra],
    };
  }

  /**
   * The model's bytes, written into one exactly-sized buffer: the graph without its deferred kernels
   * is encoded by protobufjs, then each kernel is computed, copied in as a TensorProto appended to
   * the graph (protobuf merges repeated fields in any order) and dropped — so encoding never holds
   * more than the result and one kernel.
   */
  encode(inputs: readonly ModelInput[], outputs: readonly string[]): Uint8Array {
    const graph = onnx.GraphProto.encode(this.graphProto(inputs, outputs, [])).finish();
    const head = onnx.ModelProto.encode(this.modelHead()).finish();
    const kernels = this.deferred.map((d) => {
      const header = onnx.TensorProto.encode({ name: d.name, dataType: FLOAT, dims: [...d.dims] }).finish();
      const dataBytes = 4 * d.dims.reduce((a, b) => a * b, 1);
      const tensorBytes = header.length + 1 + varintLength(dataBytes) + dataBytes;
      return { d, header, dataBytes, tensorBytes };
    });
    const graphBytes = graph.length + kernels.reduce((sum, k) => sum + 1 + varintLength(k.tensorBytes) + k.tensorBytes, 0);
    const out = new Uint8Array(head.length + 1 + varintLength(graphBytes) + graphBytes);
    let at = 0;
    const put = (bytes: Uint8Array) => {
      out.set(bytes, at);
      at += bytes.length;
    };
    const tag = (field: number, length: number) => {
      out[at++] = (field << 3) | 2; // length-delimited
      at = writeVarint(out, at, length);
    };
    put(head);
    tag(GRAPH_FIELD, graphBytes);
    put(graph);
    for (const { d, header, dataBytes, tensorBytes } of kernels) {
      tag(INITIALIZER_FIELD, tensorBytes);
      put(header);
      tag(RAW_DATA_FIELD, dataBytes);
      const values = d.make();
      if (values.byteLength !== dataBytes) throw new Error(`kernel '${d.name}': ${values.length} values for dims [${d.dims}]`);
      put(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
    }
    if (at !== out.length) throw new Error(`encoded ${at} of ${out.length} bytes`);
    return out;
  }
}

/** The external data file next to a saved model, and the alignment of its tensors (mappable on every OS). */
const WEIGHTS_FILE = 'weights.bin';
const EXTERNAL_ALIGNMENT = 65536;

/** ModelProto.graph, GraphProto.initializer and TensorProto.raw_data (onnx.proto field numbers). */
const GRAPH_FIELD = 7;
const INITIALIZER_FIELD = 5;
const RAW_DATA_FIELD = 9;

function varintLength(n: number): number {
  let length = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 0x80);
    length++;
  }
  return length;
}

function writeVarint(out: Uint8Array, at: number, n: number): number {
  while (n >= 0x80) {
    out[at++] = (n % 0x80) | 0x80;
    n = Math.floor(n / 0x80);
  }
  out[at++] = n;
  return at;
}
