export interface JsonSchema {
  type?: string;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  default?: unknown;
  description?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  'x-object'?: boolean;
  'x-tensor'?: boolean;
  [key: string]: unknown;
}

export interface Method {
  name: string;
  family: string;
  description: string;
  wrappable: boolean;
  options: JsonSchema;
}
export interface MethodsResponse {
  methods: Method[];
  families: Record<string, string>;
  composites: string[];
}
export interface Metric {
  name: string;
  category: string;
  description: string;
  direction: 'higher' | 'lower';
  requires: string[];
  options: JsonSchema;
}
export interface Modality {
  name: string;
  description: string;
  extensions: string[];
  /** The method and options explanations of this modality start with, and why. */
  defaultExplanation?: { method: string; options: Record<string, unknown>; why: string };
  demos: { models: string[]; inputs: string[] };
  /** The adapter's decoding (and rendering) options: the Explain form's decoding options are built from it. */
  options?: JsonSchema;
}
export interface Model {
  id: string;
  name: string;
  source: string;
  readonly: boolean;
  modality: string | null;
  description: string;
  inputShapes: (number | null)[][];
  outputShapes: (number | null)[][];
  parameters: number;
  classNames: string[] | null;
  /** The file format it was uploaded in; ONNX models also name their producer and opset. */
  format?: 'tfjs' | 'onnx';
  producer?: string | null;
  opset?: number | null;
  /** What the model file says about itself: ONNX metadata_props, tfjs userDefinedMetadata. */
  metadata?: Record<string, unknown>;
  /** Each input: name, shape with the batch axis (null), dtype, layout (NCHW, NHWC, NF …). */
  signature?: InputSignature[];
  /** The methods that can explain it (core's methodsFor); absent for models stored before the server recorded them. */
  methods?: string[];
  /** The tokenizer.json uploaded with a transformer text model. */
  tokenizer?: { file: string; kind: string; vocabularySize: number | null; maxLength: number | null };
  /** What decoding uses (stated with the upload over the file's metadata), each with its source ('upload' or a metadata key). */
  decodingFacts?: DecodingFacts;
}
export interface DecodingFacts {
  channels?: string[];
  sampleRate?: number;
  unit?: string;
  layout?: string;
  sources: Record<string, string>;
}
/** What an input's files hold (GET inputs/:id/facts), by modality. */
export interface InputFacts {
  modality: string;
  files: string[];
  file?: string;
  // EEG
  format?: string;
  duration?: number;
  channels?: { label: string; unit: string; sampleRate: number }[] | number;
  sampleRates?: number[];
  annotations?: { description: string; count: number; firstOnset: number }[];
  annotationCount?: number;
  // fMRI
  dims?: number[];
  voxelSize?: number[];
  spatialUnit?: string;
  volumes?: number;
  repetitionTime?: number;
  temporalUnit?: string;
  affine?: number[][];
  affineSource?: string;
  // audio
  sampleRate?: number;
  bitsPerSample?: number;
}
export interface InputSignature {
  name: string;
  shape: (number | null)[];
  dtype: string;
  layout: string;
}
export interface Layer {
  node: string;
  layer: string;
  class: string;
  kind: string;
  rule: string | null;
}
export interface ModelDetail extends Model {
  composite: string;
  composites: string[];
  layers: Layer[];
  rulesError?: string;
}
export interface Input {
  id: string;
  name: string;
  source: string;
  modality: string;
  description: string;
  model: string | null;
  preview: string | null;
  metadata: Record<string, unknown>;
  /** Uploaded with fit=report: the file reads but does not fit this model as it is. */
  misfit?: { model: string; message: string };
}
export interface Job {
  id: string;
  kind: 'explanation' | 'benchmark' | 'analysis';
  state: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
  progress: { fraction?: number; done?: number; total?: number; phase?: string; [k: string]: unknown } | null;
  error: { error?: string; message?: string } | null;
  links: { self: string; events: string; result: string };
}
export interface Artefact {
  name: string;
  mediaType: string;
  description: string;
  size: number;
  url: string;
}
export interface ExplanationResult {
  job: string;
  model: string;
  input: string | null;
  modality: string;
  method: string;
  options: Record<string, unknown>;
  target: number;
  targetName?: string;
  logits: number[];
  /** `layout`: where the relevance has its channel axis (ONNX image models: channels-first [c, h, w]; older results: absent). */
  relevance: { input: number; shape: number[]; sum: number; layout?: 'channels-first' | 'channels-last'; json: string; binary: string }[];
  artefacts: Artefact[];
  /** What ran the explanation (results stored before executors were reported: absent). */
  execution?: Execution;
  /** One-line notices of the run (a fallback from ort to tfjs). */
  notices?: string[];
}
/** The executor that ran an explanation: tfjs, or ort with its provider; `fallback`: why ort was not used. */
export interface Execution {
  executor: string;
  provider?: string;
  fallback?: string;
  built?: boolean;
  buildMs?: number;
}
export interface BenchmarkRow {
  method: string;
  metric: string;
  direction: 'higher' | 'lower';
  mean: number | null;
  stderr: number | null;
  n: number;
  /** Why the cell has no value (the metric failed, or no sample had a score). */
  error?: string;
}
/** Mean perturbation curve of one method under one metric (pixel flipping, region perturbation …). */
export interface BenchmarkCurve {
  method: string;
  metric: string;
  x: number[];
  xLabel: string;
  yLabel: string;
  labels?: string[];
  mean: (number | null)[];
}
export interface BenchmarkResult {
  job: string;
  benchmark: {
    methods: { label: string }[];
    metrics: { label: string; direction: 'higher' | 'lower'; category?: string }[];
    table: BenchmarkRow[];
    curves?: BenchmarkCurve[];
  };
  files: Artefact[];
}

/** A data set a benchmark runs on: generated (by name) or uploaded (a .zip; by id). */
export interface Dataset {
  name: string;
  source: 'generated' | 'upload';
  description: string;
  hasMasks: boolean;
  shape: number[];
  /** Generated: the most samples per benchmark. */
  maxCount?: number;
  /** Uploaded: */
  id?: string;
  modality?: string;
  count?: number;
  labelSource?: 'labels.csv' | 'folders';
  /** Each distinct label, the class index it resolves to for the model it was checked with (null: a name the model lacks), and its count. */
  labels?: { label: string; index: number | null; count: number }[];
  model?: string | null;
  ignored?: string[];
}
