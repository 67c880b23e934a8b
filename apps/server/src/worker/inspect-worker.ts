import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, posix } from 'node:path';
import { readFile } from 'node:fs/promises';
import { compositeNames, compositeByName, InvalidModelError, loadModel, methodsFor, ruleMap, type XaiModel } from '@xai/core';
import { adapterByName, modelInputSpecs, type InputFile } from '@xai/modalities';
import { inputSignature, modelFacts, parameterCount } from './model-facts.js';
import { assembleUpload, storeUpload, uploadEntries, type Entry } from './model-upload.js';
import { assembleOnnxUpload, isOnnxName, loadOnnxUpload, storeOnnxUpload } from './onnx-upload.js';
import { initWorker, outcome } from './runtime.js';
import { storeTokenizer, takeTokenizer } from './tokenizer-upload.js';
import type { DecodedInfo, DecodeInputTask, FileRef, InspectModelTask, LayerNode, ModelInfo, Outcome } from './task-types.js';

/** JSON of a rule's parameters (numbers, strings; functions and tensors left out). */
function ruleText(rule: { name: string; params?: Readonly<Record<string, unknown>> }): string {
  if (!rule.params) return rule.name;
  const params = Object.fromEntries(Object.entries(rule.params).filter(([, v]) => ['number', 'string', 'boolean'].includes(typeof v) || v === null));
  return Object.keys(params).length ? `${rule.name} ${JSON.stringify(params)}` : rule.name;
}

/**
 * Shapes, inputs (with layouts), parameters, format facts, graph nodes and the rule every node gets
 * under each composite preset: the same for tfjs and ONNX models (all read from the graph).
 */
export function describeModel(model: XaiModel, ignoredFiles: string[] = []): ModelInfo {
  const layers: LayerNode[] = model.graph.nodes.map((n) => ({ node: n.name, layer: n.layerName, class: n.layerClass, kind: n.kind }));
  const rules: ModelInfo['rules'] = {};
  for (const name of compositeNames()) {
    try {
      const resolved = ruleMap(model.graph, compositeByName(name)); // every node, as `xai layers` lists them
      rules[name] = { rules: Object.fromEntries([...resolved].map(([node, rule]) => [node.name, ruleText(rule)])) };
    } catch (err) {
      rules[name] = { error: (err as Error).message };
    }
  }
  return {
    inputShapes: model.inputShapes.map((s) => [...s]),
    outputShapes: model.outputShapes.map((s) => [...s]),
    inputs: modelInputSpecs(model),
    signature: inputSignature(model),
    parameters: parameterCount(model),
    ...modelFacts(model),
    layers,
    rules,
    ignoredFiles,
    methods: methodsFor(model).map((m) => m.name),
  };
}

/** Loads a model (a stored model.json or .onnx, or an upload to check and store) and describes it. */
export async function inspectModel(task: InspectModelTask): Promise<Outcome<ModelInfo>> {
  return outcome(async () => {
    await initWorker();
    if ('path' in task.source) {
      const model = await loadModel(task.source.path, { workers: false });
      try {
        return describeModel(model);
      } finally {
        model.dispose();
      }
    }
    const { tokenizer, rest: entries } = takeTokenizer(await uploadEntries(task.source.files, task.source));
    const info = await inspectUpload(entries, task.source.outDir);
    if (!tokenizer) return info;
    await storeTokenizer(tokenizer, task.source.outDir);
    return { ...info, tokenizer: tokenizer.info };
  }, true);
}

/** Checks and stores the model of an upload (ONNX, or a tfjs model.json with its shards). */
async function inspectUpload(entries: readonly Entry[], outDir: string): Promise<ModelInfo> {
  const onnx = entries.filter((e) => isOnnxName(e.name));
  if (onnx.length > 0) return inspectOnnxUpload(entries, onnx, outDir);
  const upload = assembleUpload(entries);
  const model = await loadModel(upload.model, { workers: false });
  try {
    const info = describeModel(model, upload.ignored);
    await storeUpload(upload, outDir);
    return info;
  } finally {
    model.dispose();
  }
}

/**
 * An ONNX upload is written into its (generated, not yet registered) folder first, because the
 * core reads external data from files beside the model; a failure leaves the folder to the caller
 * to remove, as for any upload.
 */
async function inspectOnnxUpload(entries: readonly Entry[], onnx: readonly Entry[], outDir: string): Promise<ModelInfo> {
  const tfjs = entries.filter((e) => posix.basename(e.name) === 'model.json');
  if (tfjs.length) throw new InvalidModelError('upload', `several model files (${[...onnx, ...tfjs].map((e) => e.name).join(', ')}): send one model per upload`);
  const upload = assembleOnnxUpload(entries, onnx);
  const path = await storeOnnxUpload(upload, outDir);
  const model = await loadOnnxUpload(upload, path);
  try {
    return describeModel(model, upload.ignored);
  } finally {
    model.dispose();
  }
}

export async function readInputFiles(files: readonly FileRef[]): Promise<InputFile[]> {
  return Promise.all(files.map(async (f) => ({ name: f.name, bytes: new Uint8Array(await readFile(f.path)) })));
}

/** JSON-safe copy (typed arrays become lists; functions, NaN, bigints dropped by JSON). */
const jsonSafe = <T>(value: T): T => JSON.parse(JSON.stringify(value, (_k, v: unknown) => (ArrayBuffer.isView(v) && !(v instanceof DataView) ? Array.from(v as unknown as ArrayLike<number>) : v)) ?? 'null') as T;

/** Decodes an upload with its modality's adapter (this is the content check) and draws its preview. */
export async function decodeInput(task: DecodeInputTask): Promise<Outcome<DecodedInfo>> {
  return outcome(async () => {
    await initWorker();
    const adapter = adapterByName(task.modality);
    const files = await readInputFiles(task.files);
    const decoded = await adapter.decode(files, task.options, task.specs);
    let preview = false;
    try {
      const png = await adapter.preview(decoded);
      await mkdir(dirname(task.previewPath), { recursive: true });
      await writeFile(task.previewPath, png.bytes);
      preview = true;
    } catch {
      /* a preview is a courtesy: the input is valid without one */
    }
    return {
      modality: decoded.modality,
      metadata: jsonSafe({ ...decoded.metadata }),
      axes: jsonSafe([...decoded.axes]),
      samples: decoded.samples.map((s) => ({ shape: [...s.shape], dtype: s.dtype })),
      preview,
    };
  }, true);
}
