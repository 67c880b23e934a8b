/** The EEG views render real pictures: PNGs that decode, have the expected size and are not blank; montage geometry. */
import { decode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { biharmonicSpline } from '../src/eeg/biharmonic-spline.js';
import { electrodePosition, projectElectrode } from '../src/eeg/montage.js';
import { EEG_BANDS } from '../src/eeg/spectral.js';
import { renderBandTable, renderChannelBars } from '../src/eeg/views/channel-bands.js';
import { renderChannelTime } from '../src/eeg/views/channel-time.js';
import { renderTopomaps } from '../src/eeg/views/topomap.js';
import { renderTraces } from '../src/eeg/views/traces.js';

const CHANNELS = ['Fp1', 'Fp2', 'F3', 'Fz', 'F4', 'C3', 'Cz', 'C4', 'P3', 'Pz', 'P4', 'O1', 'O2', 'EOG'];
const T = 128;
const values = Float32Array.from({ length: CHANNELS.length * T }, (_, i) => Math.sin(i / 17) * (Math.floor(i / T) === 9 ? 5 : 1));

/** Decoded PNG and the number of distinct colours in it. */
function inspect(png: Uint8Array) {
  const image = decode(png);
  const colours = new Set<number>();
  const ch = image.channels;
  for (let p = 0; p < image.width * image.height; p++) colours.add((image.data[p * ch]! << 16) | (image.data[p * ch + 1]! << 8) | image.data[p * ch + 2]!);
  const at = (x: number, y: number) => Array.from(image.data.subarray((y * image.width + x) * ch, (y * image.width + x) * ch + 3));
  return { width: image.width, height: image.height, colours: colours.size, at };
}

describe('EEG views', () => {
  it('channel × time map: heatmap rows, annotation markers, axis and colour bar', () => {
    const png = renderChannelTime({
      values, channels: CHANNELS, sampleRate: 128, tmin: -0.2, title: 'relevance (lrp)', unit: 'R',
      annotations: [{ onset: 0, duration: 0, description: 'stimulus/target' }, { onset: 0.3, duration: 0.2, description: 'ERP window' }, { onset: 5, duration: 0, description: 'outside' }],
    });
    const v = inspect(png);
    expect(v.width).toBeGreaterThan(400);
    expect(v.height).toBeGreaterThan(CHANNELS.length * 6);
    expect(v.colours).toBeGreaterThan(50);
  });

  it('topographies: interpolated head with outline; values at electrodes reproduced by the spline', () => {
    const png = renderTopomaps([
      { title: 'early', values: CHANNELS.map((c) => (c === 'Pz' ? 1 : 0)) },
      { title: 'late', values: CHANNELS.map((c) => (c === 'Fz' ? -1 : 0)) },
    ], CHANNELS, { title: 'relevance', unit: 'R' });
    const v = inspect(png);
    expect(v.width).toBe(2 * 200);
    expect(v.colours).toBeGreaterThan(30);
    // Pz (0, −0.4) is red in the first map, Fz (0, 0.4) blue in the second: head radius 80 px, centre (100, 18 + 14 + 88).
    const [r1, , b1] = v.at(108, 120 + 30); // beside the electrode dot
    expect(r1).toBeGreaterThan(200);
    expect(b1).toBeLessThan(60);
    const [r2, , b2] = v.at(308, 120 - 34);
    expect(b2).toBeGreaterThan(200);
    expect(r2).toBeLessThan(60);
    const f = biharmonicSpline([[0, 0], [1, 0], [0, 1], [-1, -1]], [1, 2, 3, 4]);
    expect(f(1, 0)).toBeCloseTo(2, 9);
    expect(f(-1, -1)).toBeCloseTo(4, 9);
    expect(() => renderTopomaps([{ title: 'x', values: [1, 2] }], ['EOG', 'ECG'])).toThrow(/at least 3 channels with standard 10-20\/10-10 positions, got 0/);
  });

  it('channel bars, band table and traces render', () => {
    const sums = CHANNELS.map((_, c) => (c === 9 ? 3 : c % 3 === 0 ? -0.5 : 0.2));
    expect(inspect(renderChannelBars(CHANNELS, sums, sums.map(Math.abs), { title: 'per channel' })).colours).toBeGreaterThan(5);
    const bands = Float64Array.from({ length: CHANNELS.length * EEG_BANDS.length }, (_, i) => Math.cos(i));
    expect(inspect(renderBandTable(CHANNELS, EEG_BANDS, bands, { title: 'bands' })).colours).toBeGreaterThan(20);
    const traces = inspect(renderTraces({ values, channels: CHANNELS, sampleRate: 128, tmin: 0, unit: 'µV', annotations: [{ onset: 0.5, duration: 0, description: 'S 1' }] }));
    expect(traces.colours).toBeGreaterThanOrEqual(4); // background, text, grid, trace
  });
});

describe('10-20 / 10-10 montage', () => {
  const xy = (name: string) => projectElectrode(electrodePosition(name)!.xyz);
  it('places the midline, the 10 % ring and mirrors left and right', () => {
    expect(xy('Cz')).toEqual([0, 0]);
    expect(xy('Fz')[1]).toBeCloseTo(0.4, 12);
    expect(xy('Oz')[1]).toBeCloseTo(-0.8, 12);
    expect(xy('T7')[0]).toBeCloseTo(-0.8, 12);
    expect(xy('T9')[0]).toBeCloseTo(-1, 12);
    for (const [l, r] of [['Fp1', 'Fp2'], ['F3', 'F4'], ['C5', 'C6'], ['P7', 'P8'], ['PO3', 'PO4'], ['CP1', 'CP2']]) {
      expect(xy(l!)[0]).toBeCloseTo(-xy(r!)[0], 12);
      expect(xy(l!)[1]).toBeCloseTo(xy(r!)[1], 12);
    }
    expect(xy('C3')).toEqual([expect.closeTo(-0.4, 12), expect.closeTo(0, 12)]);
    // F3 lies between F7 and Fz on its row
    expect(xy('F3')[0]).toBeGreaterThan(xy('F7')[0]);
    expect(xy('F3')[0]).toBeLessThan(0);
  });
  it('understands labels as files write them, and old names', () => {
    expect(electrodePosition('EEG Fp1-Ref')?.name).toBe('Fp1');
    expect(electrodePosition('FP1')?.name).toBe('Fp1');
    expect(electrodePosition('T3')?.name).toBe('T7');
    expect(electrodePosition('EOG')).toBeNull();
  });
});
