import { registerLayer, registerReferenceMethod, registerRule, Type } from '@xai/core';
import { convertBidirectional } from './bidirectional.js';
import { convertEmbedding } from './embedding-node.js';
import { registerOnnxRecurrentOps } from './onnx/register.js';
import { registerLstmOrtDirectionOutputs } from './ort-direction-outputs.js';
import { registerLstmOrtRecurrentSteps } from './ort-recurrent-steps.js';
import { registerLstmOrtSteps } from './ort-steps.js';
import { RECURRENT_CLASSES } from './recurrent-config.js';
import { convertRecurrent } from './recurrent-layer.js';
import { DEFAULT_EPSILON, embeddingSum, recurrentRule } from './recurrent-rule.js';
import { embeddingReferenceRunner } from './reference-method.js';
import { convertTimeDistributed } from './time-distributed.js';

/** The Keras layer classes the plugin adds to core's registry. */
export const LSTM_PLUGIN_LAYERS = ['Embedding', ...RECURRENT_CLASSES, 'Bidirectional', 'TimeDistributed'] as const;

let registered = false;

/**
 * Registers the plugin's layers with core's registry (Embedding, LSTM, GRU, SimpleRNN,
 * Bidirectional, TimeDistributed), its ONNX operators (LSTM, GRU, RNN, and the shape operators
 * around them on time-major values), its rules (`recurrent`, the default of recurrent layers, and
 * `embedding_sum`) and its reference method for the conformance runner. Idempotent. Call it before
 * loading a model. Other recurrent rule options go with an explanation's composite
 * (`recurrentComposite`). Embedding, TimeDistributed, the recurrent layers (unrolled; Keras and
 * ONNX) and Bidirectional also compile for the 'ort' executor.
 */
export function registerLstmPlugin(): void {
  if (registered) return;
  registered = true;
  registerLayer('Embedding', convertEmbedding);
  for (const className of RECURRENT_CLASSES) registerLayer(className, convertRecurrent);
  registerLayer('Bidirectional', convertBidirectional);
  registerLayer('TimeDistributed', convertTimeDistributed);
  registerOnnxRecurrentOps();
  registerLstmOrtSteps();
  registerLstmOrtRecurrentSteps();
  registerLstmOrtDirectionOutputs();
  registerRule({
    name: 'recurrent',
    description: 'LRP for LSTM/GRU/SimpleRNN layers (Arras et al. 2017, 2019)',
    options: Type.Object({
      epsilon: Type.Optional(Type.Number({ minimum: 0, default: DEFAULT_EPSILON, description: 'stabiliser of every division' })),
      biasFactor: Type.Optional(Type.Union([Type.Literal(0), Type.Literal(1)], { default: 0, description: '1: bias and stabiliser shares redistributed' })),
    }),
    create: (o) => recurrentRule(o),
  });
  registerRule({ name: 'embedding_sum', description: 'token relevance: the sum over its embedding vector', options: Type.Object({}), create: () => embeddingSum() });
  const previous = registerReferenceMethod('lrp', embeddingReferenceRunner(() => previous));
}
