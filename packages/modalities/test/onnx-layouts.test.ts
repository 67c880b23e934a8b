/**
 * The adapters on ONNX models (channels-first): small models built here with core's ONNX test
 * builder; samples must come in the model's layout, relevance read back in it must equal core's
 * `explain` on the hand-built tensor, EEG channels are mapped by name from the model's metadata
 * (reordered, resampled, missing ones named), stated layouts override learned ones, and layouts
 * that cannot fit are errors.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeInput, encodePng, explain, initBackend, loadModel, type XaiModel } from '@xai/core';
import { buildModel, node, tensor, valueInfo, type Dim } from '../../core/test/onnx/build-onnx.js';
import {
  audioAdapter, EEG_DEMO_DIR, EEG_RESAMPLING, eegAdapter, explainInput, fmriAdapter, imageAdapter, modelInputSpecs, readEdfBytes, readNifti, resample, videoAdapter,
  type Artefact, type EegInternal, type InputFile, type ModalityAdapter,
} from '../src/index.js';

const FIXTURES = join(import.meta.dirname, '..', '..', '..', '..', 'shared', 'fixtures');
const file = (path: string): InputFile => ({ name: path.split('/').pop()!, bytes: new Uint8Array(readFileSync(path)) });
const demoEdf = file(join(EEG_DEMO_DIR, 'demo-recording.edf'));
const fixtureEdf = file(join(FIXTURES, 'eeg', 'recording.edf'));

/** Deterministic weights of both signs. */
const weights = (dims: readonly number[], scale: number, phase = 0.3) =>
  Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(i * 1.7 + phase) * scale);

/** A conv net over a channels-first input of `inputDims` (batch axis free): Conv → Relu → Flatten → Gemm to 2 classes. */
function convNet(inputDims: readonly Dim[], kernel: readonly number[], pads: readonly number[], flat: number, metadata?: Record<string, string>): Uint8Array {
  return buildModel({
    inputs: [valueInfo('input', 'float32', ['N', ...inputDims])],
    outputs: [valueInfo('logits', 'float32', ['N', 2])],
    nodes: [
      node('Conv', ['input', 'W', 'B'], ['c'], { kernel_shape: kernel.slice(2), pads }, 'conv'),
      node('Relu', ['c'], ['r'], {}, 'relu'),
      node('Flatten', ['r'], ['f'], { axis: 1 }, 'flatten'),
      node('Gemm', ['f', 'G', 'C'], ['logits'], { transB: 1 }, 'fc'),
    ],
    initializers: [
      tensor('W', 'float32', kernel, weights(kernel, 0.3)),
      tensor('B', 'float32', [kernel[0]!], weights([kernel[0]!], 0.05, 1)),
      tensor('G', 'float32', [2, flat], weights([2, flat], 0.1, 2)),
      tensor('C', 'float32', [2], [0.02, -0.01]),
    ],
    ...(metadata ? { metadata } : {}),
  });
}

/** A model that only flattens its input into a Gemm: any layout reading of its shape is valid. */
function flatNet(inputDims: readonly number[]): Uint8Array {
  const flat = inputDims.reduce((a, b) => a * b, 1);
  return buildModel({
    inputs: [valueInfo('input', 'float32', ['N', ...inputDims])],
    outputs: [valueInfo('logits', 'float32', ['N', 2])],
    nodes: [node('Flatten', ['input'], ['f'], { axis: 1 }, 'flatten'), node('Gemm', ['f', 'G', 'C'], ['logits'], { transB: 1 }, 'fc')],
    initializers: [tensor('G', 'float32', [2, flat], weights([2, flat], 0.1)), tensor('C', 'float32', [2], [0, 0])],
  });
}

const LRP = { method: 'lrp', composite: 'epsilon_plus' } as const;

/** The relevance.json artefact: values and shape as the adapter hands them out. */
function relevanceOf(artefacts: readonly Artefact[]): { values: number[]; shape: number[]; layout?: string; targetName?: string } {
  const json = artefacts.find((a) => a.name === 'relevance.json');
  expect(json).toBeDefined();
  return JSON.parse(new TextDecoder().decode(json!.bytes));
}

