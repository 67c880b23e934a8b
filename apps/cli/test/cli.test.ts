/** The `xai` command line, run as a real process on the shipped demo model and real files. */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decode } from 'fast-png';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_MODEL, encodePng, generateShapes, SHAPE_CLASSES } from '@xai/core';

const CLI = fileURLToPath(new URL('../src/xai.ts', import.meta.url));
const FIXTURE = fileURLToPath(new URL('../../../../shared/fixtures/reference/cnn_bn', import.meta.url));
const ONNX_FIXTURE = fileURLToPath(new URL('../../../../shared/fixtures/onnx/onnx_cnn_bn', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'xai-cli-'));

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}
const xai = (...args: string[]): Run => spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], { encoding: 'utf8' });
/** Async variant so several runs can overlap with the test runner's own work. */
const xaiAsync = (...args: string[]) => xaiAsyncWith({}, ...args);
const xaiAsyncWith = (env: Record<string, string>, ...args: string[]) =>
  new Promise<Run>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });

const shapes = generateShapes(3, 99);
/** A generated demo image as an 8-bit RGB PNG. */
function shapePng(i: number): Uint8Array {
  const px = shapes.images.subarray(i * 32 * 32 * 3, (i + 1) * 32 * 32 * 3);
  const rgba = new Uint8Array(32 * 32 * 4);
  for (let p = 0; p < 32 * 32; p++) {
    for (let c = 0; c < 3; c++) rgba[p * 4 + c] = Math.round(px[p * 3 + c]! * 255);
    rgba[p * 4 + 3] = 255;
  }
  return encodePng({ rgba, width: 32, height: 32 });
}

