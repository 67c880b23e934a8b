import type * as tf from '@tensorflow/tfjs';
import { UnsupportedLayerError } from '../../../errors.js';
import type { GraphNode } from '../../../graph/node.js';
import type { OnnxDim, OnnxNode, OnnxTensor } from '../model.js';

/**
 * Where a value lives inside the engine: 'onnx' is the model's own layout (channels first);
 * 'channels-last' moves axis 1 to the end ([N, C, ...S] stored as [N, ...S, C]), the layout the
 * engine's convolutions and pools run in.
 */
export type Layout = 'onnx' | 'channels-last';

/**
 * A value whose batch axis is its ONNX axis k ≥ 1 (the time-major values around recurrent
 * operators, e.g. LSTM's X [T, N, I]): the engine stores it with that axis moved to the front, the
 * others in order. Only converters that ask for `storedLayout` read such a value; `tensor()`
 * refuses to hand it over in another layout.
 */
export type BatchMovedLayout = `batch-at-${number}`;
export type StoredLayout = Layout | BatchMovedLayout;

/** The layout of a value whose batch axis is ONNX axis `axis` (stored batch first). */
export const batchAtLayout = (axis: number): StoredLayout => (axis === 0 ? 'onnx' : `batch-at-${axis}`);

/** The ONNX axis holding the batch in a value stored in `layout` (0 unless `batch-at-k`). */
export const batchAxisOf = (layout: StoredLayout): number => (layout.startsWith('batch-at-') ? Number(layout.slice('batch-at-'.length)) : 0);

/** What an ONNX operator converter gets: one normalised node inside the graph being built. */
export interface OnnxConversionContext {
  readonly node: OnnxNode;
  /** Unique node name (the ONNX node's name, or `<opType>_<index>` when it has none). */
  readonly name: string;
  /** ONNX-layout shape of a value (batch axis first; symbolic dimensions by name). */
  shape(value: string): readonly OnnxDim[];
  dtype(value: string): string | null;
  /** The value as an initializer, or null when it is computed. */
  constant(value: string): OnnxTensor | null;
  /** The layout a computed value is stored in ('onnx' for a batch-moved value, which `tensor()` then refuses). */
  layout(value: string): Layout;
  /** The layout a computed value is stored in, batch-moved layouts included. */
  storedLayout(value: string): StoredLayout;
  /** The graph tensor holding a computed value in `layout` (default 'onnx'), transposing once if needed. */
  tensor(value: string, layout?: StoredLayout): number;
  newTensor(): number;
  /** Adds converted nodes (in topological order). */
  emit(...nodes: GraphNode[]): void;
  /** Says which tensor holds an output of this node, and in which layout. */
  bind(value: string, tensor: number, layout: StoredLayout): void;
  /** A tfjs tensor the model keeps (released with the model). */
  keep<T extends tf.Tensor>(t: T): T;
  /** Throws UnsupportedOnnxOpError for this node with a reason. */
  unsupported(detail: string): never;
}

/** Turns one normalised ONNX node into engine nodes. */
export type OnnxOpConverter = (ctx: OnnxConversionContext) => void;

const converters = new Map<string, OnnxOpConverter>();

/** Registers (or replaces) the converter of an ONNX operator type (default domain). Plugins call this. */
export function registerOnnxOp(opType: string, converter: OnnxOpConverter): void {
  converters.set(opType, converter);
}

export function onnxOpConverter(opType: string): OnnxOpConverter | undefined {
  return converters.get(opType);
}

/** Operator types the converter knows, plus those normalisation removes or folds. */
export function supportedOnnxOps(): string[] {
  return [...new Set([...converters.keys(), 'Constant', 'Identity', 'Dropout'])].sort();
}

/** An ONNX node the engine cannot convert: names its type, the node, and the supported types. */
export class UnsupportedOnnxOpError extends UnsupportedLayerError {
  constructor(readonly nodeName: string, readonly opType: string, detail?: string) {
    super(nodeName, opType, supportedOnnxOps(), detail);
    this.message =
      `ONNX node '${nodeName}' of type ${opType} is not supported` +
      (detail ? ` (${detail})` : '') +
      `; supported operator types: ${supportedOnnxOps().join(', ')}`;
  }
}
