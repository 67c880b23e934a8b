import { posix } from 'node:path';
import { CancelledError, decodeInput, InvalidArgumentError } from '@xai/core';
import { layoutOf, type BenchmarkSamples } from '@xai/eval';
import type { InputFile, ModalityAdapter, ModelInputSpec, SampleArray } from '../adapter.js';
import { adapterByName, adapterForFiles, listAdapters } from '../registry.js';
import { InvalidDatasetError } from './dataset-errors.js';
import type { DatasetFile } from './dataset-files.js';
import { parseLabelsCsv } from './labels-csv.js';

/** Where labels came from: a labels.csv, or each input's sub-folder name. */
export type LabelSource = 'labels.csv' | 'folders';

/** One input of a data set, before decoding: its file (and companion files), label text and mask file. */
export interface DatasetEntry {
  /** Path of the input's main file inside the data set. */
  readonly file: string;
  /** Companion files one decode reads with it (BrainVision .vmrk/.eeg beside a .vhdr): same folder, same stem. */
  readonly companions: readonly string[];
  /** As written: a class index ('2') or a class name ('ring'). */
  readonly label: string;
  readonly mask?: string;
}

/** The layout of a data set, found without decoding anything. */
export interface DatasetIndex {
  readonly modality: string;
  readonly labelSource: LabelSource;
  readonly entries: readonly DatasetEntry[];
  /** Files neither an input, a companion, a mask nor labels.csv. */
  readonly ignored: readonly string[];
}

export interface DatasetSample {
  readonly file: string;
  readonly labelText: string;
  /** Class index: the label as an index, or its name matched against the model's class names; null when it cannot be resolved (a name, no class names given). */
  readonly label: number | null;
  /** One per model input (most models have one), in the model's layout. */
  readonly samples: readonly SampleArray[];
  /** Ground truth over the sample's positions (pixels, voxels … without the channel axis), 1 = on the object. */
  readonly mask?: Uint8Array;
}

export interface Dataset extends DatasetIndex {
  readonly items: readonly DatasetSample[];
  readonly hasMasks: boolean;
}

export interface ReadDatasetOptions {
  /** Name the modality; default: the one that reads the inputs' file extension. */
  readonly modality?: string;
  /** The model's inputs: decoding adapts to them (image channels, layout, EEG channels …). */
  readonly model?: readonly ModelInputSpec[];
  /** The model's class names: labels given as names are matched against them (case-insensitive). */
  readonly classNames?: readonly string[];
  readonly decodeOptions?: Readonly<Record<string, unknown>>;
  readonly onProgress?: (done: number, total: number) => void;
  readonly signal?: AbortSignal;
}

const LABELS = 'labels.csv';
const MASKS = 'masks/';
const MASK_EXTENSIONS = ['.png', '.npy'];

/** The longest registered extension a name ends with (so 'scan.nii.gz' has '.nii.gz'), else its last one. */
function extensionOf(name: string): string {
  const lower = name.toLowerCase();
  const known = listAdapters()
    .flatMap((a) => a.extensions)
    .filter((e) => lower.endsWith(e))
    .sort((a, b) => b.length - a.length)[0];
  return known ?? posix.extname(lower);
}
const stemOf = (path: string) => path.slice(0, path.length - extensionOf(path).length);

function readerOf(path: string): ModalityAdapter | null {
  try {
    return adapterForFiles([{ name: posix.basename(path), bytes: new Uint8Array() }]);
  } catch {
    return null;
  }
}

/** labels.csv and masks/ sit at the data set's root; a zip of one folder has its root one level down. */
function rootOf(files: readonly DatasetFile[]): string {
  const labels = files.filter((f) => posix.basename(f.path) === LABELS).map((f) => posix.dirname(f.path));
  if (labels.includes('.')) return '';
  if (labels.length === 1 && !labels[0]!.includes('/')) return `${labels[0]}/`;
  const tops = new Set(files.map((f) => f.path.split('/')[0]));
  // one folder holding class folders (top/class/file): the folder is the root
  if (tops.size === 1 && labels.length === 0 && files.every((f) => f.path.split('/').length >= 3)) return `${[...tops][0]}/`;
  return '';
}

/**
 * Finds the inputs, labels and masks of a data set without decoding: labels from labels.csv
 * (`file,label[,mask]`) or from sub-folder names (`<class>/<file>`); masks from the `mask` column
 * or `masks/<same path or stem>.png|.npy`. Every input must be read by one modality.
 */
