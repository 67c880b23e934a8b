/**
 * fMRI volumes (NIfTI-1/2, .nii and .nii.gz): decoding to a model input (3-D volumes, one volume
 * of a run, or whole 4-D runs), and relevance back as a float32 NIfTI on the input's grid,
 * sagittal/coronal/axial views over the input or a supplied anatomical volume, an axial mosaic,
 * and for 4-D input relevance time courses per region (PNG and CSV).
 */
import { encodePng, InvalidArgumentError, relevanceJson } from '@xai/core';
import { Type, type Static } from 'typebox';
import type { Artefact, AxisInfo, DecodedInput, InputFile, ModalityAdapter, ModelInputSpec, RelevanceOf } from '../adapter.js';
import { asObjectSchema, checkedOptions, OptionsObject, StringEnum } from '../adapter-options.js';
import { LAYOUT_OPTION } from '../layout.js';
import { textArtefact } from '../artefacts.js';
import { affineToQform, applyAffine, axisCodes, invertAffine, multiplyAffine, voxelSizes, type Matrix4 } from './affine.js';
import { fmriDemoInputs, fmriDemoModels } from './demo.js';
import { InvalidNiftiError } from './errors.js';
import { axesPermutationFits, chooseLayout, modelGridDims, TIME_MODES, type FmriLayout } from './fmri-layout.js';
import type { NiftiHeader } from './nifti-header.js';
import { readNifti, type NiftiVolume } from './nifti-read.js';
import { writeNifti } from './nifti-write.js';
import { describeGrid, fieldOfViewGrid, resampleVolumes, sameVoxelGrid, type VoxelGrid } from './resample-volume.js';
import { timeCourseCsv, timeCoursePlot, timeCourses, type Region } from './time-course.js';
import { fmriView } from './view-json.js';
import { volumePredictions, volumePredictionsCsv, volumeScoresPlot } from './volume-predictions.js';
import { axialMosaic, denseGrid, orthoView, viewContext, voxelAt, type ViewOptions, type VolumeGrid } from './volume-views.js';

export const FMRI_EXTENSIONS = ['.nii', '.nii.gz'] as const;
/** Relevance JSON (every value as text) is added only up to this many values. */
const JSON_LIMIT = 1 << 18;

/** Decoding state the artefacts need. */
export interface FmriInternal {
  readonly file: string;
  readonly header: NiftiHeader;
  readonly layout: FmriLayout;
  /** The decoded sample values (after NaN removal and normalisation). */
  readonly values: Float32Array;
  readonly anatomical: NiftiVolume | null;
  readonly roi: NiftiVolume | null;
  /** How the input was resampled onto the model's grid (the header is then the model grid's), else null. */
  readonly resampled: Resampling | null;
}

/** What resampling onto the model grid did, as the result states it. */
export interface Resampling {
  readonly from: { readonly dims: readonly number[]; readonly voxelSize: readonly number[]; readonly affine: Matrix4 };
  readonly to: { readonly dims: readonly number[]; readonly voxelSize: readonly number[]; readonly affine: Matrix4 };
  readonly interpolation: 'trilinear' | 'nearest';
  readonly fill: number;
  /** Where the model grid's affine came from. */
  readonly gridFrom: string;
  /** One sentence: "resampled from 64×64×30 at 3 mm to 32×32×16 at 3 mm (trilinear)". */
  readonly text: string;
}

const isNifti = (name: string) => FMRI_EXTENSIONS.some((ext) => name.toLowerCase().endsWith(ext));

function fileNamed(files: readonly InputFile[], name: unknown, option: string): InputFile | null {
  if (name === undefined) return null;
  const found = files.find((f) => f.name === name);
  if (!found) throw new InvalidArgumentError(`option ${option}: no input file named '${String(name)}' (files: ${files.map((f) => f.name).join(', ')})`);
  return found;
}

/** z-scores each volume (t) over its non-zero voxels. */
function zscore(values: Float32Array, layout: FmriLayout): void {
  const [ni, nj, nk, T] = layout.dims;
  const [si, sj, sk, st] = layout.strides;
  for (let t = 0; t < T; t++) {
    let n = 0;
    let sum = 0;
    let sq = 0;
    for (let i = 0; i < ni; i++) for (let j = 0; j < nj; j++) for (let k = 0; k < nk; k++) {
      const v = values[i * si + j * sj + k * sk + t * st]!;
      if (v === 0) continue;
      n++;
      sum += v;
      sq += v * v;
    }
    if (n === 0) continue;
    const mean = sum / n;
    const sd = Math.sqrt(Math.max(0, sq / n - mean * mean)) || 1;
    for (let i = 0; i < ni; i++) for (let j = 0; j < nj; j++) for (let k = 0; k < nk; k++) {
      const p = i * si + j * sj + k * sk + t * st;
      if (values[p] !== 0) values[p] = (values[p]! - mean) / sd;
    }
  }
}