beforeAll(() => {
  mkdirSync(join(dir, 'images'));
  for (let i = 0; i < 2; i++) writeFileSync(join(dir, 'images', `shape-${i}.png`), shapePng(i));
  // The third sample as JSON ({shape, data}): the CLI reads more than images.
  writeFileSync(join(dir, 'images', 'shape-2.json'), JSON.stringify({ shape: [32, 32, 3], data: Array.from(shapes.images.subarray(2 * 3072, 3 * 3072)) }));
  writeFileSync(join(dir, 'images', 'notes.txt'), 'ignored: not an input format');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('xai explain', () => {
  it('explains one PNG with LRP: heatmap, overlay and relevance JSON; the predicted class is the shape drawn', () => {
    const out = join(dir, 'one');
    const run = xai('explain', '--model', DEMO_MODEL, '--input', join(dir, 'images', 'shape-0.png'), '--method', 'lrp', '--composite', 'epsilon_gamma_box',
      '--out', `${out}-heat.png`, '--overlay', `${out}-overlay.png`, '--json', `${out}.json`, '--scale', '4');
    expect(run.status, run.stderr).toBe(0);
    const heat = decode(readFileSync(`${out}-heat.png`));
    expect([heat.width, heat.height]).toEqual([128, 128]);
    const overlay = decode(readFileSync(`${out}-overlay.png`));
    expect([overlay.width, overlay.height]).toEqual([128, 128]);
    const record = JSON.parse(readFileSync(`${out}.json`, 'utf8'));
    expect(record.method).toBe('lrp');
    expect(record.options.composite).toBe('epsilon_gamma_box');
    expect(record.shape).toEqual([32, 32, 3]);
    expect(record.values).toHaveLength(32 * 32 * 3);
    expect(record.format).toBe("xai-relevance");
    expect(record.target).toBe(shapes.labels[0]);
    // The demo model.json carries its class names (userDefinedMetadata): the summary names the class.
    expect(run.stdout).toMatch(new RegExp(`shape-0.png: target ${shapes.labels[0]} '${SHAPE_CLASSES[shapes.labels[0]!]}' \\(logit`));
    expect(SHAPE_CLASSES[record.target]).toBeDefined();
  });

  it('explains a folder with a multi-pass method, reports progress, writes one result per input', async () => {
    const run = await xaiAsync('explain', '--model', DEMO_MODEL, '--input', join(dir, 'images'), '--method', 'integrated_gradients',
      '-o', 'steps=8', '-o', 'batchSize=4', '-o', 'riemann=gauss_legendre', '--json', join(dir, 'rel'), '--out', join(dir, 'heat'));
    expect(run.status, run.stderr).toBe(0);
    expect(readdirSync(join(dir, 'rel')).sort()).toEqual(['shape-0.json', 'shape-1.json', 'shape-2.json']);
    expect(readdirSync(join(dir, 'heat')).sort()).toEqual(['shape-0.png', 'shape-1.png', 'shape-2.png']);
    expect(run.stderr).toMatch(/shape-1\.png: 8\/8 steps \(100%\)/);
    expect(run.stderr).toMatch(/3 inputs: 3\/3 inputs \(100%\)/);
    const record = JSON.parse(readFileSync(join(dir, 'rel', 'shape-2.json'), 'utf8'));
    expect(record.options).toMatchObject({ steps: 8, riemann: 'gauss_legendre' });
    expect(record.target).toBe(shapes.labels[2]);
  });

  it('fails with exit code 2 and one line naming what is wrong', async () => {
    const png = join(dir, 'images', 'shape-0.png');
    const cases: [string[], RegExp][] = [
      [['explain', '--model', DEMO_MODEL, '--input', png, '--method', 'nope'], /^xai: unknown method 'nope'; available: lrp/],
      [['explain', '--model', DEMO_MODEL, '--input', png, '--method', 'occlusion', '-o', 'window=0'], /^xai: option 'window' of method 'occlusion' must be/],
      [['explain', '--model', DEMO_MODEL, '--input', join(dir, 'missing.png')], /^xai: input '.*missing.png' does not exist/],
      [['explain', '--model', join(dir, 'nope', 'model.json'), '--input', png], /nope\/model.json/],
      [['explain', '--model', DEMO_MODEL, '--input', png, '--target', '9'], /^xai: target 9 is out of range/],
      [['explain', '--input', png], /^xai: required option '--model <path>' not specified/],
      [['explain', '--model', DEMO_MODEL, '--input', png, '--method', 'gradient', '--composite', 'epsilon_plus'], /apply to 'lrp'/],
      [['explain', '--model', DEMO_MODEL, '--input', png, '--class-names', 'a,b,c'], /^xai: --class-names lists 3 names, the model has 4 outputs/],
      [['explain', '--model', DEMO_MODEL, '--input', png, '--class-names', join(dir, 'no-such-classes.json')], /^xai: --class-names: cannot read '.*no-such-classes.json'/],
      // Rendering flags are checked before the model loads (render-flags.test.ts has every flag).
      [['explain', '--model', DEMO_MODEL, '--input', png, '--out', join(dir, 'never.png'), '--colormap', 'rainbow'], /^xai: --colormap rainbow is not one of bwr, /],
    ];
    const runs = await Promise.all(cases.map(([args]) => xaiAsync(...args)));
    runs.forEach((run, i) => {
      expect(run.status, cases[i]![0].join(' ')).toBe(2);
      if (cases[i]![0].includes('--colormap')) expect(run.stderr, 'the model was loaded before the flags were checked').not.toMatch(/^backend:/m);
      const lines = run.stderr.trim().split('\n').filter((l) => !l.startsWith('backend:') && !l.startsWith('xai: no --out'));
      expect(lines, run.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(cases[i]![1]);
    });
  });

  it('names the class with --class-names (a list or a .txt file), over what the model carries', () => {
    const png = join(dir, 'images', 'shape-0.png');
    const label = shapes.labels[0]!;
    const names = ['box', 'plus', 'donut', 'wedge'];
    const listed = xai('explain', '--model', DEMO_MODEL, '--input', png, '--class-names', names.join(','));
    expect(listed.status, listed.stderr).toBe(0);
    expect(listed.stdout).toMatch(new RegExp(`target ${label} '${names[label]}' \\(logit`));
    const file = join(dir, 'classes.txt');
    writeFileSync(file, names.map((n) => n.toUpperCase()).join('\n') + '\n');
    const fromFile = xai('explain', '--model', DEMO_MODEL, '--input', png, '--class-names', file);
    expect(fromFile.status, fromFile.stderr).toBe(0);
    expect(fromFile.stdout).toMatch(new RegExp(`target ${label} '${names[label]!.toUpperCase()}' \\(logit`));
  });

  it('creates the folders of --out, --overlay and --json when they are missing', () => {
    const nested = join(dir, 'made', 'by', 'xai');
    const png = join(dir, 'images', 'shape-1.png');
    const run = xai('explain', '--model', DEMO_MODEL, '--input', png, '--out', join(nested, 'heat.png'), '--overlay', join(nested, 'o', 'overlay.png'), '--json', join(nested, 'j', 'r.json'));
    expect(run.status, run.stderr).toBe(0);
    expect(readdirSync(nested).sort()).toEqual(['heat.png', 'j', 'o']);
    expect(decode(readFileSync(join(nested, 'o', 'overlay.png'))).width).toBe(32);
    expect(JSON.parse(readFileSync(join(nested, 'j', 'r.json'), 'utf8')).shape).toEqual([32, 32, 3]);
  });
});

describe('xai --executor ort', () => {
  it('runs LRP compiled to ONNX Runtime (the same relevance as tfjs), says when it falls back, and conformance tags what ran', async () => {
    const input = join(dir, 'images', 'shape-1.png');
    const json = (name: string) => join(dir, `executor-${name}.json`);
    const explainOn = (name: string, ...args: string[]) => xaiAsync('explain', '--model', DEMO_MODEL, '--input', input, '--json', json(name), ...args);
    // every built-in method runs on ORT: the plugin's tfjs-only method shows the fallback
    const plugin = { XAI_PLUGINS: fileURLToPath(new URL('../../../packages/core/test/fixtures/example-plugin.mjs', import.meta.url)) };
    const [tfjs, ort, gradient, conformance] = await Promise.all([
      explainOn('tfjs', '--composite', 'epsilon_gamma_box'),
      explainOn('ort', '--composite', 'epsilon_gamma_box', '--executor', 'ort'),
      xaiAsyncWith(plugin, 'explain', '--model', DEMO_MODEL, '--input', input, '--json', json('tfjs-only'), '--method', 'test_gradient_tfjs_only', '--executor', 'ort'),
      xaiAsync('conformance', join(FIXTURE, '..'), '--cases', 'cnn_bn', '--methods', 'composite_*', '--executor', 'ort'),
    ]);
    for (const run of [tfjs, ort, gradient, conformance]) expect(run.status, run.stderr).toBe(0);
    const a = JSON.parse(readFileSync(json('tfjs'), 'utf8')).values as number[];
    const b = JSON.parse(readFileSync(json('ort'), 'utf8')).values as number[];
    const scale = Math.max(...a.map(Math.abs));
    expect(Math.max(...a.map((v, i) => Math.abs(v - b[i]!)))).toBeLessThanOrEqual(1e-5 * scale + 1e-7);
    expect(ort.stderr).not.toMatch(/executor 'ort' cannot run/);
    expect(gradient.stderr).toMatch(/^xai: executor 'ort' cannot run method 'test_gradient_tfjs_only' yet; running on tfjs instead$/m);
    expect(gradient.stdout).toMatch(/test_gradient_tfjs_only in \d+ ms on tfjs \(fallback: method 'test_gradient_tfjs_only'\)/);
    expect(conformance.stdout).toMatch(/cnn_bn composite_epsilon_gamma_box ok .*\[ort\/(cpu|cuda)\]/);
    expect(conformance.stdout).toMatch(/4 passed, 0 failed; 4 ran on ort, 0 fell back to tfjs/);
  });
});

describe('xai explain: the default executor', () => {
  it("is 'ort' where onnxruntime-node is installed (it is here) for a method that runs on it; --executor and XAI_EXECUTOR choose otherwise; a bad name is refused", async () => {
    const input = join(dir, 'images', 'shape-0.png');
    const explainWith = (env: Record<string, string>, name: string, ...args: string[]) =>
      xaiAsyncWith({ XAI_EXECUTOR: '', ...env }, 'explain', '--model', DEMO_MODEL, '--input', input, '--json', join(dir, `default-${name}.json`), ...args);
    const [byDefault, tfjs, fromEnv, bad] = await Promise.all([
      explainWith({}, 'default'),
      explainWith({ XAI_EXECUTOR: 'ort' }, 'tfjs', '--executor', 'tfjs'), // the flag wins over XAI_EXECUTOR
      explainWith({ XAI_EXECUTOR: 'tfjs' }, 'env'),
      explainWith({}, 'bad', '--executor', 'gpu'),
    ]);
    for (const run of [byDefault, tfjs, fromEnv]) expect(run.status, run.stderr).toBe(0);
    expect(byDefault.stderr).toMatch(/method: lrp, executor: ort$/m);
    expect(byDefault.stdout).toMatch(/lrp in \d+ ms on ort\/(cpu|cuda)/);
    expect(tfjs.stderr).toMatch(/executor: tfjs$/m);
    expect(tfjs.stdout).toMatch(/lrp in \d+ ms on tfjs( |$)/m);
    expect(fromEnv.stdout).toMatch(/on tfjs/);
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim().split('\n').at(-1)).toBe("xai: --executor must be one of auto, tfjs, ort, got 'gpu'");
    // the same relevance whichever executor ran: max |a − b| ≤ 1e-5 · max |a| + 1e-7
    const [a, b] = ['tfjs', 'default'].map((n) => JSON.parse(readFileSync(join(dir, `default-${n}.json`), 'utf8')).values.flat(Infinity) as number[]);
    const scale = Math.max(...a!.map(Math.abs));
    expect(Math.max(...a!.map((v, i) => Math.abs(v - b![i]!)))).toBeLessThanOrEqual(1e-5 * scale + 1e-7);
  });
});

describe('xai explain with modality adapters', () => {
  const TEXT = fileURLToPath(new URL('../../../packages/modalities/demo/text/', import.meta.url));

  it('explains text files with the LSTM demo model: highlighted HTML, ANSI and token JSON per input', async () => {
    const out = join(dir, 'text');
    const run = await xaiAsync('explain', '--model', join(TEXT, 'lstm'), '--input', join(TEXT, 'inputs'), '--out-dir', out,
      '--decode', `vocabulary=${join(TEXT, 'vocabulary.json')}`);
    expect(run.status, run.stderr).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['mixed-review', 'negative-review', 'positive-review']);
    expect(readdirSync(join(out, 'positive-review')).sort()).toEqual(['relevance.json', 'text.ansi', 'text.html', 'tokens.json']);
    expect(run.stdout).toMatch(/positive-review\.txt \(text\): target 1 /);
    expect(run.stdout).toMatch(/negative-review\.txt \(text\): target 0 /);
    const html = readFileSync(join(out, 'positive-review', 'text.html'), 'utf8');
    expect(html).toMatch(/<span[^>]*title="[^"]*"/);
  });

  it('explains a WAV, an EDF+ recording and a NIfTI volume with their demo models', async () => {
    const M = fileURLToPath(new URL('../../../packages/modalities/demo/', import.meta.url));
    const out = join(dir, 'modalities');
    const runs = await Promise.all([
      xaiAsync('explain', '--model', join(M, 'audio', 'spectrogram-model'), '--input', join(M, 'audio', 'test', '3_en-us_m3_0.wav'), '--out-dir', out),
      xaiAsync('explain', '--model', join(M, 'eeg'), '--input', join(M, 'eeg', 'demo-recording.edf'), '--out-dir', out,
        '--decode', 'preset=demo', '--decode', 'event=stimulus/target', '--method', 'lrp', '--rule', 'epsilon', '-o', 'epsilon=0.25'),
      xaiAsync('explain', '--model', join(M, 'fmri', 'conv3d'), '--input', join(M, 'fmri', 'volumes', 'activation-01.nii.gz'), '--out-dir', out),
    ]);
    runs.forEach((run) => expect(run.status, run.stderr).toBe(0));
    expect(runs[0]!.stdout).toMatch(/3_en-us_m3_0\.wav \(audio\): target 3 /);
    expect(runs[1]!.stdout).toMatch(/demo-recording\.edf \(eeg\): target 1 /);
    expect(runs[2]!.stdout).toMatch(/activation-01\.nii\.gz \(fmri\): target /);
    const files = (name: string) => readdirSync(join(out, name));
    expect(files('3_en-us_m3_0')).toEqual(expect.arrayContaining(['relevance.json']));
    expect(files('3_en-us_m3_0').some((f) => f.endsWith('.png'))).toBe(true);
    expect(files('demo-recording')).toEqual(expect.arrayContaining(['relevance.edf']));
    expect(files('activation-01').some((f) => f.endsWith('.nii.gz'))).toBe(true);
  });

  it('explains a video frame folder as one input (--modality video) and a VQA question with its image', async () => {
    const M = fileURLToPath(new URL('../../../packages/modalities/demo/', import.meta.url));
    const out = join(dir, 'video-vqa');
    const runs = await Promise.all([
      xaiAsync('explain', '--model', join(M, 'video', 'flash-cnn-lstm'), '--input', join(M, 'video', 'inputs', 'flash-right-frames'), '--modality', 'video', '--out-dir', out, '--render', 'mp4=false'),
      xaiAsync('explain', '--model', join(M, 'vqa', 'model'), '--input', join(M, 'vqa', 'inputs', 'count.vqa.json'), '--out-dir', out, '-o', 'composite=epsilon_gamma_box'),
      xaiAsync('explain', '--model', join(M, 'video', 'flash-cnn-lstm'), '--input', join(M, 'video', 'inputs', 'flash-right-frames'), '--modality', 'vidoe', '--out-dir', out),
    ]);
    expect(runs[0]!.status, runs[0]!.stderr).toBe(0);
    expect(runs[0]!.stdout).toMatch(/flash-right-frames \(video\): target 1 /);
    const temporal = JSON.parse(readFileSync(join(out, 'flash-right-frames', 'temporal-relevance.json'), 'utf8'));
    expect(temporal.frames).toHaveLength(12);
    expect(runs[1]!.status, runs[1]!.stderr).toBe(0);
    expect(runs[1]!.stdout).toMatch(/count\.vqa\.json \(vqa\): target \d+/);
    expect(readdirSync(join(out, 'count'))).toEqual(expect.arrayContaining(['overlay.png', 'question.html', 'answer.json']));
    expect(runs[2]!.status).toBe(2);
    expect(runs[2]!.stderr).toMatch(/^xai: unknown modality 'vidoe'; available: .*video/m);
  });

  it('asks for --out-dir when a modality writes several artefacts', async () => {
    const run = await xaiAsync('explain', '--model', join(TEXT, 'lstm'), '--input', join(TEXT, 'inputs', 'positive-review.txt'));
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^xai: --out-dir is needed for .*positive-review\.txt/m);
  });
});

