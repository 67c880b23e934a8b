/**
 * ONNX uploads: one `.onnx` file, with the external data files its initializers name (uploaded
 * beside it or in the same zip), stored as `model.onnx` in the model's generated folder and
 * checked by loading it with the server's model-bytes cap.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { posix } from 'node:path';
import { InvalidModelError, loadModel, onnxImport, sizeLimit, XaiError, type XaiModel } from '@xai/core';
import type { Entry } from './model-upload.js';

/** The name the stored model file always has (external locations are relative to its folder). */
export const ONNX_FILE = 'model.onnx';

export const isOnnxName = (name: string) => /\.onnx$/i.test(name);

/** One path segment a stored external file may have: plain characters, no leading dot. */
const PLAIN_SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,199}$/;

export interface OnnxUpload {
  /** The .onnx entry (its name is the model's label in messages). */
  readonly main: Entry;
  /** External data files, by their path relative to the .onnx file's folder. */
  readonly external: ReadonlyMap<string, Entry>;
  /** Entries of the upload the model does not name. */
  readonly ignored: string[];
}

/** Does `bytes` hold the UTF-8 text `text` (protobuf stores strings as plain UTF-8)? */
function holdsText(bytes: Uint8Array, text: string): boolean {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).indexOf(text, 0, 'utf8') >= 0;
}

/**
 * Picks the .onnx file of an upload and the files it may read as external data. A model names its
 * external files in `external_data.location` strings, so a file whose path (relative to the .onnx)
 * does not occur in the model's bytes cannot be one of them and is reported as ignored. The core
 * reads only the locations the model names and refuses any that leaves the model's folder.
 */
export function assembleOnnxUpload(entries: readonly Entry[], onnxEntries: readonly Entry[]): OnnxUpload {
  if (onnxEntries.length > 1) throw new InvalidModelError('upload', `several .onnx files (${onnxEntries.map((e) => e.name).join(', ')}): send one model per upload`);
  const main = onnxEntries[0]!;
  const base = posix.dirname(main.name);
  const external = new Map<string, Entry>();
  const ignored: string[] = [];
  for (const entry of entries) {
    if (entry === main) continue;
    const rel = base === '.' ? entry.name : posix.relative(base, entry.name);
    const plain = rel.split('/').every((s) => PLAIN_SEGMENT.test(s)) && rel !== ONNX_FILE;
    if (plain && holdsText(main.bytes, rel)) external.set(rel, entry);
    else ignored.push(entry.name);
  }
  return { main, external, ignored };
}

/** Writes the model as `model.onnx` and its external files under their relative paths into `dir`. */
export async function storeOnnxUpload(upload: OnnxUpload, dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  for (const [rel, entry] of upload.external) {
    const path = posix.join(dir, rel);
    await mkdir(posix.dirname(path), { recursive: true });
    await writeFile(path, entry.bytes);
  }
  const path = posix.join(dir, ONNX_FILE);
  await writeFile(path, upload.main.bytes);
  return path;
}

/**
 * Loads a stored ONNX upload under the server's model-bytes cap (XAI_MAX_MODEL_BYTES): the model
 * and its external files together may hold at most the cap, and no tensor or declared shape may
 * have more float32 elements than fit in it (nor more than the core's own default). Errors name
 * the uploaded file.
 */
export async function loadOnnxUpload(upload: OnnxUpload, path: string): Promise<XaiModel> {
  const label = upload.main.name;
  const cap = sizeLimit('XAI_MAX_MODEL_BYTES');
  const bytes = [upload.main, ...upload.external.values()].reduce((n, e) => n + e.bytes.byteLength, 0);
  if (bytes > cap) throw new InvalidModelError(label, `the model and its external data hold ${bytes} bytes, more than the limit of ${cap} (XAI_MAX_MODEL_BYTES)`);
  try {
    // The cap also bounds every tensor and declared shape (as float32 values) inside loadModel.
    return await loadModel(path, { label, maxWeightBytes: cap, externalDataDir: posix.dirname(path) });
  } catch (err) {
    throw namingFile(err, label);
  }
}

/** Core errors that do not name the file (an unsupported operator names only its node) get it. */
function namingFile(err: unknown, label: string): unknown {
  if (!(err instanceof XaiError)) return err;
  if (err instanceof onnxImport.OnnxExternalDataError && /cannot be read \(ENOENT\)/.test(err.message)) {
    err.message += `: the upload holds no such file (send it beside ${label}, or in the same zip)`;
  }
  if (!err.message.includes(label)) err.message = `${label}: ${err.message}`;
  return err;
}
