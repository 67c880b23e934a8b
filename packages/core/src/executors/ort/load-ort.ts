/**
 * onnxruntime-node, imported on first use (an optional dependency: the engine works without it, and
 * only the 'ort' executor needs it).
 */
import { XaiError } from '../../errors.js';

export type Ort = typeof import('onnxruntime-node');

/** The 'ort' executor was asked for but onnxruntime-node cannot be loaded. */
export class OrtUnavailableError extends XaiError {}

let loading: Promise<Ort> | null = null;

export function loadOrt(): Promise<Ort> {
  loading ??= import('onnxruntime-node').then(
    (m) => ((m as unknown as { default?: Ort }).default?.InferenceSession ? (m as unknown as { default: Ort }).default : m),
    (err: Error) => {
      loading = null;
      throw new OrtUnavailableError(`executor 'ort' needs the npm package onnxruntime-node (npm install onnxruntime-node@1.30.0), which could not be loaded: ${err.message}`);
    },
  );
  return loading;
}
