import * as tf from '@tensorflow/tfjs';
import { AsyncLocalStorage } from 'node:async_hooks';
import { availableParallelism } from 'node:os';
import { initBackend } from './backend.js';
import { prefetchThreshold, startWorkers } from './executors/worker/worker-executor.js';
import { InvalidArgumentError, InvalidModelError, UnsupportedLayerError, XaiError } from './errors.js';
import { buildGraph } from './graph/build.js';
import { mergeBatchNorm, type BatchNormMerge } from './graph/canonize.js';
import { FixedInputNode, graphWithFixedInputs } from './graph/fixed-inputs.js';
import type { ModelGraph } from './graph/graph.js';
import { graphFrom } from './graph/graph-from.js';
import type { Shape } from './graph/registry.js';
import type { GraphNode } from './graph/node.js';
import { LinearNode } from './nodes/linear-node.js';
import { PermuteNode } from './nodes/shape-nodes.js';
import { assembleArtifacts, readModelFiles, type ModelBytes } from './load/model-files.js';
import { checkTopology } from './load/topology-check.js';
import { convertOnnx, type OnnxLoadOptions } from './import/onnx/load-onnx.js';
import { DEFAULT_MAX_ELEMENTS } from './import/onnx/read-onnx.js';
import { sizeLimit } from './io/limits.js';
import type { OnnxModel } from './import/onnx/model.js';
import { classNamesFromMetadata } from './model-classes.js';
import { releaseOrtSessions } from './executors/ort/session-cache.js';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';

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
  /**
   * Most weight bytes the manifest may declare (default: XAI_MAX_MODEL_BYTES, else 2 GiB); for ONNX,
   * no tensor or declared shape may hold more float32 values than fit in it.
   */
  readonly maxWeightBytes?: number;
  /** ONNX bytes: the folder of external data files (`model.onnx.data`), and the name used in messages. */
  readonly externalDataDir?: string;
  readonly label?: string;
}

/** What an ONNX model brings beside its graph. */
interface OnnxSource {
  readonly onnx: OnnxModel;
  /** Tensors the graph's nodes read and the model owns. */
  readonly kept: readonly tf.Tensor[];
}

/** A loaded model: the graph the engine explains, and the tfjs LayersModel or ONNX model it came from. */
export class XaiModel {
  private constructor(
    private readonly tfjsModel: tf.LayersModel | null,
    readonly graph: ModelGraph,
    readonly label: string,
    /** Set for a view (see withFixedInputs): the only nodes it owns; the model stays the owner of the rest. */
    private readonly viewNodes?: readonly GraphNode[],
    private readonly onnxSource?: OnnxSource,
    /** The layout of the first input when the format does not say it (a view from an inner node). */
    private readonly layout?: 'channels-first' | 'channels-last',
  ) {}

  /** The file format the model was loaded from. */
  get format(): 'tfjs' | 'onnx' {
    return this.onnxSource ? 'onnx' : 'tfjs';
  }

  /** The tfjs LayersModel (tfjs models only: an ONNX model has none, its graph is `graph`). */
  get layersModel(): tf.LayersModel {
    if (!this.tfjsModel) throw new InvalidArgumentError(`'${this.label}' is an ONNX model: it has no tfjs LayersModel (use its graph)`);
    return this.tfjsModel;
  }

  /** The parsed ONNX model (ONNX models only): opsets, producer, metadata_props … */
  get onnxModel(): OnnxModel | null {
    return this.onnxSource?.onnx ?? null;
  }

  /**
   * What the model file says about itself: ONNX `metadata_props`, or a tfjs model.json's
   * `userDefinedMetadata` ({} when there is none).
   */
  get metadata(): Readonly<Record<string, unknown>> {
    if (this.onnxSource) return this.onnxSource.onnx.metadata;
    return (this.tfjsModel?.getUserDefinedMetadata() as Record<string, unknown> | undefined) ?? {};
  }

  /**
   * Class names by output index when the file carries them (`xai.classes`, `classes`,
   * `class_names`, `labels`; see model-classes.ts), else null.
   */
  get classNames(): readonly string[] | null {
    return classNamesFromMetadata(this.metadata);
  }

