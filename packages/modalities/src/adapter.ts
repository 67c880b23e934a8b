import type { ObjectSchema } from '@xai/core';
import type { InputLayout } from './layout.js';

/** A file as the user gave it (upload, CLI argument): its name decides the format. */
export interface InputFile {
  readonly name: string;
  readonly bytes: Uint8Array;
}

/** What a model expects of one input, without the batch axis (null: any size). */
export interface ModelInputSpec {
  readonly shape: readonly (number | null)[];
  readonly dtype: 'float32' | 'int32';
  /**
   * Where the input's channel axis lies, as the model's format says (ONNX inputs of rank ≥ 3 with
   * the batch axis: channels-first; tfjs: channels-last); absent: channels-last. Adapters check it
   * against the shape and take a stated `layout` option over it.
   */
  readonly layout?: InputLayout;
  /** The model's metadata (ONNX metadata_props), the same for every input: e.g. an EEG model's channels and rate. */
  readonly metadata?: Readonly<Record<string, string>>;
}

/** One sample of one model input, flat in row-major order, without the batch axis. */
export interface SampleArray {
  readonly values: Float32Array | Int32Array;
  readonly shape: readonly number[];
  readonly dtype: 'float32' | 'int32';
  /** Where the channel axis of `values` lies (relevance of the sample comes back in the same layout); absent: channels-last. */
  readonly layout?: InputLayout;
}

/**
 * The physical meaning of one axis of a decoded input: values along it are `start + i·step` in
 * `unit` (seconds, Hz, mm …) or carry one label each (channel names, tokens).
 */
export interface AxisInfo {
  readonly name: string;
  readonly unit?: string;
  readonly start?: number;
  readonly step?: number;
  readonly labels?: readonly string[];
}

/** A decoded input: tensors for the model plus what maps them back to the user's file. */
export interface DecodedInput {
  readonly modality: string;
  /** One sample per model input (most models have one). */
  readonly samples: readonly SampleArray[];
  /** Axes of the first sample, one entry per axis. */
  readonly axes: readonly AxisInfo[];
  /** JSON facts a person reads: channels, rate, duration, tokens, offsets … */
  readonly metadata: Readonly<Record<string, unknown>>;
  /** Adapter-private decoding state needed to draw artefacts (not JSON). */
  readonly internal?: unknown;
}

/** Relevance of one explained sample (per model input), with what produced it. */
export interface RelevanceOf {
  /** Relevance per model input, each shaped like that input's sample. */
  readonly relevances: readonly { values: Float32Array; shape: readonly number[] }[];
  readonly method: string;
  readonly target: number;
  readonly targetName?: string;
  readonly logits?: readonly number[];
  readonly options?: Readonly<Record<string, unknown>>;
  /** When the sample is a batch explained sample by sample (an fMRI run's volumes): each one's target; `logits` then holds their rows one after the other. */
  readonly targets?: readonly number[];
  /** The model's class names by output index, when known. */
  readonly classNames?: readonly string[];
}

/** A file an adapter produces for people to look at (heatmap PNG, HTML, EDF+, NIfTI, CSV …). */
export interface Artefact {
  readonly name: string;
  readonly mediaType: string;
  readonly description: string;
  readonly bytes: Uint8Array;
}

/** A shipped demo model of a modality (trained by a script in the repository, weights committed). */
export interface DemoModel {
  readonly name: string;
  /** Absolute path of its model.json. */
  readonly path: string;
  readonly description: string;
  /** Class names by output index. */
  readonly classNames?: readonly string[];
  /** Decoding options this model needs (e.g. its vocabulary, its representation). */
  readonly decodeOptions?: Readonly<Record<string, unknown>>;
}

/** A shipped demo input: the files one decode call reads. */
export interface DemoInput {
  readonly name: string;
  /** Absolute paths. */
  readonly files: readonly string[];
  readonly description: string;
  /** The demo model this input is meant for. */
  readonly model: string;
}

/** The method and options a modality's views start with, and the measurement that chose them. */
export interface DefaultExplanation {
  readonly method: string;
  readonly options: Readonly<Record<string, unknown>>;
  /** One line: why these (the demo's ground-truth check that supports them). */
  readonly why: string;
}

/**
 * A modality: decodes the files of its field into model inputs (keeping the mapping to physical
 * units), and turns relevance back into artefacts in the views of its field.
 */
export interface ModalityAdapter {
  readonly name: string;
  readonly description: string;
  /** File extensions it reads, lower case with the dot ('.wav'). */
  readonly extensions: readonly string[];
  /** JSON schema of the decoding options (forms in the dashboard are built from it). */
  readonly options: ObjectSchema;
  /** Decodes one input (some formats need several files, e.g. BrainVision's .vhdr/.vmrk/.eeg). */
  decode(files: readonly InputFile[], options?: Readonly<Record<string, unknown>>, model?: readonly ModelInputSpec[]): Promise<DecodedInput>;
  /** A picture of the decoded input (PNG), for galleries and upload previews. */
  preview(input: DecodedInput): Promise<Artefact>;
  /** What explanations of this modality start with (the dashboard's Explain form), when measured. */
  readonly defaultExplanation?: DefaultExplanation;
  /** Demo models and inputs of this modality (for `npm start`, the gallery and the tests). */
  readonly demos?: { readonly models: readonly DemoModel[]; readonly inputs: readonly DemoInput[] };
  /** The artefacts of one explanation of `input`. */
  artefacts(input: DecodedInput, relevance: RelevanceOf, options?: Readonly<Record<string, unknown>>): Promise<Artefact[]>;
}
