import * as tf from '@tensorflow/tfjs';
import { UnsupportedLayerError } from '../errors.js';
import type { ModelGraph } from './graph.js';
import type { GraphNode } from './node.js';
import { layerConverter, unsupported, type Shape } from './registry.js';
import './converters.js';

type SymbolicTensor = tf.SymbolicTensor;

const isContainer = (layer: tf.layers.Layer): layer is tf.LayersModel => layer instanceof tf.LayersModel;

/** Turns a tfjs LayersModel (Sequential or functional, nested models flattened) into a ModelGraph. */
export function buildGraph(model: tf.LayersModel): ModelGraph {
  const nodes: GraphNode[] = [];
  let nextId = 0;
  const newTensor = () => nextId++;

  // Per (nested) model scope: symbolic tensor → graph tensor id, and converted layer calls.
  const convert = (scope: Map<SymbolicTensor, number>, prefix: string) => {
    const done = new Map<string, number[]>();
    const visit = (t: SymbolicTensor): number => {
      const bound = scope.get(t);
      if (bound !== undefined) return bound;
      const layer = t.sourceLayer as tf.layers.Layer;
      const className = layer.getClassName();
      const name = prefix + layer.name;
      if (className === 'InputLayer') unsupported(name, className, 'an input layer that is not an input of the model');
      const key = `${layer.name}#${t.nodeIndex}`;
      let outs = done.get(key);
      if (!outs) {
        const call = layer.inboundNodes[t.nodeIndex]!;
        const inputs = call.inputTensors.map(visit);
        if (isContainer(layer)) {
          const inner = new Map<SymbolicTensor, number>(layer.inputs.map((s, i) => [s, inputs[i]!]));
          const run = convert(inner, `${name}/`);
          outs = layer.outputs.map(run);
        } else {
          outs = call.outputTensors.map(() => newTensor());
          if (outs.length !== 1) unsupported(name, className, 'layers with several outputs');
          const converter = layerConverter(className) ?? unsupported(name, className);
          const ctx = {
            layer,
            name,
            className,
            config: layer.getConfig() as Record<string, any>,
            inputs,
            inputShapes: call.inputTensors.map((s) => s.shape as Shape),
            outputShape: call.outputTensors[0]!.shape as Shape,
            output: outs[0]!,
            newTensor,
            weights: () => layer.getWeights(),
            unsupported: (detail: string): never => unsupported(name, className, detail),
          };
          nodes.push(...converter(ctx));
        }
        done.set(key, outs);
      }
      return outs[t.tensorIndex]!;
    };
    return visit;
  };

  const scope = new Map<SymbolicTensor, number>();
  const inputs = model.inputs.map((s) => {
    const id = newTensor();
    scope.set(s, id);
    return id;
  });
  const visit = convert(scope, '');
  const outputs = model.outputs.map(visit);
  return {
    nodes,
    inputs,
    inputNames: model.inputs.map((s) => s.sourceLayer.name),
    inputShapes: model.inputs.map((s) => s.shape as Shape),
    outputs,
    outputNames: model.outputs.map((s) => s.sourceLayer.name),
    outputShapes: model.outputs.map((s) => s.shape as Shape),
  };
}

export { UnsupportedLayerError };