  /** tfjs dtype of each input ('int32' for token ids). */
  get inputDtypes(): readonly ('float32' | 'int32')[] {
    if (this.graph.inputDtypes) return this.graph.inputDtypes;
    return this.layersModel.inputs.map((s) => (s.dtype === 'int32' ? 'int32' : 'float32'));
  }

  /**
   * Where the channel axis of the (first) input is: ONNX models are channels-first (NCHW, NCT,
   * NCDHW), tfjs models channels-last; inputs of rank 2 (batch, features) have no spatial axes.
   */
  get inputLayout(): 'channels-first' | 'channels-last' {
    if (this.layout) return this.layout;
    return this.format === 'onnx' && (this.graph.inputShapes[0]?.length ?? 0) >= 3 ? 'channels-first' : 'channels-last';
  }

  /**
   * A view of a channels-first single-input model that takes its input channels-last (for methods
   * that work on spatial windows); relevance of the view is channels-last too. Dispose it when done.
   */
  channelsLastView(): XaiModel {
    const graph = this.graph;
    const rank = graph.inputShapes[0]!.length;
    if (graph.inputs.length !== 1 || this.inputLayout !== 'channels-first') throw new InvalidArgumentError('channelsLastView needs a channels-first model with one input');
    const id = Math.max(...graph.nodes.map((n) => n.output), ...graph.inputs) + 1;
    const toFirst = new PermuteNode('input/to_channels_first', 'input/layout', 'Transpose', [id], graph.inputs[0]!, [rank - 1, ...Array.from({ length: rank - 2 }, (_, i) => i + 1)]);
    const shape = graph.inputShapes[0]!;
    const nodes = [toFirst, ...graph.nodes];
    // Made anew per explanation, the view keeps its compiled ORT sessions with the model (as `graphFrom`'s views do).
    const viewOf = graph.viewOf?.nodes === graph.nodes ? { graph: graph.viewOf.graph, from: `${graph.viewOf.from}>channels-last`, nodes } : { graph, from: 'channels-last', nodes };
    const view: ModelGraph = { ...graph, nodes, inputs: [id], inputShapes: [[shape[0]!, ...shape.slice(2), shape[1]!]], viewOf };
    return new XaiModel(this.tfjsModel, view, this.label, [toFirst], this.onnxSource, 'channels-last');
  }

  /** Wraps a converted ONNX graph (see `loadModel`); the XaiModel owns its nodes and tensors. */
  static fromOnnxGraph(graph: ModelGraph, onnx: OnnxModel, kept: readonly tf.Tensor[], label = onnx.file): XaiModel {
    return new XaiModel(null, graph, label, undefined, { onnx, kept });
  }

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
    return new XaiModel(this.tfjsModel, graph, this.label, graph.nodes.filter((n) => n instanceof FixedInputNode), this.onnxSource, this.layout);
  }

  /**
   * A view of the model as a function of the output of node `name` (see `graphFrom`), e.g. of a
   * transformer's encoder input: gradient methods then explain that activation. `shape` is the
   * activation's shape (batch axis first, null); `layout` where its features are (default
   * 'channels-last': [batch, tokens, d], so occlusion and LIME slide over tokens). Dispose the view
   * when done; the model lives on.
   */
  startingAt(name: string, shape: Shape, layout: 'channels-first' | 'channels-last' = 'channels-last'): XaiModel {
    return new XaiModel(this.tfjsModel, graphFrom(this.graph, name, shape), this.label, [], this.onnxSource, layout);
  }

  dispose(): void {
    releaseOrtSessions(this.graph);
    if (this.viewNodes) {
      for (const node of this.viewNodes) node.dispose();
      return;
    }
    for (const node of this.graph.nodes) node.dispose();
    this.tfjsModel?.dispose();
    for (const t of this.onnxSource?.kept ?? []) t.dispose();
  }
}