describe('xai benchmark', () => {
  it('compares methods on generated demo data and writes the table, scores and curves', async () => {
    const out = join(dir, 'bench');
    const run = await xaiAsync('benchmark', '--model', 'demo', '--data', 'demo:4', '--methods', 'lrp,gradient', '--metrics', 'relevance_mass_accuracy,sparseness', '--out', out);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/\| method \| relevance_mass_accuracy ↑ \| sparseness ↑ \|/);
    expect(readdirSync(out).sort()).toEqual(['benchmark-curves.csv', 'benchmark-scores.csv', 'benchmark-table.csv', 'benchmark.json', 'benchmark.md']);
    const bad = await xaiAsync('benchmark', '--model', 'demo', '--data', 'demo:2', '--methods', 'lrp', '--metrics', 'nope', '--out', out);
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim().split('\n').at(-1)).toMatch(/^xai: .*nope/);
  });
});

describe('xai benchmark --data <folder>', () => {
  it('reads a folder of PNGs with labels.csv and masks through the data-set reader and benchmarks it', async () => {
    const data = generateShapes(6, 7);
    const set = join(dir, 'shapes-set');
    mkdirSync(join(set, 'masks'), { recursive: true });
    const rows = ['file,label'];
    for (let i = 0; i < 6; i++) {
      const rgba = new Uint8Array(32 * 32 * 4);
      const mask = new Uint8Array(32 * 32 * 4);
      for (let p = 0; p < 32 * 32; p++) {
        for (let c = 0; c < 3; c++) rgba[p * 4 + c] = Math.round(255 * data.images[(i * 1024 + p) * 3 + c]!);
        mask.fill(data.masks[i * 1024 + p] ? 255 : 0, p * 4, p * 4 + 3);
        rgba[p * 4 + 3] = mask[p * 4 + 3] = 255;
      }
      writeFileSync(join(set, `s${i}.png`), encodePng({ rgba, width: 32, height: 32 }));
      writeFileSync(join(set, 'masks', `s${i}.png`), encodePng({ rgba: mask, width: 32, height: 32 }));
      rows.push(`s${i}.png,${i % 2 ? SHAPE_CLASSES[data.labels[i]!] : data.labels[i]}`); // class names and indexes
    }
    writeFileSync(join(set, 'labels.csv'), rows.join('\n') + '\n');
    const out = join(dir, 'bench-set');
    const run = await xaiAsync('benchmark', '--model', 'demo', '--data', set, '--methods', 'lrp,gradient', '--metrics', 'relevance_mass_accuracy,sparseness', '--out', out);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/read: 6\/6 inputs/);
    expect(run.stdout).toMatch(/\| method \| relevance_mass_accuracy ↑ \| sparseness ↑ \|/);
    const result = JSON.parse(readFileSync(join(out, 'benchmark.json'), 'utf8'));
    expect(result.samples).toMatchObject({ count: 6, shape: [32, 32, 3], hasMasks: true });
    expect(result.targets).toEqual(Array.from(data.labels));

    writeFileSync(join(set, 'labels.csv'), rows.join('\n') + '\ngone.png,ring\n');
    const bad = await xaiAsync('benchmark', '--model', 'demo', '--data', set, '--methods', 'lrp', '--metrics', 'sparseness', '--out', out);
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim().split('\n').at(-1)).toBe('xai: labels.csv: line 8: gone.png is not in the data set');
    const missing = await xaiAsync('benchmark', '--model', 'demo', '--data', join(dir, 'no-such-set'), '--methods', 'lrp', '--metrics', 'sparseness', '--out', out);
    expect(missing.status).toBe(2);
    expect(missing.stderr.trim().split('\n').at(-1)).toMatch(/^xai: .*no-such-set: no such folder or \.zip$/);
  });
});

