import type * as tf from '@tensorflow/tfjs';
import { UnsupportedLayerError } from '../errors.js';
import type { GraphNode } from './node.js';

export type Shape = readonly (number | null)[];

/** What a layer converter gets: one application of a Keras layer inside the model graph. */
export interface ConversionContext {
  readonly layer: tf.layers.Layer;
  /** Node-name prefix + layer name (nested models prefix their own name). */
  readonly name: string;
  readonly className: string;
  /** The layer's Keras config (tfjs `getConfig()`, camelCase keys). */
  readonly config: Record<string, any>;
  readonly inputs: readonly number[];
  readonly inputShapes: readonly Shape[];
  readonly outputShape: Shape;
  /** The graph tensor id the converted nodes must produce. */
  readonly output: number;
  /** A fresh graph tensor id for intermediate results (e.g. before a fused activation). */
  newTensor(): number;
  /** The layer's weights in tfjs order (owned by the LayersModel: do not dispose). */
  weights(): tf.Tensor[];
  /** Throws UnsupportedLayerError for this layer with a reason. */
  unsupported(detail: string): never;
}

/** Turns one Keras layer application into graph nodes. */
export type LayerConverter = (ctx: ConversionContext) => GraphNode[];

const converters = new Map<string, LayerConverter>();

/** Registers (or replaces) the converter for a Keras layer class. Plugins call this. */
export function registerLayer(className: string, converter: LayerConverter): void {
  converters.set(className, converter);
}

/** The converter registered for a Keras layer class (wrappers such as TimeDistributed convert their inner layer with it). */
export function layerConverter(className: string): LayerConverter | undefined {
  return converters.get(className);
}

export function supportedLayerClasses(): string[] {
  return [...converters.keys(), 'InputLayer'].sort();
}

export function unsupported(name: string, className: string, detail?: string): never {
  throw new UnsupportedLayerError(name, className, supportedLayerClasses(), detail);
}
