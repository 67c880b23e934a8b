/** Adapter options are TypeBox schemas: the adapters check what they are given against them. */
import { Value } from 'typebox/value';
import { describe, expect, it } from 'vitest';
import { adapterByName, listAdapters } from '../src/index.js';

const nothing = [{ name: 'input.bin', bytes: new Uint8Array(0) }];

describe('adapter options', () => {
  it.each(['image', 'eeg', 'fmri', 'video'])('%s: decode refuses an unknown option and a value outside its choices, naming the option', async (name) => {
    const adapter = adapterByName(name);
    await expect(adapter.decode(nothing, { colour: 'red' })).rejects.toThrow(new RegExp(`unknown option 'colour' for modality '${name}'`));
    await expect(adapter.decode(nothing, { mode: 'loud' })).rejects.toThrow(new RegExp(`option 'mode' of modality '${name}' must be one of signed, .*got 'loud'`));
  });

  it("every demo model's decoding options fit its adapter's schema", () => {
    for (const adapter of listAdapters()) {
      for (const model of adapter.demos?.models ?? []) {
        expect(Value.Check(adapter.options, model.decodeOptions ?? {}), `${adapter.name}/${model.name}`).toBe(true);
      }
    }
  });
});