describe('xai explain on an ONNX model', () => {
  it('explains a channels-first JSON input and writes relevance in the model layout, the same as the library', async () => {
    const ref = JSON.parse(readFileSync(join(ONNX_FIXTURE, 'reference.json'), 'utf8'));
    const input = join(dir, 'onnx-input.json');
    writeFileSync(input, JSON.stringify({ shape: ref.input_shape, data: ref.input }));
    const out = join(dir, 'onnx-out');
    const run = await xaiAsync('explain', '--model', join(ONNX_FIXTURE, 'model.onnx'), '--input', input, '--method', 'gradient', '--target', String(ref.target), '--json', `${out}.json`, '--out', `${out}.png`);
    expect(run.status, run.stderr).toBe(0);
    const written = JSON.parse(readFileSync(`${out}.json`, 'utf8'));
    expect(written.shape).toEqual(ref.input_shape);
    const expected = ref.methods.gradient.relevance as number[];
    const scale = Math.max(...expected.map(Math.abs));
    const got = (written.values as number[]).flat(Infinity) as number[];
    expect(Math.max(...got.map((v, i) => Math.abs(v - expected[i]!)))).toBeLessThan(1e-4 * scale);
    const png = decode(readFileSync(`${out}.png`));
    expect([png.width, png.height]).toEqual([12, 12]); // drawn as H × W after moving channels last
  });
});

