import { statSync } from 'node:fs';
import { basename } from 'node:path';
import { CLEVER_HANS_MODEL } from '@xai/analysis';
import { SHAPE_CLASSES } from '@xai/core';
import { adapterByName, listAdapters, type DemoModel, type ModalityAdapter } from '@xai/modalities';
import { inspect, type ServerContext } from './context.js';
import type { ModelRow } from './storage/database.js';
import type { DecodedInfo, ModelInfo } from './worker/task-types.js';

const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'x';

/** Stable ids, so that jobs and clients can refer to demos across restarts. */
export const demoModelId = (modality: string, name: string) => `demo-${slug(modality)}-${slug(name)}`;
export const demoInputId = (modality: string, name: string) => `demo-${slug(modality)}-input-${slug(name)}`;

/** Demo models beside the modalities' own: the Clever Hans CNN of @xai/analysis (watermarked shapes), for analyses. */
function analysisDemoModels(): { adapter: ModalityAdapter; demo: DemoModel }[] {
  const demo: DemoModel = {
    name: 'clever-hans-cnn',
    path: CLEVER_HANS_MODEL,
    description: 'CNN trained on shapes where 95% of the rings carry a watermark (a Clever Hans): for data-set analyses (POST /analyses)',
    classNames: SHAPE_CLASSES,
  };
  return [{ adapter: adapterByName('image'), demo }];
}

/** Size and mtime of files plus the description: unchanged demos are not inspected again. */
function fingerprint(paths: readonly string[], extra: unknown): string {
  const stats = paths.map((p) => {
    const s = statSync(p);
    return `${s.size}:${Math.round(s.mtimeMs)}`;
  });
  return JSON.stringify([stats, extra]);
}

/** Part of a demo model's fingerprint: raise it when ModelInfo gains fields, so demos are inspected again. */
const MODEL_INFO_VERSION = 4;

async function registerModel(ctx: ServerContext, adapter: ModalityAdapter, demo: DemoModel): Promise<ModelRow> {
  const id = demoModelId(adapter.name, demo.name);
  const fp = fingerprint([demo.path], [demo.description, demo.classNames, demo.decodeOptions, MODEL_INFO_VERSION]);
  const existing = ctx.store.getModel(id);
  const info = existing?.fingerprint === fp ? existing.info : await inspect<ModelInfo>(ctx, { kind: 'inspect-model', source: { path: demo.path } });
  return ctx.store.putModel({
    id,
    name: demo.name,
    source: 'demo',
    readonly: true,
    modality: adapter.name,
    description: demo.description,
    path: demo.path,
    classNames: demo.classNames ? [...demo.classNames] : (info as ModelInfo).fileClassNames ?? null,
    decodeOptions: { ...(demo.decodeOptions ?? {}) },
    info,
    fingerprint: fp,
  });
}

/**
 * Registers the demo models and inputs of every registered modality as read-only entries (what
 * the adapters ship, so new modalities appear without server changes). A demo that fails to load
 * is logged and left out; the server still starts.
 */
export async function registerDemos(ctx: ServerContext): Promise<{ models: number; inputs: number }> {
  const modelIds: string[] = [];
  const inputIds: string[] = [];
  const adapters = listAdapters().filter((a) => a.demos);
  const models = new Map<string, ModelRow>();
  const demoModels = [...adapters.flatMap((adapter) => adapter.demos!.models.map((demo) => ({ adapter, demo }))), ...analysisDemoModels()];
  await Promise.all(
    demoModels.map(async ({ adapter, demo }) => {
        try {
          const row = await registerModel(ctx, adapter, demo);
          models.set(row.id, row);
          modelIds.push(row.id);
        } catch (err) {
          ctx.log.warn(`demo model '${demo.name}' of modality '${adapter.name}' left out: ${(err as Error).message}`);
        }
      }),
  );
  await Promise.all(
    adapters.flatMap((adapter) =>
      adapter.demos!.inputs.map(async (demo) => {
        const id = demoInputId(adapter.name, demo.name);
        const model = models.get(demoModelId(adapter.name, demo.model));
        try {
          if (!model) throw new Error(`its model '${demo.model}' is not available`);
          const files = demo.files.map((path) => ({ name: basename(path), path }));
          const fp = fingerprint(demo.files, [demo.description, model.fingerprint]);
          const existing = ctx.store.getInput(id);
          const previewPath = `${ctx.dirs.input(id)}/preview.png`;
          let info = existing?.info as DecodedInfo | undefined;
          if (existing?.fingerprint !== fp || !info) {
            info = await inspect<DecodedInfo>(ctx, {
              kind: 'decode-input',
              modality: adapter.name,
              files,
              options: model.decodeOptions,
              specs: (model.info as ModelInfo).inputs,
              previewPath,
            });
          }
          ctx.store.putInput({
            id,
            name: demo.name,
            source: 'demo',
            readonly: true,
            modality: adapter.name,
            description: demo.description,
            files: files.map((f) => ({ name: f.name, path: f.path, size: statSync(f.path).size })),
            options: {},
            modelId: model.id,
            info,
            preview: info.preview ? ctx.dirs.relative('inputs', id, 'preview.png') : null,
            fingerprint: fp,
          });
          inputIds.push(id);
        } catch (err) {
          ctx.log.warn(`demo input '${demo.name}' of modality '${adapter.name}' left out: ${(err as Error).message}`);
        }
      }),
    ),
  );
  for (const id of ctx.store.staleDemos('models', modelIds)) ctx.store.deleteModel(id);
  for (const id of ctx.store.staleDemos('inputs', inputIds)) ctx.store.deleteInput(id);
  return { models: modelIds.length, inputs: inputIds.length };
}