/** Dense ijk array of a 4-D sample reduced over time (sum or mean). */
function reduceTime(values: ArrayLike<number>, layout: FmriLayout, how: 'sum' | 'mean'): Float32Array {
  const [ni, nj, nk, T] = layout.dims;
  const [si, sj, sk, st] = layout.strides;
  const out = new Float32Array(ni * nj * nk);
  for (let i = 0, p = 0; i < ni; i++) for (let j = 0; j < nj; j++) for (let k = 0; k < nk; k++, p++) {
    let acc = 0;
    for (let t = 0, q = i * si + j * sj + k * sk; t < T; t++, q += st) acc += values[q]!;
    out[p] = how === 'mean' ? acc / T : acc;
  }
  return out;
}

/** A grid for the voxels of a sample (one volume, t = 0, or a 3-D dense array). */
const sampleGrid = (values: ArrayLike<number>, layout: FmriLayout, header: NiftiHeader): VolumeGrid => ({
  data: values, dims: [layout.dims[0], layout.dims[1], layout.dims[2]], affine: header.affine, strides: [layout.strides[0], layout.strides[1], layout.strides[2]],
});

/** A 3-D NIfTI volume as a grid in its own space (nibabel order). */
const volumeGrid = (v: NiftiVolume): VolumeGrid => denseGrid(v.data, [v.shape[0]!, v.shape[1] ?? 1, v.shape[2] ?? 1], v.header.affine);

/** Drops trailing singleton dims; the rest must be 3-D or 4-D. */
function effectiveDims(header: NiftiHeader, file: string): number[] {
  const dims = [...header.shape];
  while (dims.length > 3 && dims[dims.length - 1] === 1) dims.pop();
  if (dims.length < 3 || dims.length > 4) throw new InvalidNiftiError(file, 'dim[0]', `an fMRI input has 3 (volume) or 4 (run) dimensions; this file has [${header.shape.join(', ')}]`);
  if (header.datatype.components > 1) throw new InvalidNiftiError(file, 'datatype', `${header.datatype.name} (colour) volumes are not fMRI data`);
  return dims;
}

async function readExtra(file: InputFile | null, what: string): Promise<NiftiVolume | null> {
  if (!file) return null;
  if (!isNifti(file.name)) throw new InvalidArgumentError(`${file.name}: the ${what} volume must be a .nii or .nii.gz file`);
  const v = await readNifti(file.bytes, file.name);
  const dims = effectiveDims(v.header, file.name);
  if (dims.length !== 3) throw new InvalidNiftiError(file.name, 'dim[0]', `the ${what} volume must be 3-D, got [${v.header.shape.join(', ')}]`);
  return v;
}

/** ROI labels resampled (nearest, through world space) onto the input grid: one mask per label. */
function roiRegions(roi: NiftiVolume, header: NiftiHeader, dims: readonly number[]): Region[] {
  const grid = volumeGrid(roi);
  const inv = invertAffine(roi.header.affine);
  if (!inv) throw new InvalidNiftiError(roi.file, 'srow_x/srow_y/srow_z', 'singular affine: the ROI volume cannot be placed on the input');
  const M = multiplyAffine(inv, header.affine);
  const [ni, nj, nk] = dims as [number, number, number];
  const labels = new Int32Array(ni * nj * nk);
  const seen = new Set<number>();
  for (let i = 0, p = 0; i < ni; i++) for (let j = 0; j < nj; j++) for (let k = 0; k < nk; k++, p++) {
    const [a, b, c] = applyAffine(M, [i, j, k]).map(Math.round) as [number, number, number];
    if (a < 0 || b < 0 || c < 0 || a >= grid.dims[0] || b >= grid.dims[1] || c >= grid.dims[2]) continue;
    const label = Math.round(voxelAt(grid, a, b, c));
    if (label > 0) {
      labels[p] = label;
      seen.add(label);
    }
  }
  if (seen.size > 1000) throw new InvalidNiftiError(roi.file, 'data', `${seen.size} distinct labels; an ROI volume holds at most 1000`);
  return [...seen].sort((a, b) => a - b).map((label) => ({ name: `roi_${label}`, mask: Uint8Array.from(labels, (l) => (l === label ? 1 : 0)) }));
}

