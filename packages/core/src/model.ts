import * as tf from '@tensorflow/tfjs';
import { availableParallelism } from 'node:os';
import { initBackend } from './backend.js';
import { prefetchThreshold, startWorkers } from './executors/worker/worker-executor.js';
import { InvalidArgumentError, InvalidModelError, UnsupportedLayerError } from './errors.js';
import { buildGraph } from './graph/build.js';
import { mergeBatchNorm, type BatchNormMerge } from './graph/canonize.js';
import { FixedInputNode, graphWithFixedInputs } from './graph/fixed-inputs.js';
import type { ModelGraph } from './graph/graph.js';
import type { GraphNode } from './graph/node.js';
import { LinearNode } from './nodes/linear-node.js';
import { assembleArtifacts, readModelFiles, type ModelBytes } from './load/model-files.js';
import { checkTopology } from './load/topology-check.js';

export interface LoadOptions {
  /**
   * Merge BatchNormalization into the preceding linear layer: true/'exact' (default), false, or
   * 'zennit' to reproduce zennit 0.5.1's residual scaling (see BatchNormMerge).
   */
  readonly canonize?: boolean | BatchNormMerge;
  /**
   * Start the worker thread that shares LRP's convolutions (see startWorkers): 'auto' (default)
   * does so when the machine has two or more cores, the backend is wasm or cpu, and the model has
   * a convolution large enough to gain; `XAI_WORKERS=0` turns 'auto' off.
   */
  readonly workers?: boolean | 'auto';
}

/** A loaded model: the tfjs LayersModel and the graph the engine explains. */
export class XaiModel {
  private constructor(
    readonly layersModel: tf.LayersModel,
    readonly graph: ModelGraph,
    readonly label: string,
    /** Set for a view (see withFixedInputs): the only nodes it owns; the model stays the owner of the rest. */
    private readonly viewNodes?: readonly GraphNode[],
  ) {}

  /** Wraps an in-memory LayersModel (the XaiModel then owns it: dispose releases it). */
  static fromLayersModel(model: tf.LayersModel, options: LoadOptions = {}, label = model.name): XaiModel {
    const raw = buildGraph(model);
    const canonize = options.canonize ?? true;
    const graph = canonize === false ? raw : mergeBatchNorm(raw, canonize === 'zennit' ? 'zennit' : 'exact');
    return new XaiModel(model, graph, label);
  }

  get inputShapes() {
    return this.graph.inputShapes;
  }
  get outputShapes() {
    return this.graph.outputShapes;
  }

  /** Output head index for an index or an output layer name. */
  headIndex(output: number | string | undefined): number {
    if (output === undefined) return 0;
    const index = typeof output === 'number' ? output : this.graph.outputNames.indexOf(output);
    if (index < 0 || index >= this.graph.outputs.length) {
      throw new InvalidArgumentError(`unknown output '${output}'; the model's outputs are ${this.graph.outputNames.join(', ')}`);
    }
    return index;
  }

  /** The linear layers, in order (what composites assign rules to). */
  linearNodes(): LinearNode[] {
    return this.graph.nodes.filter((n): n is LinearNode => n instanceof LinearNode);
  }

  /**
   * A view of a multi-input model as a function of input `explained` alone, the other inputs held
   * at the given samples (one each, batch axis 1). Dispose the view when done; the model lives on.
   */
  withFixedInputs(explained: number, fixed: ReadonlyMap<number, tf.Tensor>): XaiModel {
    const graph = graphWithFixedInputs(this.graph, explained, fixed);
    return new XaiModel(this.layersModel, graph, this.label, graph.nodes.filter((n) => n instanceof FixedInputNode));
  }

  dispose(): void {
    if (this.viewNodes) {
      for (const node of this.viewNodes) node.dispose();
      return;
    }
    for (const node of this.graph.nodes) node.dispose();
    this.layersModel.dispose();
  }
}

/** Two cores, a single-threaded backend, and at least one convolution worth sharing. */
function gainsFromWorkers(model: XaiModel): boolean {
  if (process.env.XAI_WORKERS === '0' || availableParallelism() < 2 || !['wasm', 'cpu'].includes(tf.getBackend())) return false;
  return model.linearNodes().some((node) => {
    if (node.family !== 'conv') return false;
    let shape: (number | null)[];
    try {
      shape = model.layersModel.getLayer(node.layerName).outputShape as (number | null)[];
    } catch {
      return false; // nested or shared layer: no single output shape to judge by
    }
    const outputs = shape.slice(1).reduce<number>((a, d) => a * (d ?? 1), 1);
    const kernel = node.op.kernel;
    return outputs * (kernel.size / kernel.shape[kernel.rank - 1]!) >= prefetchThreshold();
  });
}

async function deserialize(bytes: ModelBytes): Promise<tf.LayersModel> {
  const label = bytes.label ?? 'model.json';
  const artifacts = assembleArtifacts(bytes, label);
  checkTopology(artifacts.modelTopology);
  // Built in two steps, as tf.loadLayersModel does, but so that a failure releases everything:
  // the layers' variables when the weights do not fit, the decoded weights always.
  let model: tf.LayersModel;
  try {
    model = (await tf.models.modelFromJSON({ modelTopology: artifacts.modelTopology } as never)) as tf.LayersModel;
  } catch (err) {
    throw new InvalidModelError(label, `cannot build the model: ${(err as Error).message}`);
  }
  const weights = tf.io.decodeWeights(artifacts.weightData as ArrayBuffer, artifacts.weightSpecs ?? []);
  try {
    model.loadWeights(weights);
  } catch (err) {
    model.dispose();
    const msg = (err as Error).message;
    throw new InvalidModelError(label, /shape/i.test(msg) ? `weights do not match the topology: ${msg}` : `cannot load the weights: ${msg}`);
  } finally {
    tf.dispose(Object.values(weights));
  }
  return model;
}

/**
 * Loads a TensorFlow.js LayersModel from `model.json` (path, or a folder holding it) and its weight
 * shards, or from in-memory bytes (uploads). Chooses the backend on first use.
 */
export async function loadModel(source: string | ModelBytes, options: LoadOptions = {}): Promise<XaiModel> {
  await initBackend();
  const bytes = typeof source === 'string' ? await readModelFiles(source) : source;
  const model = await deserialize(bytes);
  let xai: XaiModel;
  try {
    xai = XaiModel.fromLayersModel(model, options, bytes.label ?? 'model.json');
  } catch (err) {
    model.dispose();
    throw err;
  }
  const workers = options.workers ?? 'auto';
  if (workers === true || (workers === 'auto' && gainsFromWorkers(xai))) {
    await startWorkers().catch((err: Error) => process.emitWarning(`LRP stays on one thread: ${err.message}`));
  }
  return xai;
}

export { UnsupportedLayerError };
