import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { assembleArtifacts, readModelFiles } from '../load/model-files.js';
import { writeFileAtomic } from './write-file-atomic.js';

export interface SaveHandlerOptions {
  /** Edits the topology before it is written (e.g. to work around a tfjs serialisation defect). */
  readonly fixTopology?: (topology: tf.io.ModelArtifacts['modelTopology']) => void;
}

/**
 * `model.save(modelSaveHandler(dir))` writes `model.json` + `weights.bin` (the tfjs layers format)
 * into `dir`, each file atomically; tfjs itself only saves to files through tfjs-node.
 */
export function modelSaveHandler(dir: string, options: SaveHandlerOptions = {}): tf.io.IOHandler {
  return {
    async save(artifacts) {
      await mkdir(dir, { recursive: true });
      options.fixTopology?.(artifacts.modelTopology);
      const modelJson: tf.io.ModelJSON = {
        modelTopology: artifacts.modelTopology!,
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs ?? [] }],
        // Class names and the like (model.setUserDefinedMetadata): what `XaiModel.classNames` reads.
        ...(artifacts.userDefinedMetadata ? { userDefinedMetadata: artifacts.userDefinedMetadata } : {}),
      };
      const weights = tf.io.CompositeArrayBuffer.join(artifacts.weightData);
      await writeFileAtomic(join(dir, 'weights.bin'), new Uint8Array(weights));
      await writeFileAtomic(join(dir, 'model.json'), JSON.stringify(modelJson));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },
  };
}

/** `tf.loadLayersModel(modelLoadHandler(dir))`: reads `model.json` (or a folder holding one) and its weight files. */
export function modelLoadHandler(path: string): tf.io.IOHandler {
  return { load: async () => assembleArtifacts(await readModelFiles(path)) };
}
