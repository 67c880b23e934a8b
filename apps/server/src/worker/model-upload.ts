import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { posix } from 'node:path';
import { unzipSync } from 'fflate';
import { assembleArtifacts, InvalidModelError, type ModelBytes } from '@xai/core';
import type { FileRef } from './task-types.js';

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
const isZip = (name: string, bytes: Uint8Array) => name.toLowerCase().endsWith('.zip') || ZIP_MAGIC.every((b, i) => bytes[i] === b);

/** An uploaded file by the name it had in the upload (or inside the zip). */
interface Entry {
  readonly name: string;
  readonly bytes: Uint8Array;
}

function unzip(file: string, bytes: Uint8Array, maxUnzippedBytes: number): Entry[] {
  let declared = 0;
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, {
      filter: (f) => {
        if (f.name.endsWith('/') || f.name.startsWith('__MACOSX/')) return false;
        declared += f.originalSize;
        if (declared > maxUnzippedBytes) throw new InvalidModelError(file, `unpacks to more than ${maxUnzippedBytes} bytes (the server's limit)`);
        return true;
      },
    });
  } catch (err) {
    if (err instanceof InvalidModelError) throw err;
    throw new InvalidModelError(file, `not a readable zip archive (${(err as Error).message})`);
  }
  return Object.entries(files).map(([name, data]) => ({ name: posix.normalize(name.replace(/\\/g, '/')), bytes: data }));
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

/**
 * Finds model.json and its weight shards among uploaded files (or in one uploaded .zip) and checks
 * them. The names only match manifest entries in memory: nothing the user named touches the disk.
 */
export async function assembleUpload(files: readonly FileRef[], maxUnzippedBytes: number): Promise<AssembledUpload> {
  const entries: Entry[] = [];
  for (const f of files) {
    const bytes = new Uint8Array(await readFile(f.path));
    if (isZip(f.name, bytes)) entries.push(...unzip(f.name, bytes, maxUnzippedBytes));
    else entries.push({ name: f.name, bytes });
  }
  const jsons = entries.filter((e) => e.name.toLowerCase().endsWith('.json'));
  let candidates = jsons.filter((e) => posix.basename(e.name) === 'model.json');
  if (candidates.length === 0) candidates = jsons.filter((e) => hasTopology(e.bytes));
  if (candidates.length === 0) {
    throw new InvalidModelError('upload', `no model.json among ${entries.map((e) => e.name).join(', ') || 'no files'}: send a TensorFlow.js LayersModel (model.json and its weight shards, or one .zip)`);
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