/** Two cores, a single-threaded backend, and at least one convolution worth sharing. */
function gainsFromWorkers(model: XaiModel): boolean {
  if (process.env.XAI_WORKERS === '0' || availableParallelism() < 2 || !['wasm', 'cpu'].includes(tf.getBackend())) return false;
  if (model.format !== 'tfjs') return false;
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

/** What one model's build may allocate, and the weights it made (released if the build fails). */
interface BuildBudget {
  readonly file: string;
  readonly maxElements: number;
  readonly made: { dispose(): void }[];
}

const buildBudget = new AsyncLocalStorage<BuildBudget>();
let weightGuardInstalled = false;

/**
 * tfjs allocates every weight while it builds the layers, before the manifest's weights replace
 * them: a `units` or `kernel_size` edited to a huge number allocates gigabytes and only then fails.
 * Layer.addWeight is wrapped (once) so that, inside a load, a weight larger than the largest one
 * the manifest holds (it could never be loaded) is refused before allocation, and every weight made
 * is recorded so a failed build releases it; what the initializers leave behind is released.
 */
function installWeightGuard(): void {
  if (weightGuardInstalled) return;
  weightGuardInstalled = true;
  const proto = tf.layers.Layer.prototype as unknown as { addWeight: (this: { name: string }, name: string, shape: number[], ...rest: unknown[]) => { dispose(): void } };
  const addWeight = proto.addWeight;
  proto.addWeight = function guardedAddWeight(name, shape, ...rest) {
    const budget = buildBudget.getStore();
    if (!budget) return addWeight.call(this, name, shape, ...rest);
    const count = Array.isArray(shape) ? shape.reduce((a, b) => a * b, 1) : Number.NaN;
    if (!(count <= budget.maxElements)) {
      throw new InvalidModelError(
        budget.file,
        `layer '${this.name}' would allocate weight '${name}' of shape [${Array.isArray(shape) ? shape.join(', ') : String(shape)}], ` +
          `larger than any weight in the manifest (${budget.maxElements} elements): its configuration does not match the weights`,
      );
    }
    // Inside tidy: tfjs's own initializers leave tensors behind (LSTM's unit_forget_bias …); the variable is kept.
    const variable = tf.tidy(() => addWeight.call(this, name, shape, ...rest) as never) as { dispose(): void };
    budget.made.push(variable);
    return variable;
  };
}

const elementCount = (spec: tf.io.WeightsManifestEntry) => spec.shape.reduce((a, b) => a * b, 1);

/**
 * The topology with every `*_initializer` replaced by Zeros: the manifest's weights overwrite
 * whatever the initializers make, so running them only costs time — and tfjs' Orthogonal
 * initializer warns ("Slowness may result") on the recurrent kernels of larger LSTMs.
 */
function withZeroInitializers<T>(topology: T): T {
  const zeros = { class_name: 'Zeros', config: {} };
  const visit = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(visit);
    if (value === null || typeof value !== 'object') return value;
    return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, key.endsWith('_initializer') && v !== null && typeof v === 'object' ? zeros : visit(v)]));
  };
  return visit(topology) as T;
}

async function deserialize(bytes: ModelBytes, options: LoadOptions): Promise<tf.LayersModel> {
  const label = bytes.label ?? 'model.json';
  const artifacts = assembleArtifacts(bytes, label, options.maxWeightBytes);
  checkTopology(artifacts.modelTopology, label);
  installWeightGuard();
  const specs = artifacts.weightSpecs ?? [];
  const budget: BuildBudget = { file: label, maxElements: Math.max(0, ...specs.map(elementCount)), made: [] };
  // Built in two steps, as tf.loadLayersModel does, but so that a failure releases everything:
  // the weights made so far when the build fails, the layers' variables when the weights do not
  // fit, the decoded weights always. tfjs's own errors become InvalidModelErrors naming the file.
  let model: tf.LayersModel;
  try {
    const topology = withZeroInitializers(artifacts.modelTopology);
    model = await buildBudget.run(budget, () => tf.models.modelFromJSON({ modelTopology: topology } as never)) as tf.LayersModel;
  } catch (err) {
    for (const variable of budget.made) variable.dispose();
    if (err instanceof InvalidModelError) throw err;
    throw new InvalidModelError(label, `cannot build the model: ${(err as Error)?.message ?? String(err)}`);
  }
  let weights: tf.NamedTensorMap;
  try {
    weights = tf.io.decodeWeights(artifacts.weightData as ArrayBuffer, specs);
  } catch (err) {
    model.dispose();
    throw new InvalidModelError(label, `cannot decode the weights: ${(err as Error)?.message ?? String(err)}`);
  }
  if (artifacts.userDefinedMetadata) model.setUserDefinedMetadata(artifacts.userDefinedMetadata);
  try {
    model.loadWeights(weights);
  } catch (err) {
    model.dispose();
    const msg = (err as Error)?.message ?? String(err);
    throw new InvalidModelError(label, /shape/i.test(msg) ? `weights do not match the topology: ${msg}` : `cannot load the weights: ${msg}`);
  } finally {
    tf.dispose(Object.values(weights));
  }
  return model;
}