/** Sets NaN and ±Inf voxels to 0; returns how many there were. */
function zeroNonFinite(values: Float32Array): number {
  let n = 0;
  for (let p = 0; p < values.length; p++) {
    if (!Number.isFinite(values[p]!)) {
      values[p] = 0;
      n++;
    }
  }
  return n;
}

/** Dense volumes (volume after volume, nibabel order) into the sample order of `layout`. */
function toLayout(dense: Float32Array, layout: FmriLayout): Float32Array {
  const [ni, nj, nk, T] = layout.dims;
  const [si, sj, sk, st] = layout.strides;
  const out = new Float32Array(dense.length);
  for (let t = 0, p = 0; t < T; t++) for (let i = 0; i < ni; i++) for (let j = 0; j < nj; j++) for (let k = 0; k < nk; k++, p++) out[i * si + j * sj + k * sk + t * st] = dense[p]!;
  return out;
}

/** The input's header moved onto the model grid: dims, pixdim, qform and sform of the grid (slice timing dropped). */
function onModelGrid(h: NiftiHeader, grid: VoxelGrid): NiftiHeader {
  const shape = [...grid.dims, ...h.shape.slice(3)];
  const qformParams = affineToQform(grid.affine);
  const code = (h.affineSource === 'sform' ? h.sformCode : h.affineSource === 'qform' ? h.qformCode : 0) || 2;
  const pixdim = [...h.pixdim];
  pixdim[0] = qformParams.qfac;
  qformParams.voxelSize.forEach((v, a) => (pixdim[a + 1] = v));
  return {
    ...h, shape, dim: [shape.length, ...shape], voxelCount: shape.reduce((a, b) => a * b, 1), pixdim,
    qformCode: code, sformCode: code, qformParams, srow: grid.affine.slice(0, 3).map((r) => [...r]), qform: grid.affine, sform: grid.affine, affine: grid.affine,
    sliceCode: 0, sliceStart: 0, sliceEnd: 0, sliceDuration: 0, dimInfo: 0,
  };
}

/** Reads the `xai.affine` metadata of a model (a JSON 4 × 4 or 3 × 4 matrix). */
function metadataAffine(spec: ModelInputSpec | undefined): Matrix4 | null {
  const text = spec?.metadata?.['xai.affine'];
  if (text === undefined) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new InvalidArgumentError(`model metadata xai.affine: not JSON (${text.slice(0, 60)})`);
  }
  return checkedAffine(parsed, 'model metadata xai.affine');
}

function checkedAffine(rows: unknown, what: string): Matrix4 {
  const ok = Array.isArray(rows) && (rows.length === 3 || rows.length === 4) && rows.every((r) => Array.isArray(r) && r.length === 4 && r.every((v) => typeof v === 'number' && Number.isFinite(v)));
  if (!ok) throw new InvalidArgumentError(`${what}: a voxel-to-world affine is 3 or 4 rows of 4 numbers`);
  const m = (rows as number[][]).slice(0, 3).map((r) => [...r]);
  m.push([0, 0, 0, 1]);
  if (!invertAffine(m)) throw new InvalidArgumentError(`${what}: the affine is singular`);
  return m;
}

/**
 * The grid to resample the input onto, or null to take it as it is: when the model's grid
 * (dims from its input shape; affine from the option, its metadata or else the input's field of
 * view) differs from the input's, unless the option 'axes' would make it fit or resampling is off.
 */
function modelGrid(h: NiftiHeader, fileDims: readonly number[], axes: string, options: FmriOptions, spec: ModelInputSpec | undefined): { grid: VoxelGrid; from: string; interpolation: 'trilinear' | 'nearest' } | null {
  const mode = options.resample ?? 'trilinear';
  if (mode === 'off' || !spec) return null;
  const layout = options.layout && options.layout !== 'auto' ? options.layout : spec.layout ?? 'channels-last';
  const T = fileDims[3] ?? 1;
  const dims = modelGridDims(spec, layout, axes, T, fileDims);
  if (!dims) return null;
  const source: VoxelGrid = { dims: [fileDims[0]!, fileDims[1]!, fileDims[2]!], affine: h.affine };
  const shapeDiffers = dims.some((d, a) => d !== source.dims[a]);
  if (shapeDiffers && axesPermutationFits(source.dims, dims, axes)) return null;
  const stated = options.gridAffine !== undefined ? checkedAffine(options.gridAffine, 'option gridAffine') : null;
  const fromMetadata = stated ? null : metadataAffine(spec);
  const affine = stated ?? fromMetadata;
  const grid: VoxelGrid = affine ? { dims, affine } : shapeDiffers ? fieldOfViewGrid(source, dims) : source;
  if (sameVoxelGrid(source, grid)) return null;
  const from = stated ? 'option gridAffine' : fromMetadata ? 'model metadata xai.affine' : "the input's field of view (the model states no affine)";
  return { grid, from, interpolation: mode };
}