/** Relevance of `explain` on the hand-built batch-of-one tensor, flat. */
async function directRelevance(model: XaiModel, values: Float32Array, shape: readonly number[], target: number): Promise<Float32Array> {
  const x = tf.tensor(values, [1, ...shape]);
  const result = await explain(model, x, { ...LRP, target });
  const out = result.relevance.dataSync() as Float32Array;
  expect(result.relevance.shape).toEqual([1, ...shape]);
  result.dispose();
  x.dispose();
  return Float32Array.from(out);
}

/** Largest difference relative to the largest value. */
function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let scale = 0;
  let diff = 0;
  for (let i = 0; i < a.length; i++) {
    scale = Math.max(scale, Math.abs(b[i]!));
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
  }
  return diff / (scale || 1);
}

/** explainInput's relevance (in the model's layout) against explain() on the hand-built tensor. */
async function roundTrip(model: XaiModel, adapter: ModalityAdapter, files: InputFile[], decodeOptions: Record<string, unknown>, handBuilt: Float32Array, shape: readonly number[], renderOptions: Record<string, unknown> = {}) {
  const explained = await explainInput(model, adapter, files, { ...LRP, decodeOptions, renderOptions });
  const given = relevanceOf(explained.artefacts);
  expect(given.shape).toEqual([...shape]);
  const direct = await directRelevance(model, handBuilt, shape, explained.target);
  return { explained, given, error: relativeError(given.values, direct) };
}

beforeAll(async () => {
  await initBackend();
});

