import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { InvalidModelError } from '../errors.js';

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

const BYTES_PER_ELEMENT: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2, complex64: 8, string: NaN };

function specBytes(spec: tf.io.WeightsManifestEntry): number {
  const count = spec.shape.reduce((a, b) => a * b, 1);
  const dtype = spec.quantization?.dtype ?? spec.dtype;
  return count * (BYTES_PER_ELEMENT[dtype] ?? NaN);
}

function parseModelJson(text: string | Uint8Array | Record<string, unknown>, file: string): Record<string, any> {
  if (typeof text === 'object' && !(text instanceof Uint8Array)) return text;
  const source = typeof text === 'string' ? text : new TextDecoder().decode(text);
  let json: unknown;
  try {
    json = JSON.parse(source);
  } catch (err) {
    throw new InvalidModelError(file, `malformed JSON (${(err as Error).message})`);
  }
  if (!json || typeof json !== 'object') throw new InvalidModelError(file, 'expected a JSON object');
  return json as Record<string, any>;
}

/**
 * Validates model.json and its shards and assembles tfjs ModelArtifacts. Every problem names the
 * file: malformed JSON, no topology, a shard the manifest lists but that is missing or too short.
 */
export function assembleArtifacts(bytes: ModelBytes, jsonFile = 'model.json'): tf.io.ModelArtifacts {
  const json = parseModelJson(bytes.modelJson, jsonFile);
  if (!json.modelTopology) throw new InvalidModelError(jsonFile, "no 'modelTopology': not a TensorFlow.js LayersModel");
  const manifest = (json.weightsManifest ?? []) as tf.io.WeightsManifestConfig;
  if (!Array.isArray(manifest)) throw new InvalidModelError(jsonFile, "'weightsManifest' must be an array");
  const parts: Uint8Array[] = [];
  const weightSpecs: tf.io.WeightsManifestEntry[] = [];
  for (const group of manifest) {
    const expected = group.weights.reduce((sum, spec) => sum + specBytes(spec), 0);
    let found = 0;
    for (const path of group.paths) {
      const shard = bytes.shards[path] ?? bytes.shards[basename(path)];
      if (!shard) throw new InvalidModelError(path, `weight shard listed in ${jsonFile} is missing`);
      parts.push(shard);
      found += shard.byteLength;
    }
    if (Number.isFinite(expected) && found < expected) {
      throw new InvalidModelError(group.paths.join(', '), `weight shard truncated: the manifest needs ${expected} bytes, found ${found}`);
    }
    weightSpecs.push(...group.weights);
  }
  const total = parts.reduce((s, p) => s + p.byteLength, 0);
  const weightData = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) {
    weightData.set(p, offset);
    offset += p.byteLength;
  }
  return {
    modelTopology: json.modelTopology,
    weightSpecs,
    weightData: weightData.buffer,
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy,
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
  for (const group of (json.weightsManifest ?? []) as tf.io.WeightsManifestConfig) {
    for (const p of group.paths ?? []) {
      try {
        shards[p] = new Uint8Array(await readFile(join(dirname(jsonPath), p)));
      } catch {
        /* reported as missing, naming the shard, by assembleArtifacts */
      }
    }
  }
  return { modelJson: json, shards, label: jsonPath };
}
