/** Pass: every `Constant` node becomes an initializer (value, value_float(s), value_int(s)). */
import { OnnxNodeError } from '../errors.js';
import type { OnnxGraph, OnnxNode, OnnxTensor } from '../model.js';
import { numberToInt64 } from '../int64.js';
import { tensorAttr } from './attributes.js';
import { withGraph } from './graph-edit.js';

export function constantsToInitializers(graph: OnnxGraph, file = 'model.onnx'): OnnxGraph {
  const initializers = new Map(graph.initializers);
  const nodes: OnnxNode[] = [];
  for (const node of graph.nodes) {
    if (node.opType !== 'Constant' || node.domain !== '') {
      nodes.push(node);
      continue;
    }
    const name = node.outputs[0];
    initializers.set(name, { ...constantValue(node, file), name });
  }
  return withGraph(graph, { nodes, initializers });
}

function constantValue(node: OnnxNode, file: string): OnnxTensor {
  const tensor = tensorAttr(node, 'value');
  if (tensor) return tensor;
  const a = node.attributes;
  if (typeof a.value_float === 'number') return { name: '', dtype: 'float32', dims: [], data: Float32Array.of(a.value_float) };
  if (Array.isArray(a.value_floats)) return { name: '', dtype: 'float32', dims: [a.value_floats.length], data: Float32Array.from(a.value_floats as number[]) };
  if (typeof a.value_int === 'number') return { name: '', dtype: 'int64', dims: [], data: BigInt64Array.of(numberToInt64(a.value_int)) };
  if (Array.isArray(a.value_ints)) return { name: '', dtype: 'int64', dims: [a.value_ints.length], data: BigInt64Array.from(a.value_ints as number[], numberToInt64) };
  if (typeof a.value_string === 'string') return { name: '', dtype: 'string', dims: [], data: [a.value_string] };
  if (Array.isArray(a.value_strings)) return { name: '', dtype: 'string', dims: [a.value_strings.length], data: [...(a.value_strings as string[])] };
  throw new OnnxNodeError(file, node.name, node.opType, 'a Constant without a value (sparse_value is not supported)');
}