describe('images on an NCHW model', () => {
  // A 5 × 6 RGB PNG whose channels all differ.
  const [H, W] = [6, 5];
  const rgba = Uint8Array.from({ length: H * W * 4 }, (_, i) => (i % 4 === 3 ? 255 : (i * 37 + Math.floor(i / 4) * 11) % 256));
  const png: InputFile = { name: 'small.png', bytes: encodePng({ rgba, width: W, height: H }) };
  const hwc = decodeInput(png.bytes, png.name).values;
  const chw = new Float32Array(3 * H * W);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) for (let c = 0; c < 3; c++) chw[c * H * W + y * W + x] = hwc[(y * W + x) * 3 + c]!;

  it('decodes to [3, H, W], and relevance in NCHW equals explain() on the hand-built tensor; the views match the channels-last ones', async () => {
    const model = await loadModel(convNet([3, H, W], [4, 3, 3, 3], [1, 1, 1, 1], 4 * H * W), { label: 'cnn.onnx' });
    try {
      const specs = modelInputSpecs(model);
      expect(specs).toEqual([{ shape: [3, H, W], dtype: 'float32', layout: 'channels-first' }]);
      const decoded = await imageAdapter.decode([png], {}, specs);
      expect(decoded.samples[0]!.shape).toEqual([3, H, W]);
      expect(decoded.samples[0]!.layout).toBe('channels-first');
      expect(Array.from(decoded.samples[0]!.values)).toEqual(Array.from(chw));
      expect(decoded.axes.map((a) => a.name)).toEqual(['channel', 'y', 'x']);

      const { explained, given, error } = await roundTrip(model, imageAdapter, [png], {}, chw, [3, H, W]);
      expect(error).toBeLessThan(1e-6);
      expect(given.layout).toBe('channels-first');
      // The heatmap and overlay are those of the same relevance handed over channels-last.
      const hwcRelevance = new Float32Array(3 * H * W);
      for (let c = 0; c < 3; c++) for (let p = 0; p < H * W; p++) hwcRelevance[p * 3 + c] = given.values[c * H * W + p]!;
      const plain = await imageAdapter.decode([png]);
      const reference = await imageAdapter.artefacts(plain, { relevances: [{ values: hwcRelevance, shape: [H, W, 3] }], method: 'lrp', target: explained.target });
      for (const name of ['heatmap.png', 'overlay.png']) {
        expect(explained.artefacts.find((a) => a.name === name)!.bytes).toEqual(reference.find((a) => a.name === name)!.bytes);
      }
      const preview = await imageAdapter.preview(decoded);
      expect(preview.bytes).toEqual((await imageAdapter.preview(plain)).bytes);
    } finally {
      model.dispose();
    }
  });

  it('learns channels-last from an ONNX input that kept NHWC (tf2onnx), and refuses a stated layout that cannot hold an image', async () => {
    const model = await loadModel(flatNet([H, W, 3]), { label: 'nhwc.onnx' });
    try {
      const specs = modelInputSpecs(model);
      expect(specs[0]!.layout).toBe('channels-first'); // what the format says …
      const decoded = await imageAdapter.decode([png], {}, specs);
      expect(decoded.samples[0]!.layout).toBe('channels-last'); // … and what the shape says
      expect(Array.from(decoded.samples[0]!.values)).toEqual(Array.from(hwc));
      await expect(imageAdapter.decode([png], { layout: 'channels-first' }, specs)).rejects.toThrow(
        /small\.png: layout 'channels-first' reads the model input \[6, 5, 3\] as having 6 channels; images give 1 \(grey\) or 3 \(RGB\) channels \(the model looks channels-last/,
      );
    } finally {
      model.dispose();
    }
  });

  it('takes a stated layout over the learned one where both readings fit', async () => {
    // [3, 4, 3]: channels-first reads 3 × 4 × 3 (C, H, W), channels-last 3 × 4 × 3 (H, W, C).
    const model = await loadModel(flatNet([3, 4, 3]), { label: 'square.onnx' });
    try {
      const specs = modelInputSpecs(model);
      const tall = { name: 'tall.png', bytes: encodePng({ rgba: rgba.slice(0, 4 * 3 * 4), width: 3, height: 4 }) };
      const wide = { name: 'wide.png', bytes: encodePng({ rgba: rgba.slice(0, 4 * 3 * 4), width: 4, height: 3 }) };
      const learned = await imageAdapter.decode([tall], {}, specs);
      expect(learned.samples[0]!.layout).toBe('channels-first');
      const stated = await imageAdapter.decode([wide], { layout: 'channels-last' }, specs);
      expect(stated.samples[0]!.layout).toBe('channels-last');
      expect(stated.samples[0]!.shape).toEqual([3, 4, 3]);
      expect(Array.from(stated.samples[0]!.values)).toEqual(Array.from(decodeInput(wide.bytes, wide.name).values));
      await expect(imageAdapter.decode([wide], {}, specs)).rejects.toThrow(/wide\.png: input has shape \[3, 4, 3\] but the model expects \[4, 3, 3\]/);
    } finally {
      model.dispose();
    }
  });
});

