import { registerLayer, registerReferenceMethod } from '@xai/core';
import { convertBidirectional } from './bidirectional.js';
import { convertEmbedding } from './embedding-node.js';
import { RECURRENT_CLASSES } from './recurrent-config.js';
import { convertRecurrent } from './recurrent-layer.js';
import { setRecurrentRule, type RecurrentRuleOptions } from './recurrent-rule.js';
import { embeddingReferenceRunner } from './reference-method.js';
import { convertTimeDistributed } from './time-distributed.js';

/** The Keras layer classes the plugin adds to core's registry. */
export const LSTM_PLUGIN_LAYERS = ['Embedding', ...RECURRENT_CLASSES, 'Bidirectional', 'TimeDistributed'] as const;

let registered = false;

/**
 * Registers the plugin's layers with core's registry (Embedding, LSTM, GRU, SimpleRNN,
 * Bidirectional, TimeDistributed) and its reference method for the conformance runner. Idempotent:
 * later calls only apply `options` (the recurrent rule, see `setRecurrentRule`). Call it before
 * loading a model.
 */
export function registerLstmPlugin(options?: RecurrentRuleOptions): void {
  if (options) setRecurrentRule(options);
  if (registered) return;
  registered = true;
  registerLayer('Embedding', convertEmbedding);
  for (const className of RECURRENT_CLASSES) registerLayer(className, convertRecurrent);
  registerLayer('Bidirectional', convertBidirectional);
  registerLayer('TimeDistributed', convertTimeDistributed);
  const previous = registerReferenceMethod('lrp', embeddingReferenceRunner(() => previous));
}
