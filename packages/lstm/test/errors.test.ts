/** Layers and options the plugin does not reproduce are refused with errors that name them. */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, supportedLayerClasses, UnsupportedLayerError } from '@xai/core';
import { LSTM_PLUGIN_LAYERS, MUL_REFUSAL, registerLstmPlugin } from '../src/index.js';
import { explainable } from './helpers.js';

function refusal(build: () => tf.LayersModel): UnsupportedLayerError {
  const model = build();
  try {
    explainable(model).dispose();
  } catch (err) {
    model.dispose();
    expect(err).toBeInstanceOf(UnsupportedLayerError);
    return err as UnsupportedLayerError;
  }
  throw new Error('the model was accepted');
}

describe('refused layers and options', () => {
  beforeAll(async () => {
    await initBackend();
  });

  it('registration is idempotent and adds the plugin layers to core', () => {
    registerLstmPlugin();
    registerLstmPlugin();
    for (const c of LSTM_PLUGIN_LAYERS) expect(supportedLayerClasses()).toContain(c);
  });

  it("Bidirectional mergeMode 'mul' says why it is refused", () => {
    const err = refusal(() => {
      const m = tf.sequential();
      m.add(tf.layers.bidirectional({ layer: tf.layers.lstm({ units: 3 }) as never, mergeMode: 'mul', inputShape: [4, 2], name: 'bidi' }));
      return m;
    });
    expect(err.layerName).toBe('bidi');
    expect(err.message).toContain(MUL_REFUSAL);
    expect(err.message).toMatch(/product of two signals/);
    expect(err.message).toMatch(/use mergeMode 'concat', 'sum' or 'ave'/);
  });

  it('stateful recurrent layers are refused by name', () => {
    const err = refusal(() => {
      const m = tf.sequential();
      m.add(tf.layers.gru({ units: 3, stateful: true, batchInputShape: [1, 4, 2], name: 'memory' }));
      return m;
    });
    expect(err.message).toMatch(/'memory' of class GRU/);
    expect(err.message).toMatch(/stateful: true/);
  });

  it('returnState (several outputs) is refused', () => {
    const err = refusal(() => {
      const input = tf.input({ shape: [4, 2] });
      const [seq] = tf.layers.lstm({ units: 3, returnState: true, name: 'with_state' }).apply(input) as tf.SymbolicTensor[];
      return tf.model({ inputs: input, outputs: tf.layers.dense({ units: 2 }).apply(seq!) as tf.SymbolicTensor });
    });
    expect(err.layerName).toBe('with_state');
  });

  it('an activation core has no derivative for is named', () => {
    const err = refusal(() => {
      const m = tf.sequential();
      m.add(tf.layers.simpleRNN({ units: 3, activation: 'swish' as never, inputShape: [4, 2] }));
      return m;
    });
    expect(err.message).toMatch(/activation 'swish'/);
  });

  it('TimeDistributed around a layer without converter names the wrapped class', () => {
    const err = refusal(() => {
      const m = tf.sequential();
      m.add(tf.layers.timeDistributed({ layer: tf.layers.layerNormalization(), inputShape: [4, 2], name: 'td' }));
      return m;
    });
    expect(err.layerName).toBe('td');
    expect(err.message).toMatch(/LayerNormalization/);
  });
});