describe('EEG on ONNX models', () => {
  const CHANNELS = ['Pz', 'Fz', 'Cz', 'Oz', 'C3', 'T3']; // T3: the old name of the recording's T7
  const [C, T, RATE] = [CHANNELS.length, 64, 128];
  /** EEGNet-like: temporal conv (1 × 5) → spatial conv (C × 1) → Flatten → Gemm, input [N, 1, C, T]. */
  function eegNet(metadata: Record<string, string>, channels = C): Uint8Array {
    return buildModel({
      inputs: [valueInfo('input', 'float32', ['N', 1, channels, T])],
      outputs: [valueInfo('logits', 'float32', ['N', 2])],
      nodes: [
        node('Conv', ['input', 'W1'], ['t'], { kernel_shape: [1, 5], pads: [0, 2, 0, 2] }, 'temporal'),
        node('Conv', ['t', 'W2', 'B2'], ['s'], { kernel_shape: [channels, 1] }, 'spatial'),
        node('Relu', ['s'], ['r'], {}, 'relu'),
        node('Flatten', ['r'], ['f'], { axis: 1 }, 'flatten'),
        node('Gemm', ['f', 'G', 'C'], ['logits'], { transB: 1 }, 'fc'),
      ],
      initializers: [
        tensor('W1', 'float32', [3, 1, 1, 5], weights([3, 1, 1, 5], 0.4)),
        tensor('W2', 'float32', [2, 3, channels, 1], weights([2, 3, channels, 1], 0.3, 1)),
        tensor('B2', 'float32', [2], [0.1, -0.1]),
        tensor('G', 'float32', [2, 2 * T], weights([2, 2 * T], 0.05, 2)),
        tensor('C', 'float32', [2], [0, 0]),
      ],
      metadata,
    });
  }
  const METADATA = { 'xai.channels': CHANNELS.join(','), 'xai.sfreq': String(RATE), 'xai.classes': 'standard,target' };

  /** Rows of the recording's channels, each resampled whole to `rate` with the EEG resampler, from second `start`. */
  function handBuilt(edf: InputFile, labels: readonly string[], rate: number, start: number, samples: number, factor = 1): Float32Array {
    const rec = readEdfBytes(edf.name, edf.bytes);
    const out = new Float32Array(labels.length * samples);
    labels.forEach((label, c) => {
      const channel = rec.channels.find((ch) => ch.label === label)!;
      const row = resample(channel.samples, channel.sampleRate, rate, EEG_RESAMPLING);
      for (let j = 0; j < samples; j++) out[c * samples + j] = row[Math.round(start * rate) + j]! * factor;
    });
    return out;
  }
  const recordingLabels = ['EEG Pz', 'EEG Fz', 'EEG Cz', 'EEG Oz', 'EEG C3', 'EEG T7'];

  it('[1, C, T] with metadata_props: channels mapped by name and reordered, resampled to xai.sfreq; relevance equals explain() on the hand-built tensor', async () => {
    const model = await loadModel(eegNet(METADATA), { label: 'eegnet.onnx' });
    try {
      const specs = modelInputSpecs(model);
      expect(specs[0]).toMatchObject({ shape: [1, C, T], layout: 'channels-first', metadata: METADATA });
      const decoded = await eegAdapter.decode([demoEdf], { start: 10 }, specs);
      expect(decoded.samples[0]!.shape).toEqual([1, C, T]);
      expect(decoded.samples[0]!.layout).toBe('channels-first');
      expect(decoded.axes.map((a) => a.name)).toEqual(['feature', 'channel', 'time']);
      expect(decoded.metadata).toMatchObject({
        layout: '1-channels-time', sampleRate: RATE, samples: T, preprocessing: { resampled: true },
        channelMapping: CHANNELS.map((model, c) => ({ model, recording: recordingLabels[c], sampleRate: 256 })),
        sources: { channels: 'metadata xai.channels', sampleRate: 'metadata xai.sfreq' },
      });
      const expected = handBuilt(demoEdf, recordingLabels, RATE, 10, T);
      expect(relativeError(decoded.samples[0]!.values, expected)).toBeLessThan(1e-5);

      const { given, error } = await roundTrip(model, eegAdapter, [demoEdf], { start: 10 }, expected, [1, C, T]);
      expect(error).toBeLessThan(1e-4);
      expect(given.layout).toBe('1-channels-time');
      expect(['standard', 'target']).toContain(given.targetName); // class names from xai.classes
    } finally {
      model.dispose();
    }
  });

  it('feeds the unit the model was trained on (xai.unit V: volts), views stay in µV', async () => {
    const model = await loadModel(eegNet({ ...METADATA, 'xai.unit': 'V' }), { label: 'volts.onnx' });
    try {
      const decoded = await eegAdapter.decode([demoEdf], { start: 10 }, modelInputSpecs(model));
      const microvolts = handBuilt(demoEdf, recordingLabels, RATE, 10, T);
      expect(relativeError(decoded.samples[0]!.values, microvolts.map((v) => v * 1e-6))).toBeLessThan(1e-5);
      expect(relativeError((decoded.internal as EegInternal).epoch.data, microvolts)).toBeLessThan(1e-5);
      expect(decoded.metadata).toMatchObject({ modelUnit: 'V', sources: { unit: 'metadata xai.unit' } });
    } finally {
      model.dispose();
    }
  });

  it('[C, T] (Conv1d) without metadata: channels and rate from the options, names matched forgivingly', async () => {
    const model = await loadModel(convNet([4, 128], [3, 4, 5], [2, 2], 3 * 128), { label: 'conv1d.onnx' });
    try {
      const specs = modelInputSpecs(model);
      const options = { channels: ['oz', 'EEG Cz', 'Fz-REF', 'PZ'], sampleRate: 128, start: 2 };
      const decoded = await eegAdapter.decode([fixtureEdf], options, specs);
      expect(decoded.samples[0]!.shape).toEqual([4, 128]);
      expect(decoded.metadata).toMatchObject({ layout: 'channels-time', channels: ['Oz', 'Cz', 'Fz', 'Pz'], sources: { channels: 'option', sampleRate: 'option' } });
      const expected = handBuilt(fixtureEdf, ['Oz', 'Cz', 'Fz', 'Pz'], 128, 2, 128);
      expect(relativeError(decoded.samples[0]!.values, expected)).toBeLessThan(1e-5);
      const { error } = await roundTrip(model, eegAdapter, [fixtureEdf], options, expected, [4, 128]);
      expect(error).toBeLessThan(1e-4);
    } finally {
      model.dispose();
    }
  });

  it('names every channel the recording lacks', async () => {
    const model = await loadModel(eegNet({ 'xai.channels': 'Fz,Cz,Pz,Oz,C3,C4', 'xai.sfreq': '128' }), { label: 'six.onnx' });
    try {
      await expect(eegAdapter.decode([fixtureEdf], { start: 1 }, modelInputSpecs(model))).rejects.toThrow(
        "recording.edf: the model needs 6 channels, the recording has 5: Fz, Cz, Pz, Oz, EOG; missing: C3, C4 (names match ignoring case, an 'EEG ' prefix",
      );
    } finally {
      model.dispose();
    }
  });

  it('refuses layouts and metadata that contradict the model input', async () => {
    const model = await loadModel(eegNet(METADATA), { label: 'eegnet.onnx' });
    const wrongCount = await loadModel(eegNet({ 'xai.channels': 'Fz,Cz,Pz,Oz,C3' }), { label: 'five.onnx' });
    try {
      const specs = modelInputSpecs(model);
      await expect(eegAdapter.decode([demoEdf], { start: 10, layout: 'channels-time-1' }, specs)).rejects.toThrow(
        "demo-recording.edf: layout 'channels-time-1' does not fit the model: it puts a feature axis of size 1 where the model input [1, 6, 64] has 64; layout '1-channels-time' would",
      );
      await expect(eegAdapter.decode([demoEdf], { start: 10, layout: 'channels-time' }, specs)).rejects.toThrow(/layout 'channels-time' does not fit the model: it has rank 2, the model input \[1, 6, 64\] rank 3/);
      await expect(eegAdapter.decode([demoEdf], { start: 10 }, modelInputSpecs(wrongCount))).rejects.toThrow(
        "demo-recording.edf: the model's metadata xai.channels lists 5 channels, its input [1, 6, 64] has no axis of that size",
      );
      // A stated layout that fits is taken: the same model read by the tfjs convention is refused above, accepted here.
      const stated = await eegAdapter.decode([demoEdf], { start: 10, layout: '1-channels-time' }, specs);
      expect(stated.metadata.layout).toBe('1-channels-time');
    } finally {
      model.dispose();
      wrongCount.dispose();
    }
  });

  it('a [C, T] model whose axes could be read either way follows the stated layout', async () => {
    // [64, 4]: channels-first learns 64 channels × 4 samples; stated time-channels reads 64 samples × 4 channels.
    const model = await loadModel(flatNet([64, 4]), { label: 'ambiguous.onnx' });
    try {
      const specs = modelInputSpecs(model);
      await expect(eegAdapter.decode([fixtureEdf], { start: 1 }, specs)).rejects.toThrow(/the model needs 64 channels, the recording has 5/);
      const stated = await eegAdapter.decode([fixtureEdf], { start: 1, layout: 'time-channels', channels: ['Fz', 'Cz', 'Pz', 'Oz'] }, specs);
      expect(stated.samples[0]!.shape).toEqual([64, 4]);
      expect(stated.metadata.layout).toBe('time-channels');
    } finally {
      model.dispose();
    }
  });
});

