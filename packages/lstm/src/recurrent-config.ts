/** A recurrent layer's Keras configuration, checked, and the cell that computes it. */
import type * as tf from '@tensorflow/tfjs';
import { activationFunction } from '@xai/core';
import type { Activation, CellWeights, RecurrentCell } from './cell.js';
import { GruCell } from './gru-node.js';
import { LstmCell } from './lstm-node.js';
import type { SequenceOptions } from './recurrent-node.js';
import { SimpleRnnCell } from './simple-rnn-node.js';

export const RECURRENT_CLASSES = ['LSTM', 'GRU', 'SimpleRNN'] as const;
export type RecurrentClass = (typeof RECURRENT_CLASSES)[number];

export const isRecurrentClass = (name: string): name is RecurrentClass => (RECURRENT_CLASSES as readonly string[]).includes(name);

export interface RecurrentConfig extends SequenceOptions {
  readonly className: RecurrentClass;
  readonly units: number;
  /** Keras activation names; tfjs defaults are tanh and hardSigmoid. */
  readonly activation: string;
  readonly recurrentActivation: string;
  readonly useBias: boolean;
}

type Unsupported = (detail: string) => never;

/**
 * Reads (camelCase, tfjs `getConfig()`) and checks a recurrent layer's configuration. Options that
 * change what the layer computes and that the engine does not reproduce are refused by name;
 * dropout, recurrentDropout, unroll, implementation and unitForgetBias do not change inference
 * (unitForgetBias only initialises the bias, which is read from the weights).
 */
export function readRecurrentConfig(className: RecurrentClass, config: Record<string, any>, unsupported: Unsupported): RecurrentConfig {
  if (config.stateful) {
    unsupported('stateful: true — the state carried over from earlier calls is not part of the explained input; explain a copy of the model built with stateful: false');
  }
  if (config.returnState) unsupported('returnState: true — the layer then has several outputs (sequence and states)');
  if (config.resetAfter) unsupported('resetAfter: true (tfjs GRUs do not support it either)');
  if (config.timeMajor) unsupported('timeMajor: true');
  const recurrentDefault = className === 'SimpleRNN' ? 'tanh' : 'hardSigmoid';
  return {
    className,
    units: config.units,
    activation: config.activation ?? 'tanh',
    recurrentActivation: className === 'SimpleRNN' ? 'linear' : (config.recurrentActivation ?? recurrentDefault),
    useBias: config.useBias !== false,
    goBackwards: config.goBackwards === true,
    returnSequences: config.returnSequences === true,
  };
}

function activation(name: string, role: string, unsupported: Unsupported): Activation {
  return activationFunction(name) ?? unsupported(`${role} '${name}'`);
}

/** The cell for a configuration and the layer's weights ([kernel, recurrentKernel, bias?], owned by the model). */
export function makeCell(config: RecurrentConfig, weights: readonly tf.Tensor[], unsupported: Unsupported): RecurrentCell {
  const expected = config.useBias ? 3 : 2;
  if (weights.length !== expected) unsupported(`expected ${expected} weight tensors, found ${weights.length}`);
  const w: CellWeights = {
    kernel: weights[0] as tf.Tensor2D,
    recurrentKernel: weights[1] as tf.Tensor2D,
    bias: config.useBias ? (weights[2] as tf.Tensor1D) : null,
  };
  const act = activation(config.activation, 'activation', unsupported);
  const rec = activation(config.recurrentActivation, 'recurrentActivation', unsupported);
  const cell = config.className === 'LSTM' ? new LstmCell(w, act, rec) : config.className === 'GRU' ? new GruCell(w, act, rec) : new SimpleRnnCell(w, act, rec);
  cell.activationNames = { activation: config.activation, recurrent: config.recurrentActivation };
  return cell;
}
