/** AttributeProto → plain JS value (numbers, strings, tensors, sub-graphs, or lists of them). */
import type { onnx } from 'onnx-proto';
import { OnnxFormatError } from './errors.js';
import { int64ToNumber, type LongLike } from './int64.js';
import type { OnnxAttributeValue, OnnxGraph, OnnxTensor } from './model.js';

export interface AttributeDecoders {
  readonly file: string;
  tensor(proto: onnx.ITensorProto, field: string): OnnxTensor;
  graph(proto: onnx.IGraphProto, field: string): OnnxGraph;
}

const utf8 = new TextDecoder();

/** AttributeProto.AttributeType codes. */
const enum AttributeType {
  UNDEFINED = 0, FLOAT = 1, INT = 2, STRING = 3, TENSOR = 4, GRAPH = 5,
  FLOATS = 6, INTS = 7, STRINGS = 8, TENSORS = 9, GRAPHS = 10,
}

export function decodeAttribute(proto: onnx.IAttributeProto, decoders: AttributeDecoders, field: string): OnnxAttributeValue {
  const type = proto.type ?? AttributeType.UNDEFINED;
  switch (type === AttributeType.UNDEFINED ? guessType(proto) : type) {
    case AttributeType.FLOAT: return proto.f ?? 0;
    case AttributeType.INT: return int64ToNumber((proto.i ?? 0) as number | LongLike);
    case AttributeType.STRING: return utf8.decode(proto.s ?? new Uint8Array());
    case AttributeType.TENSOR:
      if (!proto.t) throw new OnnxFormatError(decoders.file, field, 'TENSOR attribute without a tensor');
      return decoders.tensor(proto.t, `${field}.t`);
    case AttributeType.GRAPH:
      if (!proto.g) throw new OnnxFormatError(decoders.file, field, 'GRAPH attribute without a graph');
      return decoders.graph(proto.g, `${field}.g`);
    case AttributeType.FLOATS: return [...(proto.floats ?? [])];
    case AttributeType.INTS: return (proto.ints ?? []).map((v) => int64ToNumber(v as number | LongLike));
    case AttributeType.STRINGS: return (proto.strings ?? []).map((b) => utf8.decode(b));
    case AttributeType.TENSORS: return (proto.tensors ?? []).map((t, i) => decoders.tensor(t, `${field}.tensors[${i}]`));
    case AttributeType.GRAPHS: return (proto.graphs ?? []).map((g, i) => decoders.graph(g, `${field}.graphs[${i}]`));
    default:
      throw new OnnxFormatError(decoders.file, field, `attribute type ${type} (sparse tensors, type protos) is not supported`);
  }
}

/** IR version 1 files may leave `type` unset: take the field that holds a value. */
function guessType(proto: onnx.IAttributeProto): number {
  if (proto.floats?.length) return AttributeType.FLOATS;
  if (proto.ints?.length) return AttributeType.INTS;
  if (proto.strings?.length) return AttributeType.STRINGS;
  if (proto.tensors?.length) return AttributeType.TENSORS;
  if (proto.graphs?.length) return AttributeType.GRAPHS;
  if (proto.t) return AttributeType.TENSOR;
  if (proto.g) return AttributeType.GRAPH;
  if (proto.s?.length) return AttributeType.STRING;
  if (proto.f) return AttributeType.FLOAT;
  return AttributeType.INT;
}