describe('fMRI on NCDHW models', () => {
  const functional = file(join(FIXTURES, 'nifti', 'functional.nii'));
  const anatomical = file(join(FIXTURES, 'nifti', 'anatomical.nii'));

  it('a 4-D run with time as channels: [T, i, j, k]; relevance equals explain() on the hand-built tensor and the NIfTI holds it voxel by voxel', async () => {
    const [ni, nj, nk, nt] = [17, 21, 3, 20];
    const model = await loadModel(convNet([nt, ni, nj, nk], [2, nt, 3, 3, 3], [1, 1, 1, 1, 1, 1], 2 * ni * nj * nk), { label: 'conv3d.onnx' });
    try {
      const specs = modelInputSpecs(model);
      const decoded = await fmriAdapter.decode([functional], {}, specs);
      expect(decoded.samples[0]!.shape).toEqual([nt, ni, nj, nk]);
      expect(decoded.samples[0]!.layout).toBe('channels-first');
      expect(decoded.axes.map((a) => a.name)).toEqual(['t', 'i', 'j', 'k']);
      // nibabel order data[i][j][k][t] (t fastest) → [t, i, j, k]
      const volume = await readNifti(functional.bytes, functional.name);
      const data = volume.data as Float32Array;
      const tijk = new Float32Array(data.length);
      for (let i = 0, p = 0; i < ni; i++) for (let j = 0; j < nj; j++) for (let k = 0; k < nk; k++) for (let t = 0; t < nt; t++, p++) tijk[((t * ni + i) * nj + j) * nk + k] = data[p]!;
      expect(Array.from(decoded.samples[0]!.values)).toEqual(Array.from(tijk));

      const { explained, given, error } = await roundTrip(model, fmriAdapter, [functional], {}, tijk, [nt, ni, nj, nk]);
      expect(error).toBeLessThan(1e-5);
      const nifti = await readNifti(explained.artefacts.find((a) => a.name === 'relevance.nii.gz')!.bytes, 'relevance.nii.gz');
      expect(nifti.header.shape).toEqual([ni, nj, nk, nt]);
      const written = nifti.data as Float32Array;
      const ijkt = new Float32Array(written.length);
      for (let i = 0, p = 0; i < ni; i++) for (let j = 0; j < nj; j++) for (let k = 0; k < nk; k++) for (let t = 0; t < nt; t++, p++) ijkt[p] = given.values[((t * ni + i) * nj + j) * nk + k]!;
      expect(relativeError(written, ijkt)).toBeLessThan(1e-6);
    } finally {
      model.dispose();
    }
  });

  it('one volume as [1, i, j, k]; a stated channels-last layout the model cannot take is refused', async () => {
    const [ni, nj, nk] = [33, 41, 25];
    const model = await loadModel(convNet([1, ni, nj, nk], [2, 1, 3, 3, 3], [1, 1, 1, 1, 1, 1], 2 * ni * nj * nk), { label: 'volume.onnx' });
    try {
      const specs = modelInputSpecs(model);
      const decoded = await fmriAdapter.decode([anatomical], {}, specs);
      expect(decoded.samples[0]!.shape).toEqual([1, ni, nj, nk]);
      expect(decoded.axes.map((a) => a.name)).toEqual(['channel', 'i', 'j', 'k']);
      const volume = await readNifti(anatomical.bytes, anatomical.name);
      expect(Array.from(decoded.samples[0]!.values)).toEqual(Array.from(volume.data as Float32Array));
      await expect(fmriAdapter.decode([anatomical], { layout: 'channels-last' }, specs)).rejects.toThrow(
        /anatomical\.nii: the model expects \[1, 33, 41, 25\], the volume gives \[33, 41, 25, 1\] \(dims \[33, 41, 25\], axes 'ijk', time 'volume', channels-last\)/,
      );
    } finally {
      model.dispose();
    }
  });
});