/** The parts of tfjs's engine a scope needs (startScope/endScope are what tf.tidy runs on). */
interface EngineScopes {
  startScope(): void;
  endScope(): void;
  state: { activeScope: { track: tf.Tensor[] } };
}

/**
 * Runs a synchronous build in an engine scope: if it throws, the tensors it made are released (a
 * graph that fails half-built held kernels already); if it succeeds, every tensor it made is kept,
 * exactly as without the scope. (tf.tidy would keep only what its result reaches by enumerable
 * keys, and the graph holds tensors in Maps.)
 */
function releasingOnFailure<T>(build: () => T): T {
  const engine = tf.engine() as unknown as EngineScopes;
  engine.startScope();
  let result: T;
  try {
    result = build();
  } catch (err) {
    engine.endScope();
    throw err;
  }
  for (const tensor of engine.state.activeScope.track) tf.keep(tensor);
  engine.endScope();
  return result;
}

/**
 * Loads a TensorFlow.js LayersModel from `model.json` (path, or a folder holding it) and its weight
 * shards, or from in-memory bytes (uploads). Chooses the backend on first use.
 */
export async function loadModel(source: string | ModelBytes | Uint8Array, options: LoadOptions = {}): Promise<XaiModel> {
  await initBackend();
  const onnx = source instanceof Uint8Array ? source : typeof source === 'string' ? await onnxPath(source) : null;
  if (onnx) return loadOnnx(onnx, options);
  const bytes = typeof source === 'string' ? await readModelFiles(source) : (source as ModelBytes);
  const model = await deserialize(bytes, options);
  let xai: XaiModel;
  try {
    xai = releasingOnFailure(() => XaiModel.fromLayersModel(model, options, bytes.label ?? 'model.json'));
  } catch (err) {
    model.dispose();
    if (err instanceof XaiError) throw err;
    throw new InvalidModelError(bytes.label ?? 'model.json', `cannot build the explanation graph: ${(err as Error)?.message ?? String(err)}`);
  }
  const workers = options.workers ?? 'auto';
  if (workers === true || (workers === 'auto' && gainsFromWorkers(xai))) {
    await startWorkers().catch((err: Error) => process.emitWarning(`LRP stays on one thread: ${err.message}`));
  }
  return xai;
}

/** An ONNX file: a path ending in .onnx, or a folder holding model.onnx and no model.json. */
async function onnxPath(path: string): Promise<string | null> {
  if (/\.onnx$/i.test(path)) return path;
  const isFile = (p: string) => stat(p).then((s) => s.isFile(), () => false);
  if (!(await stat(path).then((s) => s.isDirectory(), () => false))) return null;
  if (await isFile(join(path, 'model.json'))) return null;
  return (await isFile(join(path, 'model.onnx'))) ? join(path, 'model.onnx') : null;
}

async function loadOnnx(source: string | Uint8Array, options: LoadOptions): Promise<XaiModel> {
  // No tensor or declared shape may hold more float32 values than the model-bytes cap allows.
  const maxElements = Math.min(DEFAULT_MAX_ELEMENTS, Math.floor(sizeLimit('XAI_MAX_MODEL_BYTES', options.maxWeightBytes) / 4));
  const onnxOptions: OnnxLoadOptions = {
    maxElements,
    mergeBatchNorm: options.canonize !== false,
    ...(options.externalDataDir ? { externalDataDir: options.externalDataDir } : {}),
    ...(options.label ? { label: options.label } : {}),
  };
  const { model, graph } = await convertOnnx(source, onnxOptions);
  const xai = XaiModel.fromOnnxGraph(graph, model, graph.kept, options.label ?? (typeof source === 'string' ? source : model.file));
  if (options.workers === true) await startWorkers().catch((err: Error) => process.emitWarning(`LRP stays on one thread: ${err.message}`));
  return xai;
}

export { UnsupportedLayerError };