const FMRI_OPTIONS = OptionsObject({
  axes: Type.String({ default: 'ijk', description: "spatial axis order of the model input: 'ijk' is nibabel's data[i][j][k]; 'kji' puts axial slices first (slice-wise models)" }),
  layout: LAYOUT_OPTION,
  time: StringEnum(TIME_MODES, { default: 'auto', description: '4-D runs: volumes as a batch explained one by one, time as channels, or one sequence sample; auto decides from the model' }),
  volume: Type.Integer({ minimum: 0, description: 'explain only this volume of a 4-D run' }),
  normalize: StringEnum(['none', 'zscore'], { default: 'none', description: 'zscore: each volume over its non-zero voxels' }),
  anatomical: Type.String({ description: 'name of an uploaded 3-D volume to draw the views on (default: a second file, else the input)' }),
  roi: Type.String({ description: 'name of an uploaded label volume (integers > 0): relevance and time courses per region' }),
  maxVoxels: Type.Integer({ minimum: 1, description: 'largest voxel count read (default 2^29)' }),
  resample: StringEnum(['trilinear', 'nearest', 'off'], { default: 'trilinear', description: "a volume on another grid than the model's is resampled onto it through world space (trilinear for data, nearest for label-like data); 'off' refuses it" }),
  gridAffine: Type.Array(Type.Array(Type.Number(), { minItems: 4, maxItems: 4 }), { minItems: 3, maxItems: 4, description: "the model grid's voxel-to-world affine (rows of a 4 × 4 or 3 × 4 matrix, NIfTI ijk order; default: the model's metadata xai.affine, else the input's field of view)" }),
  fill: Type.Number({ default: 0, description: 'value of resampled voxels outside the input volume' }),
  // the views
  colormap: Type.String({ default: 'coldnhot', description: "overlay colormap (coldnhot, bwr, hot, …); 'hot' suits the unsigned modes" }),
  mode: StringEnum(['signed', 'positive', 'absolute'], { default: 'signed', description: 'which relevance the views show' }),
  threshold: Type.Number({ minimum: 0, exclusiveMaximum: 1, default: 0.1, description: 'voxels below this fraction of the colour scale are not coloured' }),
  clipPercentile: Type.Number({ exclusiveMinimum: 0, maximum: 100, description: 'colour scale at this percentile of the non-zero relevance (default: its maximum)' }),
  alpha: Type.Number({ minimum: 0, maximum: 1, default: 1, description: 'overlay opacity' }),
  cut: StringEnum(['peak', 'center'], { default: 'peak', description: 'where the orthogonal slices cross' }),
  gzip: Type.Boolean({ default: true, description: 'write the relevance volume as .nii.gz' }),
});
export type FmriOptions = Static<typeof FMRI_OPTIONS>;

