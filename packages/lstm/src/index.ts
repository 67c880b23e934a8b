/** @xai/lstm — relevance for recurrent networks (Arras et al. 2017, 2019), a plugin for @xai/core. */
export { registerLstmPlugin, LSTM_PLUGIN_LAYERS } from './plugin.js';
export {
  recurrentRule, recurrentComposite, resolveRecurrentRule, embeddingSum, DEFAULT_EPSILON,
  type RecurrentRuleOptions, type ResolvedRecurrentRule, type InitialStateReport,
} from './recurrent-rule.js';
export { RecurrentCell, type Activation, type CellWeights, type CellState, type LrpStep, type GradientStep } from './cell.js';
export { LstmCell } from './lstm-node.js';
export { GruCell } from './gru-node.js';
export { SimpleRnnCell } from './simple-rnn-node.js';
export { RecurrentNode, type SequenceOptions } from './recurrent-node.js';
export { RECURRENT_CLASSES, readRecurrentConfig, makeCell, type RecurrentClass, type RecurrentConfig } from './recurrent-config.js';
export { EmbeddingNode, relevanceAtEmbedding } from './embedding-node.js';
export { MergeDirectionsNode, ReverseTimeNode, MUL_REFUSAL, type MergeMode } from './bidirectional.js';
export { FoldTimeNode, UnfoldTimeNode } from './time-distributed.js';
export { embeddingReferenceRunner } from './reference-method.js';
export { GruResetAfterCell } from './gru-reset-after-node.js';
export { type InitialState } from './recurrent-node.js';
export { ONNX_RECURRENT_OPS } from './onnx/register.js';
export { convertOnnxRecurrent } from './onnx/recurrent-op.js';
export { SequenceOutputNode, FinalStatesNode } from './onnx/direction-outputs.js';
export { storageOrder } from './onnx/batch-axis-ops.js';
