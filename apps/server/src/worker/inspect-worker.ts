import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { readFile } from 'node:fs/promises';
import { compositeNames, compositeByName, loadModel, resolveRules, type XaiModel } from '@xai/core';
import { adapterByName, modelInputSpecs, type InputFile } from '@xai/modalities';
import { assembleUpload, storeUpload } from './model-upload.js';
import { initWorker, outcome } from './runtime.js';
import type { DecodedInfo, DecodeInputTask, FileRef, InspectModelTask, LayerNode, ModelInfo, Outcome } from './task-types.js';

/** JSON of a rule's parameters (numbers, strings; functions and tensors left out). */
function ruleText(rule: { name: string; params?: Readonly<Record<string, unknown>> }): string {
  if (!rule.params) return rule.name;
  const params = Object.fromEntries(Object.entries(rule.params).filter(([, v]) => ['number', 'string', 'boolean'].includes(typeof v) || v === null));
  return Object.keys(params).length ? `${rule.name} ${JSON.stringify(params)}` : rule.name;
}

/** Shapes, parameters, graph nodes and the rule every linear node gets under each composite preset. */
export function describeModel(model: XaiModel, ignoredFiles: string[] = []): ModelInfo {
  const layers: LayerNode[] = model.graph.nodes.map((n) => ({ node: n.name, layer: n.layerName, class: n.layerClass, kind: n.kind }));
  const rules: ModelInfo['rules'] = {};
  for (const name of compositeNames()) {
    try {
      const resolved = resolveRules(model.graph, compositeByName(name));
      rules[name] = { rules: Object.fromEntries([...resolved].map(([node, rule]) => [node.name, ruleText(rule)])) };
    } catch (err) {
      rules[name] = { error: (err as Error).message };
    }
  }
  return {
    inputShapes: model.inputShapes.map((s) => [...s]),
    outputShapes: model.outputShapes.map((s) => [...s]),
    inputs: modelInputSpecs(model),
    parameters: model.layersModel.countParams(),
    layers,
    rules,
    ignoredFiles,
  };
}

/** Loads a model (a stored model.json, or an upload to check and store) and describes it. */
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
    const upload = await assembleUpload(task.source.files, task.source);
    const model = await loadModel(upload.model, { workers: false });
    try {
      const info = describeModel(model, upload.ignored);
      await storeUpload(upload, task.source.outDir);
      return info;
    } finally {
      model.dispose();
    }
  }, true);
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
