import { createReadStream } from 'node:fs';
import { mkdir, open, readFile, stat, writeFile } from 'node:fs/promises';
import { posix } from 'node:path';
import { assembleArtifacts, InvalidModelError, type ModelBytes } from '@xai/core';
import { hasZipMagic, unzipStream } from '@xai/modalities';
import type { FileRef } from './task-types.js';

async function isZip(file: FileRef): Promise<boolean> {
  if (file.name.toLowerCase().endsWith('.zip')) return true;
  const handle = await open(file.path, 'r');
  try {
    const { buffer } = await handle.read(new Uint8Array(4), 0, 4, 0);
    return hasZipMagic(buffer);
  } finally {
    await handle.close();
  }
}

/** An uploaded file by the name it had in the upload (or inside the zip). */
export interface Entry {
  readonly name: string;
  readonly bytes: Uint8Array;
}

/** What a whole upload may hold: files (zip entries included), unpacked bytes over all its zips, and a ratio per zip. */
export interface UploadLimits {
  /** Most files one upload may hold, counting every file inside its zips (XAI_MAX_FILES). */
  readonly maxFiles: number;
  /** Most bytes all zips of one upload may unpack to (XAI_MAX_UNZIPPED_MB). */
  readonly maxUnzippedBytes: number;
  /** Most bytes a zip may unpack to per byte of its own size (XAI_MAX_ZIP_RATIO). */
  readonly maxZipRatio: number;
}

/** A zip that unpacks to more than the server allows (a 413 for the upload). */
export class UnzipLimitError extends InvalidModelError {
  constructor(file: string, detail: string) {
    super(file, detail);
    this.name = 'UnzipLimitError';
  }
}

function hasTopology(bytes: Uint8Array): boolean {
  try {
    const json = JSON.parse(new TextDecoder().decode(bytes)) as unknown;
    return !!json && typeof json === 'object' && 'modelTopology' in json;
  } catch {
    return false;
  }
}

export interface AssembledUpload {
  readonly model: ModelBytes;
  /** The manifest as it will be stored (one shard file per weight group, generated names). */
  readonly storedJson: Record<string, unknown>;
  readonly groups: Uint8Array[][];
  readonly ignored: string[];
}

/** The files of an upload by their names, every zip among them unpacked (within `limits`, shared by all its zips). */
export async function uploadEntries(files: readonly FileRef[], limits: UploadLimits): Promise<Entry[]> {
  const entries: Entry[] = [];
  const zipLimits = { maxFiles: limits.maxFiles, maxBytes: limits.maxUnzippedBytes, maxZipRatio: limits.maxZipRatio };
  const budget = { files: 0, bytes: 0 };
  for (const f of files) {
    if (await isZip(f)) {
      const unpacked = await unzipStream(createReadStream(f.path, { highWaterMark: 64 * 1024 }), (await stat(f.path)).size, f.name, zipLimits, {
        what: 'one upload',
        settings: { files: 'XAI_MAX_FILES', bytes: 'XAI_MAX_UNZIPPED_MB', ratio: 'XAI_MAX_ZIP_RATIO' },
        budget,
        errors: { invalid: InvalidModelError, limit: UnzipLimitError },
      });
      entries.push(...unpacked.map((e) => ({ name: e.path, bytes: e.bytes })));
    } else {
      budget.files++;
      entries.push({ name: f.name, bytes: new Uint8Array(await readFile(f.path)) });
    }
  }
  return entries;
}

/**
 * Finds model.json and its weight shards among uploaded files (or in one uploaded .zip) and checks
 * them. The names only match manifest entries in memory: nothing the user named touches the disk.
 */
export function assembleUpload(entries: readonly Entry[]): AssembledUpload {
  const jsons = entries.filter((e) => e.name.toLowerCase().endsWith('.json'));
  let candidates = jsons.filter((e) => posix.basename(e.name) === 'model.json');
  if (candidates.length === 0) candidates = jsons.filter((e) => hasTopology(e.bytes));
  if (candidates.length === 0) {
    throw new InvalidModelError('upload', `no model.json or .onnx file among ${entries.map((e) => e.name).join(', ') || 'no files'}: send a TensorFlow.js LayersModel (model.json and its weight shards), an ONNX model (model.onnx and its external data files, if any), or one .zip holding either. To get one: from PyTorch torch.onnx.export(model, example, 'model.onnx'); from Keras tf2onnx (python -m tf2onnx.convert) or tensorflowjs_converter (see the README, 'Bring your own model')`);
  }
  if (candidates.length > 1) throw new InvalidModelError('upload', `several model files (${candidates.map((c) => c.name).join(', ')}): send one model per upload`);
  const main = candidates[0]!;
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(main.bytes)) as Record<string, unknown>;
  } catch (err) {
    throw new InvalidModelError(main.name, `malformed JSON (${(err as Error).message})`);
  }
  if (!json || typeof json !== 'object' || Array.isArray(json)) throw new InvalidModelError(main.name, 'expected a JSON object');
  const base = posix.dirname(main.name);
  const byName = new Map(entries.map((e) => [e.name, e]));
  const lookup = (path: string): Entry | undefined => byName.get(posix.normalize(posix.join(base, path))) ?? entries.find((e) => posix.basename(e.name) === posix.basename(path));

  const manifest = json.weightsManifest ?? [];
  if (!Array.isArray(manifest)) throw new InvalidModelError(main.name, "'weightsManifest' must be an array");
  const shards: Record<string, Uint8Array> = {};
  const used = new Set<Entry>([main]);
  const groups: Uint8Array[][] = [];
  for (const group of manifest as { paths?: unknown }[]) {
    if (!group || !Array.isArray(group.paths) || !group.paths.every((p) => typeof p === 'string')) {
      throw new InvalidModelError(main.name, "every 'weightsManifest' entry needs a list of 'paths'");
    }
    const parts: Uint8Array[] = [];
    for (const p of group.paths as string[]) {
      const entry = lookup(p);
      if (!entry) throw new InvalidModelError(p, `weight shard listed in ${main.name} is missing from the upload`);
      shards[p] = entry.bytes;
      used.add(entry);
      parts.push(entry.bytes);
    }
    groups.push(parts);
  }
  const model: ModelBytes = { modelJson: json, shards, label: main.name };
  assembleArtifacts(model, main.name); // names a missing or truncated shard before tfjs sees it
  const storedJson = { ...json, weightsManifest: (manifest as Record<string, unknown>[]).map((g, i) => ({ ...g, paths: [`group${i}.bin`] })) };
  return { model, storedJson, groups, ignored: entries.filter((e) => !used.has(e)).map((e) => e.name) };
}

/** Writes an assembled upload as model.json + group<i>.bin into `dir` (a generated folder). */
export async function storeUpload(upload: AssembledUpload, dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const [i, parts] of upload.groups.entries()) {
    const size = parts.reduce((s, p) => s + p.byteLength, 0);
    const joined = new Uint8Array(size);
    let offset = 0;
    for (const p of parts) {
      joined.set(p, offset);
      offset += p.byteLength;
    }
    await writeFile(posix.join(dir, `group${i}.bin`), joined);
  }
  await writeFile(posix.join(dir, 'model.json'), JSON.stringify(upload.storedJson));
}
