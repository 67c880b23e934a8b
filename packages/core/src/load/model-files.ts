import { readFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { InvalidModelError } from '../errors.js';
import { sizeLimit } from '../io/limits.js';

/** A model as bytes: `model.json` plus its weight shards by the names the manifest uses. */
export interface ModelBytes {
  readonly modelJson: string | Uint8Array | Record<string, unknown>;
  readonly shards: Readonly<Record<string, Uint8Array>>;
  /** How to call the model in messages (an upload's file name …). */
  readonly label?: string;
}

export interface ModelArtifactsWithSource {
  readonly artifacts: tf.io.ModelArtifacts;
  readonly label: string;
}

/** Bytes per element of the dtypes a LayersModel's weights use (quantized ones by their storage dtype). */
const BYTES_PER_ELEMENT: Readonly<Record<string, number>> = { float32: 4, int32: 4, bool: 1 };
const QUANTIZED_BYTES: Readonly<Record<string, number>> = { uint8: 1, uint16: 2, float16: 2 };

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks one weight spec of the manifest field by field; returns its bytes in the shard. */
function checkWeightSpec(spec: unknown, where: string, file: string): number {
  const bad = (field: string, detail: string): never => {
    throw new InvalidModelError(file, `${where}.${field}: ${detail}`);
  };
  if (!isRecord(spec)) return bad('', `a weight spec must be an object, got ${JSON.stringify(spec)}`);
  if (typeof spec.name !== 'string' || spec.name === '') bad('name', 'must be a non-empty string');
  const shape = spec.shape;
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    bad('shape', `must be a list of non-negative integers, got ${JSON.stringify(shape)?.slice(0, 80)}`);
  }
  const count = (shape as number[]).reduce((a, b) => a * b, 1);
  if (!Number.isSafeInteger(count)) bad('shape', `[${(shape as number[]).join(', ')}] has more elements than can be counted`);
  if (typeof spec.dtype !== 'string' || !(spec.dtype in BYTES_PER_ELEMENT)) {
    bad('dtype', `must be one of ${Object.keys(BYTES_PER_ELEMENT).join(', ')}, got ${JSON.stringify(spec.dtype)}`);
  }
  if (spec.quantization === undefined) return count * BYTES_PER_ELEMENT[spec.dtype as string]!;
  const q = spec.quantization;
  if (!isRecord(q)) return bad('quantization', 'must be an object');
  if (typeof q.dtype !== 'string' || !(q.dtype in QUANTIZED_BYTES)) {
    bad('quantization.dtype', `must be one of ${Object.keys(QUANTIZED_BYTES).join(', ')}, got ${JSON.stringify(q.dtype)}`);
  }
  for (const key of ['scale', 'min'] as const) {
    if (q.dtype !== 'float16' && !(typeof q[key] === 'number' && Number.isFinite(q[key]))) bad(`quantization.${key}`, `must be a finite number, got ${JSON.stringify(q[key])}`);
  }
  return count * QUANTIZED_BYTES[q.dtype as string]!;
}

function parseModelJson(text: string | Uint8Array | Record<string, unknown>, file: string): Record<string, unknown> {
  if (typeof text === 'object' && !(text instanceof Uint8Array)) return text;
  const source = typeof text === 'string' ? text : new TextDecoder().decode(text);
  let json: unknown;
  try {
    json = JSON.parse(source);
  } catch (err) {
    throw new InvalidModelError(file, `malformed JSON (${(err as Error).message})`);
  }
  if (!isRecord(json)) throw new InvalidModelError(file, 'expected a JSON object');
  return json;
}

/** The weight file names a manifest lists, checked to be a list of groups each with a list of names. */
function manifestGroups(json: Record<string, unknown>, file: string): { paths: string[]; weights: unknown[] }[] {
  const manifest = json.weightsManifest ?? [];
  if (!Array.isArray(manifest)) throw new InvalidModelError(file, "'weightsManifest' must be a list");
  return manifest.map((group: unknown, g) => {
    const where = `weightsManifest[${g}]`;
    if (!isRecord(group)) throw new InvalidModelError(file, `${where}: must be an object with 'paths' and 'weights'`);
    const { paths, weights } = group;
    if (!Array.isArray(paths) || paths.length === 0) throw new InvalidModelError(file, `${where}.paths: must be a non-empty list of file names`);
    paths.forEach((p, k) => {
      if (typeof p !== 'string' || p === '') throw new InvalidModelError(file, `${where}.paths[${k}]: must be a file name, got ${JSON.stringify(p)}`);
      // Shards live beside model.json: an absolute path or a '..' step would read files elsewhere.
      if (isAbsolute(p) || p.split(/[\\/]/).includes('..')) {
        throw new InvalidModelError(file, `${where}.paths[${k}]: must name a file beside model.json, got ${JSON.stringify(p)}`);
      }
    });
    if (!Array.isArray(weights)) throw new InvalidModelError(file, `${where}.weights: must be a list of weight specs`);
    return { paths: paths as string[], weights };
  });
}

