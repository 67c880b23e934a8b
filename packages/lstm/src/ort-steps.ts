/**
 * The ONNX forms of the plugin's non-recurrent node kinds for core's 'ort' executor: Embedding
 * (a Gather of the token ids, cast from the engine's float ids; its `embedding_sum` rule a sum over
 * the vector axis) and TimeDistributed's time folding (reshapes). Recurrent layers: ort-recurrent-steps.ts.
 */
import { registerOrtNodeSteps, type GraphNode, type OrtValue, type OrtValues } from '@xai/core';
import type { EmbeddingNode } from './embedding-node.js';

/** Reshape in the engine's (channels-last) layout. */
const reshape = (x: OrtValue, shape: readonly number[], v: OrtValues): OrtValue => v.reshape(x, shape);

function embeddingForward(node: GraphNode, [ids]: readonly OrtValue[], v: OrtValues): OrtValue {
  const { embeddings } = node as EmbeddingNode;
  const [vocabulary, dim] = embeddings.shape;
  const table = v.w.deferredFloats('embeddings', [vocabulary, dim], () => Float32Array.from(embeddings.dataSync()));
  const index = v.w.op('Cast', [v.at(ids!, 'cl')], { to: 7 }); // int64
  return v.make([...ids!.shape, dim], v.w.op('Gather', [table, index], { axis: 0 }), 'cl');
}

export function registerLstmOrtSteps(): void {
  registerOrtNodeSteps('embedding', {
    forward: embeddingForward,
    vjp: () => [null], // token ids are not differentiable
    rules: {
      embedding_sum: (_node, [ids], _output, r, v) => [v.make(ids!.shape, v.w.op('ReduceSum', [v.at(r, 'cl'), v.w.int64s([-1])], { keepdims: 0 }), 'cl')],
    },
  });
  registerOrtNodeSteps('fold-time', {
    forward: (_node, [x], v) => reshape(x!, [x!.shape[0]! * x!.shape[1]!, ...x!.shape.slice(2)], v),
    vjp: (_node, [x], _output, r, v) => [reshape(r, x!.shape, v)],
  });
  registerOrtNodeSteps('unfold-time', {
    forward: (_node, [y, x], v) => reshape(y!, [x!.shape[0]!, x!.shape[1]!, ...y!.shape.slice(1)], v),
    vjp: (_node, [y], _output, r, v) => [reshape(r, y!.shape, v), null],
  });
}