export function indexDataset(allFiles: readonly DatasetFile[], options: { modality?: string } = {}): DatasetIndex {
  const root = rootOf(allFiles);
  const files = allFiles.filter((f) => f.path.startsWith(root)).map((f) => f.path.slice(root.length));
  const present = new Set(files);
  const forced = options.modality ? adapterByName(options.modality) : null;
  const reads = (path: string) => (forced ? forced.extensions.some((e) => path.toLowerCase().endsWith(e)) : readerOf(path) !== null);
  const candidates = files.filter((p) => p !== LABELS && !p.startsWith(MASKS));

  /** Same folder and stem, not read by a modality themselves. */
  const companionsOf = (path: string) => candidates.filter((p) => p !== path && stemOf(p) === stemOf(path) && !reads(p));

  const maskFor = (path: string): string | undefined => {
    for (const base of [stemOf(path), stemOf(posix.basename(path))]) {
      for (const ext of MASK_EXTENSIONS) if (present.has(`${MASKS}${base}${ext}`)) return `${MASKS}${base}${ext}`;
    }
    return undefined;
  };

  let labelSource: LabelSource;
  let entries: DatasetEntry[];
  if (present.has(LABELS)) {
    labelSource = 'labels.csv';
    const text = new TextDecoder().decode(allFiles.find((f) => f.path === `${root}${LABELS}`)!.bytes);
    entries = parseLabelsCsv(text, LABELS).map((row) => {
      const file = posix.normalize(row.file.replace(/\\/g, '/')).replace(/^\.\//, '');
      if (!present.has(file)) throw new InvalidDatasetError(LABELS, `line ${row.line}: ${row.file} is not in the data set`);
      if (!reads(file)) throw new InvalidDatasetError(LABELS, `line ${row.line}: no modality reads ${row.file} (known extensions: ${listAdapters().flatMap((a) => a.extensions).join(', ')})`);
      let mask: string | undefined;
      if (row.mask) {
        mask = posix.normalize(row.mask.replace(/\\/g, '/')).replace(/^\.\//, '');
        if (!present.has(mask)) throw new InvalidDatasetError(LABELS, `line ${row.line}: the mask ${row.mask} of ${row.file} is not in the data set`);
      } else mask = maskFor(file);
      return { file, companions: companionsOf(file), label: row.label, ...(mask ? { mask } : {}) };
    });
  } else {
    labelSource = 'folders';
    const inputs = candidates.filter(reads);
    if (inputs.length === 0) {
      throw new InvalidDatasetError('data set', `no inputs: none of its files (${files.slice(0, 5).join(', ')}${files.length > 5 ? ' …' : ''}) is read by a modality`);
    }
    entries = inputs.map((file) => {
      const parts = file.split('/');
      if (parts.length !== 2) {
        throw new InvalidDatasetError(file, parts.length === 1 ? 'has no label: give labels.csv (file,label) or put each input in a folder named after its class' : 'lies in a nested folder: labels from folder names take <class>/<file>; give labels.csv for other layouts');
      }
      const mask = maskFor(file);
      return { file, companions: companionsOf(file), label: parts[0]!, ...(mask ? { mask } : {}) };
    });
  }

  const modalities = new Map<string, string>();
  for (const e of entries) {
    const name = forced?.name ?? readerOf(e.file)!.name;
    if (!modalities.has(name)) modalities.set(name, e.file);
  }
  if (modalities.size > 1) {
    throw new InvalidDatasetError('data set', `mixes modalities: ${[...modalities].map(([m, f]) => `${m} (${f})`).join(', ')}; a data set holds inputs of one modality`);
  }
  const withMask = entries.filter((e) => e.mask).length;
  if (withMask > 0 && withMask < entries.length) {
    const missing = entries.filter((e) => !e.mask).map((e) => e.file);
    throw new InvalidDatasetError(
      'masks',
      `${withMask} of ${entries.length} inputs have a mask; ${missing.slice(0, 3).join(', ')}${missing.length > 3 ? ` and ${missing.length - 3} more` : ''} have none (masks/<stem>.png or .npy, or a mask column): give every input a mask, or none`,
    );
  }
  const used = new Set([LABELS, ...entries.flatMap((e) => [e.file, ...e.companions, ...(e.mask ? [e.mask] : [])])]);
  return { modality: [...modalities.keys()][0]!, labelSource, entries, ignored: files.filter((p) => !used.has(p)).map((p) => `${root}${p}`) };
}

/** A label as a class index: a name of the model's classes (case-insensitive), else a whole number below their count. */
export function resolveLabel(text: string, classNames: readonly string[] | undefined): number | null {
  const byName = classNames?.findIndex((c) => c.toLowerCase() === text.toLowerCase()) ?? -1;
  if (byName >= 0) return byName;
  if (/^\d+$/.test(text)) return Number(text);
  return null;
}

/** The channels-last shape of a sample (ONNX samples come channels-first). */
const channelsLastShape = (s: SampleArray) => (s.layout === 'channels-first' && s.shape.length >= 2 ? [...s.shape.slice(1), s.shape[0]!] : [...s.shape]);

/** A mask over the sample's positions: a PNG (any non-zero pixel) or .npy of the positions' grid. */
function readMask(file: DatasetFile, sample: SampleArray, input: string): Uint8Array {
  const positions = layoutOf(channelsLastShape(sample)).positions;
  let array: { values: Float32Array; shape: number[] };
  try {
    array = decodeInput(file.bytes, file.path, { scale: '0-255' });
  } catch (err) {
    throw new InvalidDatasetError(file.path, `mask of ${input} cannot be read (${(err as Error).message})`);
  }
  const per = array.values.length / positions;
  if (!Number.isInteger(per) || (per !== 1 && per !== array.shape.at(-1))) {
    throw new InvalidDatasetError(file.path, `mask of ${input} has shape [${array.shape}], the input has ${positions} positions (shape [${channelsLastShape(sample)}] without its channel axis)`);
  }
  const mask = new Uint8Array(positions);
  for (let p = 0; p < positions; p++) for (let c = 0; c < per; c++) if (array.values[p * per + c] !== 0) mask[p] = 1;
  return mask;
}

/**
 * Reads a data set: decodes every input through its modality's adapter (as one uploaded input is
 * decoded), resolves labels against the model's class names and reads masks. Errors name the
 * file or labels.csv line at fault.
 */
export async function readDataset(files: readonly DatasetFile[], options: ReadDatasetOptions = {}): Promise<Dataset> {
  const index = indexDataset(files, options.modality ? { modality: options.modality } : {});
  const adapter = adapterByName(index.modality);
  const root = rootOf(files);
  const byPath = new Map(files.map((f) => [f.path.slice(root.length), f]));
  const fileOf = (path: string): InputFile => ({ name: posix.basename(path), bytes: byPath.get(path)!.bytes });
  const items: DatasetSample[] = [];
  for (const [i, entry] of index.entries.entries()) {
    if (options.signal?.aborted) throw new CancelledError('reading the data set was cancelled');
    let decoded;
    try {
      decoded = await adapter.decode([entry.file, ...entry.companions].map(fileOf), options.decodeOptions ?? {}, options.model);
    } catch (err) {
      if (err instanceof InvalidDatasetError) throw err;
      const message = (err as Error).message;
      throw new InvalidDatasetError(entry.file, message.startsWith(posix.basename(entry.file)) ? message.slice(posix.basename(entry.file).length).replace(/^:\s*/, '') : message);
    }
    const label = resolveLabel(entry.label, options.classNames);
    if (label !== null && options.classNames && label >= options.classNames.length) {
      throw new InvalidDatasetError(index.labelSource === 'labels.csv' ? LABELS : entry.file, `label ${entry.label} of ${entry.file} is not a class index of the model (it has ${options.classNames.length} classes: ${options.classNames.join(', ')})`);
    }
    const mask = entry.mask ? readMask({ path: entry.mask, bytes: byPath.get(entry.mask)!.bytes }, decoded.samples[0]!, entry.file) : undefined;
    items.push({ file: entry.file, labelText: entry.label, label, samples: decoded.samples, ...(mask ? { mask } : {}) });
    options.onProgress?.(i + 1, index.entries.length);
  }
  return { ...index, items, hasMasks: items.length > 0 && items.every((x) => x.mask) };
}

/** Distinct labels and how many inputs carry each, in order of first appearance. */
export function labelCounts(dataset: Pick<Dataset, 'items'>): { label: string; index: number | null; count: number }[] {
  const counts = new Map<string, { label: string; index: number | null; count: number }>();
  for (const x of dataset.items) {
    const c = counts.get(x.labelText) ?? { label: x.labelText, index: x.label, count: 0 };
    c.count++;
    counts.set(x.labelText, c);
  }
  return [...counts.values()];
}

/**
 * The data set as benchmark samples: single-input samples of one shape stacked in the model's
 * layout, class indexes, and masks when every input has one.
 */
export function datasetBenchmarkSamples(dataset: Dataset, classNames?: readonly string[]): BenchmarkSamples {
  const first = dataset.items[0];
  if (!first) throw new InvalidArgumentError('the data set has no inputs');
  const shape = first.samples[0]!.shape;
  const size = shape.reduce((n, d) => n * d, 1);
  const inputs = new Float32Array(size * dataset.items.length);
  const labels: number[] = [];
  for (const [i, x] of dataset.items.entries()) {
    if (x.samples.length !== 1) throw new InvalidDatasetError(x.file, `decodes to ${x.samples.length} model inputs; benchmarks take single-input models`);
    const s = x.samples[0]!;
    if (s.shape.join() !== shape.join()) throw new InvalidDatasetError(x.file, `decodes to shape [${s.shape}], ${first.file} to [${shape}]: a benchmark needs inputs of one shape`);
    if (x.label === null) {
      throw new InvalidDatasetError(
        x.file,
        classNames?.length ? `label '${x.labelText}' is not a class of the model (${classNames.join(', ')}) nor a class index` : `label '${x.labelText}' is a name, and the model has no class names: give class indexes (0, 1 …) or a model with class names`,
      );
    }
    inputs.set(s.values, i * size);
    labels.push(x.label);
  }
  let masks: Uint8Array | undefined;
  if (dataset.hasMasks) {
    const positions = first.mask!.length;
    masks = new Uint8Array(positions * dataset.items.length);
    dataset.items.forEach((x, i) => masks!.set(x.mask!, i * positions));
  }
  return { inputs, shape: [...shape], labels, ...(masks ? { masks } : {}) };
}