describe('video on an NCTHW model', () => {
  const [T, H, W] = [4, 6, 5];
  // Four PNG frames (a frame folder), every pixel and channel different.
  const frames: InputFile[] = Array.from({ length: T }, (_, t) => ({
    name: `frame-${t}.png`,
    bytes: encodePng({ rgba: Uint8Array.from({ length: H * W * 4 }, (_, i) => (i % 4 === 3 ? 255 : (i * 29 + t * 53 + Math.floor(i / 4) * 7) % 256)), width: W, height: H }),
  }));
  const thwc = new Float32Array(T * H * W * 3);
  frames.forEach((f, t) => thwc.set(decodeInput(f.bytes, f.name).values, t * H * W * 3));
  const cthw = new Float32Array(thwc.length);
  for (let t = 0; t < T; t++) for (let p = 0; p < H * W; p++) for (let c = 0; c < 3; c++) cthw[((c * T + t) * H * W) + p] = thwc[(t * H * W + p) * 3 + c]!;

  it('decodes to [3, T, H, W]; relevance equals explain() on the hand-built clip; the overlays and curves match the channels-last ones', async () => {
    const model = await loadModel(convNet([3, T, H, W], [2, 3, 3, 3, 3], [1, 1, 1, 1, 1, 1], 2 * T * H * W), { label: 'r3d.onnx' });
    try {
      const decoded = await videoAdapter.decode(frames, {}, modelInputSpecs(model));
      expect(decoded.samples[0]!.shape).toEqual([3, T, H, W]);
      expect(decoded.axes.map((a) => a.name)).toEqual(['channel', 'time', 'y', 'x']);
      expect(Array.from(decoded.samples[0]!.values)).toEqual(Array.from(cthw));
      const render = { mp4: false };
      const { explained, given, error } = await roundTrip(model, videoAdapter, frames, {}, cthw, [3, T, H, W], render);
      expect(error).toBeLessThan(1e-6);
      const moved = new Float32Array(given.values.length);
      for (let t = 0; t < T; t++) for (let p = 0; p < H * W; p++) for (let c = 0; c < 3; c++) moved[(t * H * W + p) * 3 + c] = given.values[(c * T + t) * H * W + p]!;
      const plain = await videoAdapter.decode(frames);
      const reference = await videoAdapter.artefacts(plain, { relevances: [{ values: moved, shape: [T, H, W, 3] }], method: 'lrp', target: explained.target }, render);
      for (const name of ['temporal-relevance.csv', 'contact-sheet.png', 'overlay-frame-2.png']) {
        expect(explained.artefacts.find((a) => a.name === name)!.bytes).toEqual(reference.find((a) => a.name === name)!.bytes);
      }
    } finally {
      model.dispose();
    }
  });
});

describe('audio on an [N, 1, n] waveform model', () => {
  it('feeds [1, n] (the same values as [n, 1]) and reads the relevance back', async () => {
    const wav = file(join(import.meta.dirname, '..', 'demo', 'audio', 'test', '0_en-029_f2_0.wav'));
    const n = 8000;
    const model = await loadModel(convNet([1, n], [2, 1, 9], [4, 4], 2 * n), { label: 'wave.onnx' });
    try {
      const decoded = await audioAdapter.decode([wav], {}, modelInputSpecs(model));
      expect(decoded.samples[0]!.shape).toEqual([1, n]);
      expect(decoded.axes.map((a) => a.name)).toEqual(['channel', 'time']);
      const last = await audioAdapter.decode([wav], {}, [{ shape: [n, 1], dtype: 'float32' }]);
      expect(Array.from(decoded.samples[0]!.values)).toEqual(Array.from(last.samples[0]!.values));
      const { given, error } = await roundTrip(model, audioAdapter, [wav], {}, last.samples[0]!.values as Float32Array, [1, n]);
      expect(error).toBeLessThan(1e-6);
      expect(given.layout).toBe('channels-first');
    } finally {
      model.dispose();
    }
  });
});