export const fmriAdapter: ModalityAdapter = {
  defaultExplanation: { method: 'lrp', options: { composite: 'epsilon_plus' }, why: 'epsilon_plus reaches a relevance mass accuracy of 0.88 (Conv3D) and 0.73 (CNN + LSTM) on the planted blob in the fMRI demo’s ground-truth check, in seconds where occlusion takes minutes' },
  name: 'fmri',
  description: 'fMRI volumes and runs (NIfTI-1/2, .nii/.nii.gz): relevance as NIfTI, slice views over the anatomy, time courses',
  extensions: [...FMRI_EXTENSIONS],
  demos: { models: fmriDemoModels, inputs: fmriDemoInputs },
  options: asObjectSchema(FMRI_OPTIONS),

  async decode(files: readonly InputFile[], given = {}, model?: readonly ModelInputSpec[]): Promise<DecodedInput> {
    const options = checkedOptions(FMRI_OPTIONS, given, "modality 'fmri'", false);
    const file = files[0];
    if (!file) throw new InvalidArgumentError('no input files given');
    if (!isNifti(file.name)) throw new InvalidArgumentError(`${file.name}: the fmri modality reads ${FMRI_EXTENSIONS.join(', ')} files`);
    const limits = { maxVoxels: options.maxVoxels };
    // Without the option, a second NIfTI file is the anatomical underlay (other companions, e.g. a BIDS .json sidecar, are ignored).
    const anatomicalFile = fileNamed(files, options.anatomical, 'anatomical') ?? (options.roi === undefined ? files.slice(1).find((f) => isNifti(f.name)) ?? null : null);
    const roiFile = fileNamed(files, options.roi, 'roi');

    const probe = await readNifti(file.bytes, file.name, { ...limits, headerOnly: true });
    const fileDims = effectiveDims(probe.header, file.name);
    const axesOption = options.axes ?? 'ijk';
    const target = modelGrid(probe.header, fileDims, axesOption, options, model?.[0]);
    const dims = target ? [...target.grid.dims, ...fileDims.slice(3)] : fileDims;
    const layout = chooseLayout({
      file: file.name, dims, axes: axesOption,
      time: options.time ?? 'auto', volume: options.volume, model: model?.[0], layout: options.layout,
    });
    const fourD = dims.length === 4;
    let values: Float32Array;
    let nanVoxels = 0;
    let header: NiftiHeader;
    let compressed: boolean;
    let resampled: Resampling | null = null;
    if (!target) {
      const readAxes = fourD && layout.mode === 'volume' ? [3, ...layout.spatial] : layout.order;
      const volume = await readNifti(file.bytes, file.name, { ...limits, axes: [...readAxes, ...probe.header.shape.slice(readAxes.length).map((_, k) => readAxes.length + k)] });
      const perVolume = dims[0]! * dims[1]! * dims[2]!;
      values = layout.volumeIndex !== null
        ? (volume.data as Float32Array).slice(layout.volumeIndex * perVolume, (layout.volumeIndex + 1) * perVolume)
        : (volume.data as Float32Array);
      nanVoxels = zeroNonFinite(values);
      header = volume.header;
      compressed = volume.compressed;
    } else {
      // volumes one after the other, each dense in nibabel order, resampled, then laid out as the model takes them
      const readAxes = fourD ? [3, 0, 1, 2] : [0, 1, 2];
      const volume = await readNifti(file.bytes, file.name, { ...limits, axes: [...readAxes, ...probe.header.shape.slice(readAxes.length).map((_, k) => readAxes.length + k)] });
      const source: VoxelGrid = { dims: [fileDims[0]!, fileDims[1]!, fileDims[2]!], affine: volume.header.affine };
      const perVolume = source.dims[0] * source.dims[1] * source.dims[2];
      const all = volume.data as Float32Array;
      const picked = layout.volumeIndex !== null ? all.slice(layout.volumeIndex * perVolume, (layout.volumeIndex + 1) * perVolume) : all;
      nanVoxels = zeroNonFinite(picked);
      const interpolation = target.interpolation;
      const fill = options.fill ?? 0;
      const onGrid = resampleVolumes(picked, source, target.grid, { interpolation, fill, volumes: picked.length / perVolume });
      values = toLayout(onGrid, layout);
      header = onModelGrid(volume.header, target.grid);
      compressed = volume.compressed;
      const facts = (g: VoxelGrid) => ({ dims: [...g.dims], voxelSize: voxelSizes(g.affine).map((v) => Math.round(v * 1e6) / 1e6), affine: g.affine });
      const unit = volume.header.spatialUnit;
      resampled = {
        from: facts(source), to: facts(target.grid), interpolation, fill, gridFrom: target.from,
        text: `resampled from ${describeGrid(source, unit)} to ${describeGrid(target.grid, unit)} (${interpolation})`,
      };
    }
    const normalize: string = options.normalize ?? 'none';
    if (normalize === 'zscore') zscore(values, layout);
    else if (normalize !== 'none') throw new InvalidArgumentError(`normalize must be 'none' or 'zscore', got '${normalize}'`);

    const [anatomical, roi] = [await readExtra(anatomicalFile, 'anatomical'), await readExtra(roiFile, 'roi')];
    const h = header;
    const sizes = voxelSizes(h.affine);
    const axisInfo = (a: number): AxisInfo =>
      a === 3
        ? { name: 't', unit: h.temporalUnit === 'unknown' ? undefined : h.temporalUnit, start: h.toffset, step: h.pixdim[4] }
        : { name: 'ijk'[a]!, unit: h.spatialUnit === 'unknown' ? undefined : h.spatialUnit, start: 0, step: sizes[a] };
    const channel: AxisInfo[] = layout.channelAxis ? [{ name: 'channel', labels: ['signal'] }] : [];
    const named = layout.order.map(axisInfo);
    // The channel axis where the sample has it: last, or first (after the volumes of a batch) for channels-first models.
    const axes: AxisInfo[] = layout.layout === 'channels-last' ? [...named, ...channel] : layout.mode === 'batch' ? [named[0]!, ...channel, ...named.slice(1)] : [...channel, ...named];
    return {
      modality: 'fmri',
      samples: [{ values, shape: layout.sampleShape, dtype: 'float32', layout: layout.layout }],
      axes,
      metadata: {
        file: file.name,
        format: `NIfTI-${h.version}${compressed ? ' (gzip)' : ''}`,
        shape: probe.header.shape,
        datatype: h.datatype.name,
        byteOrder: h.littleEndian ? 'little' : 'big',
        voxelSize: sizes.map((s) => Math.round(s * 1e6) / 1e6),
        spatialUnit: h.spatialUnit,
        ...(fourD ? { volumes: dims[3], repetitionTime: h.pixdim[4], temporalUnit: h.temporalUnit } : {}),
        affine: probe.header.affine,
        affineSource: h.affineSource,
        orientation: axisCodes(h.affine),
        qformCode: h.qformCode,
        sformCode: h.sformCode,
        scaling: h.scaling,
        description: h.description,
        layout: { mode: layout.mode, axes: layout.spatial.map((a) => 'ijk'[a]).join(''), sampleShape: layout.sampleShape, volume: layout.volumeIndex, channels: layout.layout },
        normalize,
        nanVoxels,
        ...(anatomical ? { anatomical: anatomical.file } : {}),
        ...(roi ? { roi: roi.file } : {}),
        ...(resampled ? { resampled } : {}),
      },
      internal: { file: file.name, header: h, layout, values, anatomical, roi, resampled } satisfies FmriInternal,
    };
  },

  async preview(input: DecodedInput): Promise<Artefact> {
    const { header, layout, values, anatomical } = internalOf(input);
    const underlay = anatomical ? volumeGrid(anatomical) : layout.dims[3] > 1 ? denseGrid(reduceTime(values, layout, 'mean'), [layout.dims[0], layout.dims[1], layout.dims[2]], header.affine) : sampleGrid(values, layout, header);
    const view = orthoView(viewContext(underlay, null), { cut: 'center', title: input.metadata.file as string, crosshair: false });
    return { name: 'input.png', mediaType: 'image/png', description: 'sagittal, coronal and axial slices through the centre of the input', bytes: encodePng(view.image) };
  },

  async artefacts(input: DecodedInput, relevance: RelevanceOf, given = {}): Promise<Artefact[]> {
    const options = checkedOptions(FMRI_OPTIONS, given, "modality 'fmri'", false);
    const internal = internalOf(input);
    const { header, layout, values, anatomical, roi } = internal;
    const rel = relevance.relevances[0];
    if (!rel) throw new InvalidArgumentError('no relevance given');
    const expected = layout.sampleShape.reduce((a, b) => a * b, 1);
    if (rel.values.length !== expected) {
      throw new InvalidArgumentError(`relevance has ${rel.values.length} values (shape [${rel.shape.join(', ')}]); the decoded input has [${layout.sampleShape.join(', ')}]`);
    }
    const [ni, nj, nk, T] = layout.dims;
    const series = T > 1;
    const gzip = options.gzip ?? true;
    const view: ViewOptions = {
      colormap: options.colormap,
      mode: options.mode,
      threshold: options.threshold,
      clipPercentile: options.clipPercentile,
      alpha: options.alpha,
      cut: options.cut,
    };
    const target = relevance.targetName ?? `class ${relevance.target}`;
    const composite = typeof relevance.options?.composite === 'string' ? ` ${relevance.options.composite}` : '';
    const title = `${relevance.method}${composite} - ${target}`.slice(0, 60);

    // The relevance volume on the input's grid, geometry and units copied from the input header.
    const nifti = writeNifti({
      data: rel.values, shape: series ? [ni, nj, nk, T] : [ni, nj, nk], axes: layout.order, like: header, gzip,
      description: `xai ${relevance.method} relevance for ${target}`.slice(0, 79), intentName: 'relevance',
    });

    // Views of the relevance summed over time, over the anatomical volume or the (mean) input.
    const rel3 = series ? reduceTime(rel.values, layout, 'sum') : null;
    const relGrid = rel3 ? denseGrid(rel3, [ni, nj, nk], header.affine) : sampleGrid(rel.values, layout, header);
    const underlay = anatomical ? volumeGrid(anatomical) : series ? denseGrid(reduceTime(values, layout, 'mean'), [ni, nj, nk], header.affine) : sampleGrid(values, layout, header);
    const ctx = viewContext(underlay, relGrid, view);
    const ortho = orthoView(ctx, { ...view, title });
    const mosaic = axialMosaic(ctx, { ...view, title });
    const suffix = series ? ' (relevance summed over volumes)' : '';
    const artefacts: Artefact[] = [
      { name: gzip ? 'relevance.nii.gz' : 'relevance.nii', mediaType: gzip ? 'application/gzip' : 'application/octet-stream', description: internal.resampled
        ? `relevance as float32 NIfTI-1 on the model grid (${series ? `4-D, ${T} volumes` : '3-D'}; ${describeGrid({ dims: [ni, nj, nk], affine: header.affine }, header.spatialUnit)}, with its affine): the input was ${internal.resampled.text}`
        : `relevance as float32 NIfTI-1 on the input grid (${series ? `4-D, ${T} volumes` : '3-D'}; qform/sform and units of the input)`, bytes: nifti },
      { name: 'ortho.png', mediaType: 'image/png', description: `sagittal, coronal and axial slices through the relevance peak over the ${anatomical ? 'anatomical volume' : 'input'}${suffix}`, bytes: encodePng(ortho.image) },
      { name: 'axial.png', mediaType: 'image/png', description: `axial slices holding supra-threshold relevance${suffix}`, bytes: encodePng(mosaic.image) },
    ];

    // Regions: supra-threshold voxels and the peak voxel (of the time-summed map), ROI labels.
    const quantity = ctx.quantity;
    const nVox = ni * nj * nk;
    const relAt = (p: number) => voxelAt(relGrid, Math.floor(p / (nj * nk)), Math.floor(p / nk) % nj, p % nk);
    let peak = 0;
    for (let p = 1; p < nVox; p++) if (quantity(relAt(p)) > quantity(relAt(peak))) peak = p;
    const supra = new Uint8Array(nVox);
    for (let p = 0; p < nVox; p++) supra[p] = ctx.scale > 0 && quantity(relAt(p)) >= ctx.threshold && quantity(relAt(p)) > 0 ? 1 : 0;
    const peakVoxel = [Math.floor(peak / (nj * nk)), Math.floor(peak / nk) % nj, peak % nk];
    const regions: Region[] = [
      { name: 'total', mask: new Uint8Array(nVox).fill(1) },
      { name: 'supra_threshold', mask: supra },
      { name: `peak_${peakVoxel.join('_')}`, mask: Uint8Array.from({ length: nVox }, (_, p) => (p === peak ? 1 : 0)) },
      ...(roi ? roiRegions(roi, header, [ni, nj, nk]) : []),
    ];
    const courses = timeCourses({ grid: sampleGrid(rel.values, layout, header), timeStride: layout.strides[3], volumes: T }, regions);
    const tr = header.pixdim[4] || 1;
    const unit = header.temporalUnit === 'unknown' ? 'volume' : header.temporalUnit;
    const times = Array.from({ length: T }, (_, t) => header.toffset + t * (header.temporalUnit === 'unknown' ? 1 : tr));
    // volumes explained one by one: one prediction per volume (the logits are T rows of class scores)
    const predictions = series && layout.mode === 'batch' && relevance.logits && relevance.logits.length % T === 0 && relevance.logits.length > 0
      ? volumePredictions({
        file: internal.file, method: relevance.method, target: relevance.target, ...(relevance.targetName !== undefined ? { targetName: relevance.targetName } : {}),
        logits: relevance.logits, ...(relevance.targets ? { targets: relevance.targets } : {}), ...(relevance.classNames ? { classNames: relevance.classNames } : {}),
        relevance: rel.values, layout, times, timeUnit: unit, repetitionTime: tr,
      })
      : null;
    if (predictions) {
      artefacts.push(
        textArtefact('fmri-volumes.json', 'application/json', `per-volume predictions of the ${T} volumes: class scores, predicted and explained class, relevance sums`, JSON.stringify(predictions)),
        textArtefact('volumes.csv', 'text/csv', 'per volume: time, predicted and explained class, class scores, relevance sums', volumePredictionsCsv(predictions)),
        { name: 'scores.png', mediaType: 'image/png', description: 'class scores per volume over time', bytes: encodePng(volumeScoresPlot(predictions)) },
      );
    }
    if (series) {
      artefacts.push(
        { name: 'timecourse.png', mediaType: 'image/png', description: 'relevance per volume: whole volume, supra-threshold region, peak voxel and ROIs', bytes: encodePng(timeCoursePlot(times, courses.slice(0, 7), { title: `relevance time course - ${target}`.slice(0, 56), xLabel: `time (${unit})`, yLabel: 'relevance' })) },
        textArtefact('timecourse.csv', 'text/csv', 'relevance per volume and region (Σ over the region)', timeCourseCsv(times, courses, unit)),
      );
    }
    if (roi) {
      const rows = courses.slice(3).map((c, n) => {
        const mask = regions[3 + n]!.mask;
        let pos = 0;
        for (let p = 0; p < nVox; p++) if (mask[p]) pos += Math.max(0, relAt(p));
        return `${c.name},${c.voxels},${c.values.reduce((a, b) => a + b, 0)},${pos}`;
      });
      artefacts.push(textArtefact('regions.csv', 'text/csv', 'relevance per ROI label: voxels, Σ relevance, Σ positive relevance', ['region,voxels,relevance,positive_relevance', ...rows].join('\n') + '\n'));
    }
    let total = 0;
    let positive = 0;
    for (let p = 0; p < rel.values.length; p++) {
      total += rel.values[p]!;
      positive += Math.max(0, rel.values[p]!);
    }
    const summary = {
      method: relevance.method, target: relevance.target, targetName: relevance.targetName, logits: relevance.logits, options: relevance.options,
      file: internal.file, layout: layout.mode, relevanceSum: total, positiveRelevanceSum: positive,
      peak: { voxel: peakVoxel, world: applyAffine(header.affine, peakVoxel), value: relAt(peak) },
      cut: { voxel: ortho.cutVoxel, world: ortho.cutWorld, on: anatomical ? anatomical.file : internal.file },
      colourScale: ctx.scale, threshold: ctx.threshold, supraThresholdVoxels: supra.reduce((a, b) => a + b, 0),
      orientation: axisCodes(header.affine), units: { space: header.spatialUnit, time: header.temporalUnit },
      ...(internal.resampled ? { resampled: internal.resampled } : {}),
    };
    artefacts.push(textArtefact('summary.json', 'application/json', 'peak, cut, colour scale, threshold and relevance sums', JSON.stringify(summary, null, 2)));
    const interactive = fmriView(relGrid, underlay, {
      file: internal.file, underlayFile: anatomical ? anatomical.file : internal.file, nifti: artefacts[0]!.name,
      spatialUnit: header.spatialUnit, volumesSummed: T, method: relevance.method, target: relevance.target,
      ...(relevance.targetName !== undefined ? { targetName: relevance.targetName } : {}),
      ...(internal.resampled ? { resampled: internal.resampled.text } : {}),
    }, predictions ? Array.from({ length: T }, (_, t) => ({ ...sampleGrid(rel.values, layout, header), offset: t * layout.strides[3] })) : []);
    if (interactive) {
      artefacts.push(textArtefact('fmri-view.json', 'application/json', `numbers for interactive views: relevance${suffix} and underlay on one RAS voxel grid, affine, peak`, JSON.stringify(interactive)));
    }
    if (rel.values.length <= JSON_LIMIT) {
      const json = relevanceJson({ relevance: rel.values, shape: rel.shape, method: relevance.method, target: relevance.target, logits: relevance.logits, options: relevance.options as Record<string, unknown> });
      artefacts.push(textArtefact('relevance.json', 'application/json', 'relevance values with shape, method, target and logits', JSON.stringify({ ...json, targetName: relevance.targetName, axes: input.axes.map((a) => a.name) })));
    }
    return artefacts;
  },
};


function internalOf(input: DecodedInput): FmriInternal {
  const internal = input.internal as FmriInternal | undefined;
  if (input.modality !== 'fmri' || !internal?.layout) throw new InvalidArgumentError(`the fmri adapter cannot draw a '${input.modality}' input`);
  return internal;
}
