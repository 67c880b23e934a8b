/**
 * inferShapes: the type (dtype + shape) of every value of a graph. Runs the folding walk without
 * keeping its rewrites, so shapes that depend on shape arithmetic (symbolic batch included) are known.
 */
import type { OnnxDim, OnnxGraph } from '../model.js';
import { foldConstants } from './fold-constants.js';
import type { ValueType } from './shape-inference.js';

export interface InferShapesOptions {
  readonly file?: string;
  /** Shapes to assume for graph inputs, by input name. */
  readonly inputShapes?: Readonly<Record<string, readonly OnnxDim[]>>;
  /** A stated batch size for a symbolic first axis. */
  readonly batch?: number;
  /** The model's ai.onnx opset (default 13). */
  readonly opset?: number;
}

/** Throws OnnxNodeError where inputs contradict each other (channels, inner dimensions, broadcast). */
export function inferShapes(graph: OnnxGraph, options: InferShapesOptions = {}): Map<string, ValueType> {
  return new Map(foldConstants(graph, options).types);
}