/**
 * Validates model.json and its shards and assembles tfjs ModelArtifacts. Every problem is an
 * InvalidModelError naming the file and the field: malformed JSON, no topology, a manifest that
 * is not a list of { paths: [names], weights: [{ name, shape, dtype, quantization? }] }, a shard
 * that is missing or shorter than its group's weights, more weight bytes than `maxBytes` (or
 * XAI_MAX_MODEL_BYTES). Each group contributes exactly the bytes its weights declare.
 */
export function assembleArtifacts(bytes: ModelBytes, jsonFile = 'model.json', maxBytes?: number): tf.io.ModelArtifacts {
  const json = parseModelJson(bytes.modelJson, jsonFile);
  if (!isRecord(json.modelTopology)) throw new InvalidModelError(jsonFile, "no 'modelTopology' object: not a TensorFlow.js LayersModel");
  const cap = sizeLimit('XAI_MAX_MODEL_BYTES', maxBytes);
  const parts: Uint8Array[] = [];
  const weightSpecs: tf.io.WeightsManifestEntry[] = [];
  let total = 0;
  manifestGroups(json, jsonFile).forEach((group, g) => {
    const expected = group.weights.reduce<number>((sum, spec, w) => sum + checkWeightSpec(spec, `weightsManifest[${g}].weights[${w}]`, jsonFile), 0);
    total += expected;
    if (total > cap) throw new InvalidModelError(jsonFile, `weightsManifest: the weights need ${total} bytes, more than the limit of ${cap} (XAI_MAX_MODEL_BYTES)`);
    const shards: Uint8Array[] = [];
    let found = 0;
    for (const path of group.paths) {
      const shard = bytes.shards[path] ?? bytes.shards[basename(path)];
      if (!shard) throw new InvalidModelError(path, `weight shard listed in ${jsonFile} is missing`);
      shards.push(shard);
      found += shard.byteLength;
    }
    if (found < expected) {
      throw new InvalidModelError(group.paths.join(', '), `weight shard truncated: weightsManifest[${g}] needs ${expected} bytes, found ${found}`);
    }
    let need = expected;
    for (const shard of shards) {
      if (need === 0) break;
      const take = shard.subarray(0, Math.min(need, shard.byteLength));
      parts.push(take);
      need -= take.byteLength;
    }
    weightSpecs.push(...(group.weights as tf.io.WeightsManifestEntry[]));
  });
  const weightData = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) {
    weightData.set(p, offset);
    offset += p.byteLength;
  }
  return {
    modelTopology: json.modelTopology as tf.io.ModelArtifacts['modelTopology'],
    weightSpecs,
    weightData: weightData.buffer,
    format: typeof json.format === 'string' ? json.format : undefined,
    generatedBy: typeof json.generatedBy === 'string' ? json.generatedBy : undefined,
    convertedBy: typeof json.convertedBy === 'string' ? json.convertedBy : undefined,
    userDefinedMetadata: isRecord(json.userDefinedMetadata) ? (json.userDefinedMetadata as Record<string, never>) : undefined,
  };
}

/** Reads model.json (or a folder holding one) and the shards it lists from disk. */
export async function readModelFiles(path: string): Promise<ModelBytes> {
  const jsonPath = path.endsWith('.json') ? path : join(path, 'model.json');
  let text: string;
  try {
    text = await readFile(jsonPath, 'utf8');
  } catch (err) {
    throw new InvalidModelError(jsonPath, `cannot read model file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const json = parseModelJson(text, jsonPath);
  const shards: Record<string, Uint8Array> = {};
  for (const group of manifestGroups(json, jsonPath)) {
    for (const p of group.paths) {
      try {
        shards[p] = new Uint8Array(await readFile(join(dirname(jsonPath), p)));
      } catch {
        /* reported as missing, naming the shard, by assembleArtifacts */
      }
    }
  }
  return { modelJson: json, shards, label: jsonPath };
}
