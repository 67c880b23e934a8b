/**
 * readOnnx: bytes or a path → OnnxModel (plain JS; initializers as typed arrays; attributes decoded;
 * nodes in topological order). Checks the opset range, tensor sizes, external data and graph wiring.
 */
import { readFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { onnx as OnnxNs } from 'onnx-proto';
import { decodeAttribute, type AttributeDecoders } from './attributes.js';
import { OnnxFormatError, OnnxOpsetError } from './errors.js';
import { ExternalDataReader } from './external-data.js';
import { int64ToNumber, type LongLike } from './int64.js';
import type { OnnxAttributeValue, OnnxGraph, OnnxModel, OnnxNode, OnnxTensor, OnnxValueInfo } from './model.js';
import { onnx } from './proto.js';
import { checkElementCount, decodeTensor, type TensorContext } from './tensor.js';
import { topologicalOrder } from './topological-order.js';
import { decodeValueInfo } from './value-info.js';

/** Versions of the default operator set the importer accepts. */
export const SUPPORTED_OPSETS = { min: 11, max: 21 } as const;

/** Default cap on the elements of one tensor or declared input (2^28 float32 values = 1 GiB). */
export const DEFAULT_MAX_ELEMENTS = 2 ** 28;

export interface ReadOnnxOptions {
  /** Folder of the external data files; default: the model file's folder (none for bytes). */
  readonly externalDataDir?: string;
  /** Name used in errors when reading bytes (default 'model.onnx'). */
  readonly label?: string;
  /** Largest element count one tensor or input shape may declare (default 2^28). */
  readonly maxElements?: number;
  /** Accept any opset (for inspecting files); the importer itself keeps the default `false`. */
  readonly anyOpset?: boolean;
}

export async function readOnnx(source: string | Uint8Array, options: ReadOnnxOptions = {}): Promise<OnnxModel> {
  if (typeof source === 'string') {
    let bytes: Uint8Array;
    try {
      bytes = await readFile(source);
    } catch (error) {
      throw new OnnxFormatError(source, 'file', `cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    }
    return decodeOnnx(bytes, { ...options, label: options.label ?? basename(source), externalDataDir: options.externalDataDir ?? dirname(source) });
  }
  return decodeOnnx(source, options);
}

/** The synchronous core of readOnnx, for bytes already in memory. */
export function decodeOnnx(bytes: Uint8Array, options: ReadOnnxOptions = {}): OnnxModel {
  const file = options.label ?? 'model.onnx';
  let proto: OnnxNs.ModelProto;
  try {
    proto = onnx.ModelProto.decode(bytes);
  } catch (error) {
    throw new OnnxFormatError(file, 'ModelProto', `malformed or truncated protobuf (${(error as Error).message})`);
  }
  if (!proto.graph) throw new OnnxFormatError(file, 'ModelProto.graph', 'the model has no graph (is this an ONNX model file?)');
  const opsetImports = new Map<string, number>();
  for (const entry of proto.opsetImport ?? []) {
    opsetImports.set(entry.domain === 'ai.onnx' ? '' : entry.domain ?? '', int64ToNumber((entry.version ?? 0) as number | LongLike));
  }
  const opset = opsetImports.get('');
  if (!options.anyOpset && (opset === undefined || opset < SUPPORTED_OPSETS.min || opset > SUPPORTED_OPSETS.max)) {
    throw new OnnxOpsetError(file, 'ModelProto.opset_import',
      opset === undefined
        ? `imports no version of the default operator set (ai.onnx); supported: ${SUPPORTED_OPSETS.min}–${SUPPORTED_OPSETS.max}`
        : `imports ai.onnx opset ${opset}; supported: ${SUPPORTED_OPSETS.min}–${SUPPORTED_OPSETS.max}` +
          (opset < SUPPORTED_OPSETS.min ? ' (re-export with a newer opset_version)' : ' (re-export with an older opset_version)'));
  }
  const external = new ExternalDataReader(options.externalDataDir ?? null, file);
  const ctx: TensorContext = { file, maxElements: options.maxElements ?? DEFAULT_MAX_ELEMENTS, external };
  try {
    const graph = decodeGraph(proto.graph, ctx, 'graph', new Set());
    const metadata: Record<string, string> = {};
    for (const entry of proto.metadataProps ?? []) metadata[entry.key ?? ''] = entry.value ?? '';
    return {
      file,
      irVersion: int64ToNumber((proto.irVersion ?? 0) as number | LongLike),
      opsetImports,
      producerName: proto.producerName ?? '',
      producerVersion: proto.producerVersion ?? '',
      modelVersion: int64ToNumber((proto.modelVersion ?? 0) as number | LongLike),
      docString: proto.docString ?? '',
      metadata,
      graph,
    };
  } finally {
    external.close();
  }
}

function decodeGraph(proto: OnnxNs.IGraphProto, ctx: TensorContext, field: string, outerScope: ReadonlySet<string>): OnnxGraph {
  const initializers = new Map<string, OnnxTensor>();
  (proto.initializer ?? []).forEach((t, i) => {
    const tensor = decodeTensor(t, ctx, `${field}.initializer[${i}] '${t.name ?? ''}'`);
    initializers.set(tensor.name, tensor);
  });
  const inputs: OnnxValueInfo[] = [];
  (proto.input ?? []).forEach((v, i) => {
    const info = decodeValueInfo(v, ctx.file, `${field}.input[${i}]`);
    if (initializers.has(info.name)) return; // IR < 4 lists initializers as inputs too
    if (info.shape) checkElementCount(info.shape, ctx, `${field}.input[${i}] '${info.name}'`);
    inputs.push(info);
  });
  const outputs = (proto.output ?? []).map((v, i) => decodeValueInfo(v, ctx.file, `${field}.output[${i}]`));
  const valueInfo = (proto.valueInfo ?? []).map((v, i) => decodeValueInfo(v, ctx.file, `${field}.value_info[${i}]`));
  const scope = new Set([...outerScope, ...inputs.map((v) => v.name), ...initializers.keys()]);
  const decoders: AttributeDecoders = {
    file: ctx.file,
    tensor: (t, f) => decodeTensor(t, ctx, f),
    graph: (g, f) => decodeGraph(g, ctx, f, scope),
  };
  const nodes: OnnxNode[] = (proto.node ?? []).map((n, i) => {
    const attributes: Record<string, OnnxAttributeValue> = {};
    (n.attribute ?? []).forEach((a, j) => {
      attributes[a.name ?? ''] = decodeAttribute(a, decoders, `${field}.node[${i}] '${n.name ?? ''}'.attribute[${j}] '${a.name ?? ''}'`);
    });
    return {
      name: n.name ?? '',
      opType: n.opType ?? '',
      domain: n.domain === 'ai.onnx' ? '' : n.domain ?? '',
      inputs: [...(n.input ?? [])],
      outputs: [...(n.output ?? [])],
      attributes,
    };
  });
  // Sub-graphs (If/Loop bodies) may use values of the enclosing graphs that are produced later.
  const ordered = topologicalOrder(nodes, scope, ctx.file, field, outerScope.size > 0);
  for (const [i, output] of outputs.entries()) {
    if (!scope.has(output.name) && !ordered.some((n) => n.outputs.includes(output.name))) {
      throw new OnnxFormatError(ctx.file, `${field}.output[${i}]`, `graph output '${output.name}' is produced by no node, initializer or input`);
    }
  }
  return { name: proto.name ?? '', inputs, outputs, valueInfo, initializers, nodes: ordered };
}
