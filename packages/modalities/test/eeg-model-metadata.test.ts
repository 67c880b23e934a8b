/** What an EEG model says of itself (ONNX metadata_props) and how channel names are matched. */
import { describe, expect, it } from 'vitest';
import { eegModelInfo, metadataClassNames, parseNameList, parseUnit } from '../src/index.js';
import { channelKey, matchChannels } from '../src/eeg/channel-match.js';

const recording = (...labels: string[]) => ({ channels: labels.map((label) => ({ label, unit: 'uV', sampleRate: 256, samples: new Float32Array(), resolution: 0 })) });

describe('EEG model metadata', () => {
  it('reads the xai.* keys', () => {
    const info = eegModelInfo({ 'xai.channels': 'Fz, Cz,Pz', 'xai.sfreq': '128', 'xai.unit': 'V', 'xai.classes': 'left,right' });
    expect(info).toEqual({
      channels: ['Fz', 'Cz', 'Pz'], sfreq: 128, unit: 'V', classes: ['left', 'right'],
      keys: { channels: 'xai.channels', sfreq: 'xai.sfreq', unit: 'xai.unit', classes: 'xai.classes' },
    });
    expect(eegModelInfo(undefined)).toEqual({ keys: {} });
    expect(eegModelInfo({ producer: 'x' })).toEqual({ keys: {} });
  });

  it('accepts what MNE/braindecode users write: aliases, JSON arrays, Python list literals, "Hz"; xai.* first', () => {
    expect(eegModelInfo({ ch_names: "['Fz', 'Cz']", sfreq: '250.0 Hz', class_names: '["a", "b"]' })).toMatchObject({
      channels: ['Fz', 'Cz'], sfreq: 250, classes: ['a', 'b'], keys: { channels: 'ch_names', sfreq: 'sfreq', classes: 'class_names' },
    });
    expect(eegModelInfo({ channels: 'A,B', 'xai.channels': 'C,D' }).channels).toEqual(['C', 'D']);
    expect(parseNameList('')).toEqual([]);
    expect(parseUnit('µV')).toBe('uV');
    expect(parseUnit('volts')).toBe('V');
    expect(parseUnit('mV')).toBe('mV');
    expect(parseUnit('MV')).toBeNull();
    expect(metadataClassNames({ labels: 'no,yes' })).toEqual(['no', 'yes']);
    expect(metadataClassNames({})).toBeUndefined();
  });

  it('refuses values it cannot read, naming the key', () => {
    expect(() => eegModelInfo({ 'xai.sfreq': 'fast' }, 'm.onnx')).toThrow(`m.onnx: metadata 'xai.sfreq' = "fast": expected a sampling rate in Hz (a positive number)`);
    expect(() => eegModelInfo({ fs: '-1' })).toThrow(/metadata 'fs' = "-1"/);
    expect(() => eegModelInfo({ 'xai.unit': 'furlongs' })).toThrow(/metadata 'xai.unit' = "furlongs": expected one of uV, mV, V/);
    expect(() => eegModelInfo({ 'xai.channels': 'Fz,,Cz' })).toThrow(/expected comma-separated channel names/);
    expect(() => eegModelInfo({ 'xai.channels': 'Fz,Cz,fz' })).toThrow(/channel fz listed twice/);
  });
});

describe('channel matching by name', () => {
  it('ignores case, the EEG prefix and reference suffixes; old temporal names; bipolar pairs stay pairs', () => {
    expect(channelKey('EEG FP1-REF')).toBe('fp1');
    expect(channelKey('EEG Fz-LE')).toBe('fz');
    expect(channelKey('Fp1-F7')).toBe('fp1-f7');
    const rec = recording('EEG FP1-REF', 'EEG T3-LE', 'Fp1-F7', 'EEG Cz', 'ECG');
    const { channels, missing } = matchChannels(rec, ['Cz', 'fp1', 'T7', 'Fp1-F7', 'O1']);
    expect(channels.map((c) => c?.label ?? null)).toEqual(['EEG Cz', 'EEG FP1-REF', 'EEG T3-LE', 'Fp1-F7', null]);
    expect(missing).toEqual(['O1']);
  });

  it('prefers the exact label and uses each channel once', () => {
    const rec = recording('Fz-REF', 'Fz', 'Cz');
    expect(matchChannels(rec, ['fz-ref', 'Fz']).channels.map((c) => c!.label)).toEqual(['Fz-REF', 'Fz']);
    expect(matchChannels(rec, ['Fz', 'Fz']).channels.map((c) => c?.label ?? null)).toEqual(['Fz', 'Fz-REF']);
  });
});