describe('xai methods, layers, --help', () => {
  it('lists the methods with their options, as text and as JSON', () => {
    const text = xai('methods');
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/^integrated_gradients {2}\(function, wrappable by smoothgrad\)$/m);
    expect(text.stdout).toMatch(/-o riemann=<right\|left\|midpoint\|gauss_legendre> = "right"/);
    const json = JSON.parse(xai('methods', '--json').stdout);
    expect(json.methods.map((m: { name: string }) => m.name)).toContain('smoothgrad');
    expect(Object.keys(json.families)).toEqual(['structure', 'function', 'sampling', 'surrogate', 'perturbation']);
  });

  it('lists graph nodes with the rule each linear layer gets', () => {
    const run = xai('layers', FIXTURE, '--composite', 'epsilon_gamma_box');
    expect(run.status, run.stderr).toBe(0);
    const rows = run.stdout.trim().split('\n');
    expect(rows[0]).toMatch(/^conv2d_\w+\s+Conv2D\s+linear\s+z_box/); // the first conv, BatchNorm merged into it
    expect(rows.some((r) => /Dense\s+linear\s+epsilon/.test(r))).toBe(true);
    expect(rows.some((r) => /BatchNormalization/.test(r))).toBe(false);
  });

  it('lists the nodes of an ONNX model with the rule each gets (pools, activations, layout transposes included)', () => {
    const run = xai('layers', join(ONNX_FIXTURE, 'model.onnx'), '--composite', 'epsilon_gamma_box');
    expect(run.status, run.stderr).toBe(0);
    const rows = run.stdout.trim().split('\n');
    expect(rows[0]).toMatch(/^input\/to_channels_last\s+Transpose\s+permute\s+gradient/);
    expect(rows[1]).toMatch(/^\/0\/0\.0\/Conv\s+Conv\s+linear\s+z_box/);
    expect(rows.some((r) => /Relu\s+activation\s+pass/.test(r))).toBe(true);
    expect(rows.some((r) => /MaxPool\s+pooling\s+winner_takes_all/.test(r))).toBe(true);
    expect(rows.some((r) => /Gemm\s+Gemm\s+linear\s+epsilon/.test(r))).toBe(true);
  });

  it('prints help for every command and exits 0', () => {
    for (const args of [['--help'], ['explain', '--help'], ['methods', '--help']]) {
      const run = xai(...args);
      expect(run.status).toBe(0);
      expect(run.stdout).toMatch(/Usage: xai/);
    }
  });
});

