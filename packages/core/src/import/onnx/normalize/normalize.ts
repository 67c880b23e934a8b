/**
 * The normalisation pipeline: a read OnnxModel → a clean graph a converter walks node by node.
 * Constant nodes → initializers; Identity/Dropout/zero Pad removed; opset variants in one canonical
 * form (attributes); shape arithmetic folded for the given input shape; unused nodes and
 * initializers dropped; the type (dtype + shape) of every value inferred; the formulas exporters
 * write for GELU and LayerNorm recognised as one `Gelu` / `LayerNormalization` node each.
 */
import { defaultOpset, type OnnxDim, type OnnxGraph, type OnnxModel } from '../model.js';
import { OnnxShapeTooLargeError } from '../errors.js';
import { DEFAULT_MAX_ELEMENTS } from '../read-onnx.js';
import { canonicalizeOpsetVariants } from './canonical-form.js';
import { constantsToInitializers } from './constants-to-initializers.js';
import { foldConstants } from './fold-constants.js';
import { removeIdentities } from './remove-identities.js';
import { removeUnused } from './remove-unused.js';
import { dropZeroRecurrentStates } from './zero-recurrent-states.js';
import { inferShapes } from './infer-shapes.js';
import { recognizeGelu } from './recognize-gelu.js';
import { recognizeLayerNorm } from './recognize-layer-norm.js';
import type { ValueType } from './shape-inference.js';

export interface NormalizeOptions {
  /** Shapes to fold for, by input name (default: the declared ones, symbolic batch kept). */
  readonly inputShapes?: Readonly<Record<string, readonly OnnxDim[]>>;
  /** A stated batch size for a symbolic first axis. */
  readonly batch?: number;
  /** Largest constant tensor folded (elements; default 65536). */
  readonly maxFoldElements?: number;
  /** Largest tensor any node may produce (elements; default 2^28, as readOnnx's cap). */
  readonly maxElements?: number;
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
  graph = dropZeroRecurrentStates(graph);
  graph = foldConstants(graph, { ...options, file, opset }).graph;
  graph = removeIdentities(graph); // folding can leave Pad(0)/Identity-like nodes in canonical form
  graph = removeUnused(graph);
  let types = inferShapes(graph, { ...options, file, opset });
  // Recognition needs shapes (a LayerNorm over positive axes, or without γ); a rewrite re-infers them.
  const recognised = recognizeLayerNorm(recognizeGelu(graph), (v) => types.get(v)?.shape ?? null);
  if (recognised !== graph) {
    graph = removeUnused(recognised);
    types = inferShapes(graph, { ...options, file, opset });
  }
  checkSizes(graph, types, file, options.maxElements ?? DEFAULT_MAX_ELEMENTS);
  return { ...model, graph, types };
}

/** Refuses a graph in which some node would produce a tensor larger than the cap. */
function checkSizes(graph: OnnxGraph, types: ReadonlyMap<string, ValueType>, file: string, limit: number): void {
  for (const node of graph.nodes) {
    for (const output of node.outputs) {
      const shape = types.get(output)?.shape;
      if (!shape) continue;
      const known = shape.filter((d): d is number => typeof d === 'number');
      if (known.reduce((a, b) => a * b, 1) > limit) {
        throw new OnnxShapeTooLargeError(file, `node '${node.name}' (${node.opType}) output '${output}'`, shape, limit);
      }
    }
  }
}
