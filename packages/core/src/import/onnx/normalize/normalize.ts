/**
 * The normalisation pipeline: a read OnnxModel → a clean graph a converter walks node by node.
 * Constant nodes → initializers; Identity/Dropout/zero Pad removed; opset variants in one canonical
 * form (attributes); shape arithmetic folded for the given input shape; unused nodes and
 * initializers dropped; the type (dtype + shape) of every value inferred.
 */
import { defaultOpset, type OnnxDim, type OnnxModel } from '../model.js';
import { canonicalizeOpsetVariants } from './canonical-form.js';
import { constantsToInitializers } from './constants-to-initializers.js';
import { foldConstants } from './fold-constants.js';
import { removeIdentities } from './remove-identities.js';
import { removeUnused } from './remove-unused.js';
import { inferShapes } from './infer-shapes.js';
import type { ValueType } from './shape-inference.js';

export interface NormalizeOptions {
  /** Shapes to fold for, by input name (default: the declared ones, symbolic batch kept). */
  readonly inputShapes?: Readonly<Record<string, readonly OnnxDim[]>>;
  /** A stated batch size for a symbolic first axis. */
  readonly batch?: number;
  /** Largest constant tensor folded (elements; default 65536). */
  readonly maxFoldElements?: number;
}

export interface NormalizedOnnxModel extends OnnxModel {
  /** dtype and shape of every value: graph inputs, initializers, each node's outputs. */
  readonly types: ReadonlyMap<string, ValueType>;
}

export function normalizeOnnx(model: OnnxModel, options: NormalizeOptions = {}): NormalizedOnnxModel {
  const file = model.file;
  const opset = defaultOpset(model);
  let graph = constantsToInitializers(model.graph, file);
  graph = canonicalizeOpsetVariants(graph);
  graph = removeIdentities(graph);
  graph = foldConstants(graph, { ...options, file, opset }).graph;
  graph = removeIdentities(graph); // folding can leave Pad(0)/Identity-like nodes in canonical form
  graph = removeUnused(graph);
  const types = inferShapes(graph, { ...options, file, opset });
  return { ...model, graph, types };
}