describe('plugins (XAI_PLUGINS)', () => {
  const PLUGIN = fileURLToPath(new URL('../../../packages/core/test/fixtures/example-plugin.mjs', import.meta.url));
  const withPlugin = (...args: string[]): Run =>
    spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], { encoding: 'utf8', env: { ...process.env, XAI_PLUGINS: PLUGIN } });
  const input = () => join(dir, 'images', 'shape-1.png');

  it('a rule and a composite registered by a plugin are used by name', () => {
    const json = (name: string) => join(dir, `plugin-${name}.json`);
    const half = withPlugin('explain', '--model', DEMO_MODEL, '--input', input(), '--rule', 'test_half_epsilon', '-o', 'epsilon=0.01', '--json', json('half'));
    expect(half.status, half.stderr).toBe(0);
    const full = withPlugin('explain', '--model', DEMO_MODEL, '--input', input(), '--rule', 'epsilon', '-o', 'epsilon=0.01', '--json', json('full'));
    expect(full.status, full.stderr).toBe(0);
    const [h, f] = ['half', 'full'].map((n) => JSON.parse(readFileSync(json(n), 'utf8')) as { values: number[]; options: Record<string, unknown> });
    expect(h!.options.rule).toBe('test_half_epsilon');
    // ε is linear in the relevance it receives: half at each linear layer scales everything by one power of 1/2.
    const ratios = h!.values.map((v, i) => v / f!.values[i]!).filter((r, i) => Math.abs(f!.values[i]!) > 1e-3 * Math.max(...f!.values.map(Math.abs)) && Number.isFinite(r));
    const k = Math.round(-Math.log2(ratios[0]!));
    expect(k).toBeGreaterThanOrEqual(2);
    ratios.forEach((r) => expect(Math.abs(r - 2 ** -k)).toBeLessThan(1e-3 * 2 ** -k));
    const composite = withPlugin('layers', DEMO_MODEL, '--composite', 'test_flat_epsilon');
    expect(composite.status, composite.stderr).toBe(0);
    const rules = composite.stdout.split('\n').filter((l) => /\blinear\b/.test(l));
    expect(rules[0]).toMatch(/ flat/);
    rules.slice(1).forEach((l) => expect(l).toMatch(/epsilon \{"epsilon":0\.01\}/));
  });

  it('without the plugin the names are unknown, and the message lists the registered ones', () => {
    const run = xai('explain', '--model', DEMO_MODEL, '--input', input(), '--composite', 'test_flat_epsilon', '--json', join(dir, 'plugin-none.json'));
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/option 'composite' of method 'lrp' must be one of epsilon_plus.*got 'test_flat_epsilon'/);
  });
});
