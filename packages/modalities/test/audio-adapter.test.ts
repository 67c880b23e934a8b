/** The audio adapter on synthetic recordings: representation choice, time base, artefacts. */
import { decode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '@xai/core';
import { adapterByName, adapterForFiles, audioAdapter, writeWav, type RelevanceOf } from '../src/index.js';

const RATE = 16000;
/** 0.5 s stereo at 16 kHz: a 1500 Hz burst from 0.2 s to 0.3 s, faint noise elsewhere. */
function burstFile(name = 'burst.wav') {
  const n = RATE / 2;
  const left = new Float32Array(n);
  let seed = 1;
  for (let i = 0; i < n; i++) {
    seed = (seed * 16807) % 2147483647;
    const t = i / RATE;
    left[i] = (t >= 0.2 && t < 0.3 ? 0.6 * Math.sin(2 * Math.PI * 1500 * t) : 0) + 1e-4 * (seed / 2147483647 - 0.5);
  }
  return { name, bytes: writeWav([left, left], RATE, '16') };
}

const SPEC = [{ shape: [227, 227, 1], dtype: 'float32' as const }];
const WAVE = [{ shape: [8000, 1], dtype: 'float32' as const }];

/** Pixel (x, y) of a decoded RGBA/RGB PNG. */
function pixel(png: ReturnType<typeof decode>, x: number, y: number): number[] {
  const c = png.channels;
  const p = (y * png.width + x) * c;
  return Array.from(png.data.slice(p, p + 3) as ArrayLike<number>);
}

describe('audio adapter', () => {
  it('is registered by name and for .wav files', () => {
    expect(adapterByName('audio')).toBe(audioAdapter);
    expect(adapterForFiles([{ name: 'Digit.WAV', bytes: new Uint8Array() }])).toBe(audioAdapter);
  });

  it("picks the representation from the model's input shape and names mismatches", async () => {
    const file = burstFile();
    expect((await audioAdapter.decode([file])).metadata.representation).toBe('spectrogram');
    expect((await audioAdapter.decode([file], {}, SPEC)).samples[0]!.shape).toEqual([227, 227, 1]);
    expect((await audioAdapter.decode([file], {}, WAVE)).samples[0]!.shape).toEqual([8000, 1]);
    expect((await audioAdapter.decode([file], {}, [{ shape: [6000, 1], dtype: 'float32' }])).samples[0]!.shape).toEqual([6000, 1]);
    await expect(audioAdapter.decode([file], {}, [{ shape: [28, 28, 1], dtype: 'float32' }])).rejects.toThrow(/burst\.wav: audio models take .* this model expects \[28, 28, 1\]/);
    await expect(audioAdapter.decode([file], { representation: 'waveform' }, SPEC)).rejects.toThrow(/burst\.wav: representation 'waveform'/);
    await expect(audioAdapter.decode([file], { placement: 'left' })).rejects.toThrow(InvalidArgumentError);
    await expect(audioAdapter.decode([file], { offset: 9000 })).rejects.toThrow(/burst\.wav: offset 9000 puts the whole recording outside/);
  });

  it('spectrogram: resampled to 8 kHz, centred (offset in metadata), axes in Hz and in seconds of the recording', async () => {
    const decoded = await audioAdapter.decode([burstFile()], {}, SPEC);
    expect(decoded.metadata).toMatchObject({
      file: 'burst.wav', sampleRate: 16000, channels: 2, bitsPerSample: 16, duration: 0.5, representation: 'spectrogram',
      modelSampleRate: 8000, windowSamples: 8000, offsetSamples: 2000, offsetSeconds: 0.25, croppedSamples: 0,
    });
    const [freq, time] = decoded.axes;
    expect(freq).toMatchObject({ name: 'frequency', unit: 'Hz', start: 0 });
    expect(freq!.step).toBeCloseTo(8000 / 455, 12);
    expect(time).toMatchObject({ name: 'time', unit: 's', start: 0.00875 - 0.25 });
    expect(time!.step).toBeCloseTo(35 / 8000, 12);
    // the burst: loudest bin at 1500 Hz, loud frames at 0.2 … 0.3 s of the recording (± half a window)
    const values = decoded.samples[0]!.values;
    let best = 0;
    for (let i = 0; i < values.length; i++) if (values[i]! > values[best]!) best = i;
    expect(Math.abs(Math.floor(best / 227) * freq!.step! - 1500)).toBeLessThan(freq!.step! / 2);
    const loud: number[] = [];
    for (let j = 0; j < 227; j++) if (values[85 * 227 + j]! > 0.75) loud.push(time!.start! + j * time!.step!);
    expect(Math.min(...loud)).toBeGreaterThan(0.2 - 0.03);
    expect(Math.min(...loud)).toBeLessThan(0.2 + 0.01);
    expect(Math.max(...loud)).toBeLessThan(0.3 + 0.03);
    expect(Math.max(...loud)).toBeGreaterThan(0.3 - 0.01);
  });

  it('waveform: time axis in seconds of the recording, peak-scaled', async () => {
    const decoded = await audioAdapter.decode([burstFile()], {}, WAVE);
    const [time] = decoded.axes;
    expect(time).toMatchObject({ name: 'time', unit: 's', start: -0.25, step: 1 / 8000 });
    const values = decoded.samples[0]!.values;
    const loud = [...values.keys()].filter((i) => Math.abs(values[i]!) > 0.5).map((i) => time!.start! + i * time!.step!);
    expect(Math.min(...loud)).toBeGreaterThanOrEqual(0.2 - 0.001);
    expect(Math.max(...loud)).toBeLessThan(0.3 + 0.001);
    expect(Math.max(...values.map(Math.abs))).toBeCloseTo(1, 5);
  });

  it('artefacts: heatmap with axes and colour bar, tinted waveform, relevance per time window of the recording, JSON', async () => {
    const decoded = await audioAdapter.decode([burstFile()], {}, SPEC);
    const time = decoded.axes[1]!;
    // relevance +1 on the 1500 Hz bin during the burst, −0.5 on one frame in the padding before it
    const values = new Float32Array(227 * 227);
    const burstFrames: number[] = [];
    for (let j = 0; j < 227; j++) {
      const t = time.start! + j * time.step!;
      if (t >= 0.22 && t < 0.28) {
        values[85 * 227 + j] = 1;
        burstFrames.push(j);
      }
    }
    const paddingFrame = 10; // at −0.197 s
    values[40 * 227 + paddingFrame] = -0.5;
    const relevance: RelevanceOf = { relevances: [{ values, shape: [227, 227, 1] }], method: 'lrp', target: 3, targetName: 'three', logits: [0, 0, 0, 5] };
    const artefacts = await audioAdapter.artefacts(decoded, relevance, { windowSeconds: 0.05 });
    expect(artefacts.map((a) => a.name)).toEqual(['relevance-spectrogram.png', 'waveform.png', 'relevance-time.csv', 'relevance-time.json', 'audio-view.json', 'relevance.json']);

    const heat = decode(artefacts[0]!.bytes);
    // plot area: 454 × 454 (2 px per bin and frame) at (62, 30), frequency upwards
    expect(heat.width).toBeGreaterThan(62 + 454 + 14);
    expect(heat.height).toBeGreaterThan(30 + 454 + 20);
    const at = (bin: number, frame: number) => pixel(heat, 62 + 2 * frame, 30 + 2 * (226 - bin));
    expect(at(85, burstFrames[3]!)).toEqual([255, 0, 0]); // +max: red
    expect(at(40, paddingFrame)).toEqual([127, 127, 255]); // −half: half-way to blue (bwr palette)
    expect(at(150, 100)).toEqual([255, 255, 255]); // zero: white
    expect(pixel(heat, 32, 30 + 2 * (226 - 57))).toEqual([0, 0, 0]); // the "1000" tick label at 1000 Hz (bin 57) is drawn
    const colours = new Set<string>();
    for (let y = 0; y < heat.height; y += 3) for (let x = 0; x < heat.width; x += 3) colours.add(pixel(heat, x, y).join());
    expect(colours.size).toBeGreaterThan(20); // colour bar, labels, map: not blank

    const wave = decode(artefacts[1]!.bytes);
    expect(wave.width).toBe(44 + 908 + 12);
    // the column at window time 0.5 s (recording 0.25 s, in the burst) is tinted red
    const column = 44 + Math.round(0.5 * 908);
    const tints = Array.from({ length: 200 }, (_, y) => pixel(wave, column, 30 + y));
    expect(tints.some(([r, g, b]) => r === 255 && g! < 64 && b! < 64)).toBe(true);
    expect(Array.from({ length: 200 }, (_, y) => pixel(wave, 44 + 100, 30 + y)).some(([r, g, b]) => r === 255 && g === 255 && b === 255)).toBe(true); // silence: white

    const csv = new TextDecoder().decode(artefacts[2]!.bytes).trim().split('\n');
    expect(csv[0]).toBe('start_s,end_s,start_sample,end_sample,relevance,abs_relevance,seen');
    expect(csv).toHaveLength(1 + 10); // 0.5 s in 0.05 s windows
    const rows = csv.slice(1).map((line) => line.split(',').map(Number));
    expect(rows[4]!.slice(0, 4)).toEqual([0.2, 0.25, 3200, 4000]); // samples of the 16 kHz file
    const total = rows.reduce((a, r) => a + r[4]!, 0);
    expect(total).toBeCloseTo(burstFrames.length, 4);
    rows.forEach((r) => expect(r[4] === 0 || (r[0]! >= 0.2 - 0.01 && r[1]! <= 0.3 + 0.01)).toBe(true));

    const timeJson = JSON.parse(new TextDecoder().decode(artefacts[3]!.bytes));
    expect(timeJson).toMatchObject({ format: 'xai-audio-time-relevance', file: 'burst.wav', sampleRate: 16000, duration: 0.5, offsetSeconds: 0.25, windowSeconds: 0.05 });
    expect(timeJson.padding.before.relevance).toBeCloseTo(-0.5, 6);
    expect(timeJson.padding.after.absRelevance).toBe(0);

    const json = JSON.parse(new TextDecoder().decode(artefacts.find((a) => a.name === 'relevance.json')!.bytes));
    expect(json).toMatchObject({ format: 'xai-relevance', method: 'lrp', target: 3, targetName: 'three', shape: [227, 227, 1], modality: 'audio', representation: 'spectrogram', offsetSamples: 2000 });
    expect(json.axes[0]).toMatchObject({ name: 'frequency', unit: 'Hz' });

    await expect(audioAdapter.artefacts(decoded, relevance, { colour: 'red' })).rejects.toThrow(/unknown option 'colour'/);
    await expect(audioAdapter.artefacts(decoded, { ...relevance, relevances: [{ values: new Float32Array(10), shape: [10] }] })).rejects.toThrow(/relevance has 10 values/);
  });

  it('waveform relevance maps sample by sample to the recording; previews are PNGs', async () => {
    const decoded = await audioAdapter.decode([burstFile()], {}, WAVE);
    const values = new Float32Array(8000);
    values[2000 + 1600] = 2; // recording sample 1600 at 8 kHz = 0.2 s
    values[100] = 1; // padding before
    const artefacts = await audioAdapter.artefacts(decoded, { relevances: [{ values, shape: [8000, 1] }], method: 'gradient', target: 1 });
    expect(artefacts.map((a) => a.name)).toEqual(['waveform.png', 'relevance-time.csv', 'relevance-time.json', 'audio-view.json', 'relevance.json']);
    const rows = new TextDecoder().decode(artefacts[1]!.bytes).trim().split('\n').slice(1).map((l) => l.split(',').map(Number));
    expect(rows).toHaveLength(25);
    expect(rows.filter((r) => r[4] !== 0)).toEqual([[0.2, 0.22, 3200, 3520, 2, 2, 1]]);
    const preview = decode((await audioAdapter.preview(decoded)).bytes);
    expect(preview.width).toBe(964);
    const spectrogramPreview = await audioAdapter.preview(await audioAdapter.decode([burstFile()], {}, SPEC));
    expect(spectrogramPreview.name).toBe('spectrogram.png');
    expect(decode(spectrogramPreview.bytes).height).toBeGreaterThan(454);
  });
});
