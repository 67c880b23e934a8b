import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { factsSummary, matchChannels, prefillDecoding, sensorKey } from '../src/lib/decoding';
import type { InputFacts, JsonSchema, Model } from '../src/lib/types';

/** List options as the adapters declare them: EEG channels (strings), a baseline pair, the fMRI grid affine (rows). */
const schema: JsonSchema = {
  type: 'object',
  properties: {
    channels: { type: 'array', items: { type: 'string' } },
    baseline: { type: 'array', items: { type: 'number' }, minItems: 2, maxItems: 2 },
    gridAffine: { type: 'array', items: { type: 'array', items: { type: 'number' } } },
  },
};

describe('list options in the generated form', () => {
  it('takes names comma-separated, numbers comma-separated and a matrix as JSON rows', async () => {
    const { default: Harness } = await import('./SchemaFormHarness.svelte');
    render(Harness, { props: { schema } });
    const value = () => JSON.parse(screen.getByTestId('value').textContent!);
    await fireEvent.change(screen.getByLabelText('channels'), { target: { value: 'Fz, Cz ,Pz' } });
    await fireEvent.change(screen.getByLabelText('baseline'), { target: { value: '-0.2, 0' } });
    await fireEvent.change(screen.getByLabelText('gridAffine'), { target: { value: '[[-3,0,0,46.5],[0,3,0,-46.5],[0,0,3,-22.5],[0,0,0,1]]' } });
    expect(value()).toEqual({ channels: ['Fz', 'Cz', 'Pz'], baseline: [-0.2, 0], gridAffine: [[-3, 0, 0, 46.5], [0, 3, 0, -46.5], [0, 0, 3, -22.5], [0, 0, 0, 1]] });
    // the matrix is shown one row a line, and reads back the same
    const affine = screen.getByLabelText('gridAffine') as HTMLTextAreaElement;
    expect(affine.value).toBe('[[-3,0,0,46.5],\n [0,3,0,-46.5],\n [0,0,3,-22.5],\n [0,0,0,1]]');
    await fireEvent.change(affine, { target: { value: affine.value } });
    expect(value().gridAffine).toEqual([[-3, 0, 0, 46.5], [0, 3, 0, -46.5], [0, 0, 3, -22.5], [0, 0, 0, 1]]);
    // bad JSON is said, and the last good value kept; clearing removes the option
    await fireEvent.change(affine, { target: { value: '[[1,0' } });
    expect(screen.getByText('not valid JSON')).toBeTruthy();
    expect(value().gridAffine).toHaveLength(4);
    await fireEvent.change(screen.getByLabelText('channels'), { target: { value: '' } });
    expect(value().channels).toBeUndefined();
  });
});

const eegFacts: InputFacts = {
  modality: 'eeg', files: ['rec.edf'], file: 'rec.edf', format: 'EDF+C', duration: 20, sampleRates: [200], annotationCount: 12,
  channels: [{ label: 'EEG Fz-REF', unit: 'uV', sampleRate: 200 }, { label: 'EEG CZ-LE', unit: 'uV', sampleRate: 200 }, { label: 'O-mid', unit: 'uV', sampleRate: 200 }],
  annotations: [{ description: 'stimulus/target', count: 3, firstOnset: 8.9 }],
};
const model = (decodingFacts: Model['decodingFacts']) => ({ id: 'm', name: 'm', source: 'upload', readonly: false, modality: 'eeg', description: '', inputShapes: [], outputShapes: [], parameters: 0, classNames: null, decodingFacts }) as Model;

describe('decoding options prefilled from the facts', () => {
  it('matches channel names ignoring case, the EEG prefix and reference suffixes', () => {
    expect(sensorKey('EEG Fz-REF')).toBe('fz');
    expect(matchChannels(['Fz', 'Cz', 'Oz'], ['EEG Fz-REF', 'EEG CZ-LE', 'O-mid'])).toEqual(['EEG Fz-REF', 'EEG CZ-LE', null]);
  });

  it("maps the model's channels only when every one is found, and takes the model's rate", () => {
    expect(prefillDecoding(eegFacts, model({ channels: ['Cz', 'Fz'], sampleRate: 64, sources: {} }))).toEqual({ channels: ['EEG CZ-LE', 'EEG Fz-REF'], sampleRate: 64 });
    expect(prefillDecoding(eegFacts, model({ channels: ['Cz', 'Oz'], sources: {} }))).toEqual({});
    expect(prefillDecoding({ modality: 'image', files: ['a.png'] }, model({ sampleRate: 64, sources: {} }))).toEqual({});
  });

  it('summarises a recording, a volume and a sound in one line', () => {
    expect(factsSummary(eegFacts)).toBe('rec.edf: EDF+C, 3 channels at 200 Hz, 20 s, 12 annotations');
    expect(factsSummary({ modality: 'fmri', files: ['v.nii.gz'], file: 'v.nii.gz', dims: [48, 48, 24], voxelSize: [2, 2, 2], spatialUnit: 'mm', affineSource: 'sform' }))
      .toBe('v.nii.gz: 48×48×24 voxels of 2×2×2 mm, affine from the sform');
    expect(factsSummary({ modality: 'audio', files: ['a.wav'], file: 'a.wav', sampleRate: 8000, channels: 1, bitsPerSample: 16, duration: 0.5 })).toBe('a.wav: 8000 Hz, 1 channel(s), 16 bit, 0.5 s');
  });
});
