import { Type, type TSchema } from 'typebox';
import { ID_PATTERN } from './storage/data-dir.js';

/** Every 4xx/5xx body. */
export const ErrorBody = Type.Object(
  { error: Type.String({ description: 'error name, e.g. NotFound, PayloadTooLarge, InvalidModelError' }), message: Type.String({ description: 'what went wrong, naming the file, field or option' }) },
  { description: 'an error' },
);

const ERROR_TEXT: Record<number, string> = {
  400: 'invalid request (fields, options, names)',
  401: 'missing or wrong bearer token (when XAI_TOKEN is set)',
  403: 'read-only (a demo)',
  404: 'no such resource',
  409: 'conflict with the current state (job not finished, resource in use)',
  413: 'upload larger than the configured limits',
  415: 'not multipart/form-data, or no modality reads this kind of file',
  416: 'the requested byte range lies outside the file',
  422: 'the file content could not be read (corrupt, wrong format)',
  429: 'rate limit exceeded',
};

/** Error responses of a route, for validation-free documentation and serialisation. */
export function errors(...codes: number[]): Record<number, TSchema> {
  const all = [...new Set([...codes, 401, 429])];
  return Object.fromEntries(all.map((c) => [c, { ...ErrorBody, description: ERROR_TEXT[c] ?? 'error' }]));
}

export const IdParams = Type.Object({ id: Type.String({ pattern: ID_PATTERN, description: 'a generated id (or a demo id)' }) });

/** An object whose properties are passed through as they are (metadata, option schemas …). */
export const Open = (description: string, properties: Record<string, TSchema> = {}) => Type.Object(properties, { additionalProperties: true, description });

export const Link = Type.String({ description: 'a URL path on this server' });
export const JsonObject = Type.Record(Type.String(), Type.Unknown(), { description: 'a JSON object' });

/** The decoding facts a model's inputs are read with (the facts stated at its upload over its file's metadata). */
const FactValues = {
  channels: Type.Optional(Type.Array(Type.String(), { description: "channel names in the order of the model's channel axis" })),
  sampleRate: Type.Optional(Type.Number({ description: 'sampling rate of the model input in Hz' })),
  unit: Type.Optional(Type.String({ description: 'unit of the voltages the model was trained on: uV, mV or V' })),
  layout: Type.Optional(Type.String({ description: "the modality's input layout option (stated at upload only)" })),
};
export const DecodingFacts = Open("what decoding uses: the facts stated with the upload (POST /models fields channels, sampleRate, unit, layout) over the model file's metadata (xai.channels, xai.sfreq, xai.unit)", {
  ...FactValues,
  sources: Type.Record(Type.String(), Type.String(), { description: "where each fact comes from: 'upload' or the metadata key it was read from" }),
  stated: Open('the facts stated with the upload alone ({} when none)', FactValues),
});

export const ModelSummary = Open('a stored model', {
  id: Type.String(),
  name: Type.String(),
  source: Type.Union([Type.Literal('upload'), Type.Literal('demo')]),
  readonly: Type.Boolean(),
  modality: Type.Union([Type.String(), Type.Null()]),
  description: Type.String(),
  createdAt: Type.String(),
  inputShapes: Type.Array(Type.Array(Type.Union([Type.Integer(), Type.Null()]))),
  outputShapes: Type.Array(Type.Array(Type.Union([Type.Integer(), Type.Null()]))),
  parameters: Type.Integer({ description: 'tfjs: countParams(); ONNX: elements of the floating-point initializers' }),
  classNames: Type.Union([Type.Array(Type.String()), Type.Null()], { description: "given with the upload, else the model file's own (xai.classes …)" }),
  format: Type.Union([Type.Literal('tfjs'), Type.Literal('onnx')], { description: 'the file format the model was uploaded in' }),
  producer: Type.Union([Type.String(), Type.Null()], { description: 'ONNX producer name and version, e.g. "pytorch 1.13.0"' }),
  opset: Type.Union([Type.Integer(), Type.Null()], { description: 'ONNX default operator set version' }),
  metadata: Type.Record(Type.String(), Type.Unknown(), { description: 'what the model file says about itself: ONNX metadata_props, tfjs userDefinedMetadata' }),
  methods: Type.Optional(Type.Array(Type.String(), { description: 'the methods that can explain it (GET /methods describes them); absent for models stored before it was recorded' })),
  decodingFacts: DecodingFacts,
  tokenizer: Type.Optional(
    Type.Object(
      { file: Type.String(), kind: Type.String(), vocabularySize: Type.Union([Type.Integer(), Type.Null()]), maxLength: Type.Union([Type.Integer(), Type.Null()]) },
      { description: 'the tokenizer.json uploaded with the model: text explained with it is tokenised into its subwords' },
    ),
  ),
  signature: Type.Optional(
    Type.Array(
      Type.Object({
        name: Type.String(),
        shape: Type.Array(Type.Union([Type.Integer(), Type.Null()]), { description: 'with the batch axis (null: any size)' }),
        dtype: Type.String(),
        layout: Type.String({ description: 'NCHW, NCT, NCDHW (ONNX, channels-first), NHWC, NTC, NDHWC (tfjs, channels-last), NF ([batch, features])' }),
      }),
      { description: 'each model input: name, shape, dtype and layout' },
    ),
  ),
});

export const LayerRow = Open('a graph node and the rule the composite gives it', {
  node: Type.String(),
  layer: Type.String(),
  class: Type.String(),
  kind: Type.String(),
  rule: Type.Union([Type.String(), Type.Null()]),
});

export const ModelDetail = Open('a stored model with its layer table under a composite', {
  ...ModelSummary.properties,
  composite: Type.String(),
  layers: Type.Array(LayerRow),
  rulesError: Type.Optional(Type.String()),
  composites: Type.Array(Type.String()),
});

const EegChannel = Type.Object({ label: Type.String(), unit: Type.String(), sampleRate: Type.Number({ description: 'Hz' }) });
export const InputFacts = Open("what an input's files hold, by modality: EEG recordings (channels, rates, annotations), NIfTI volumes (dims, voxel size, affine), WAV recordings (rate, channels, duration); other modalities: modality and files only", {
  modality: Type.String(),
  files: Type.Array(Type.String()),
  file: Type.Optional(Type.String({ description: 'the file the facts were read from' })),
  format: Type.Optional(Type.String({ description: 'EEG: EDF, EDF+C, EDF+D, BDF, BrainVision …' })),
  start: Type.Optional(Type.Union([Type.String(), Type.Null()], { description: 'EEG: recording start (ISO 8601), null when the file has none' })),
  duration: Type.Optional(Type.Number({ description: 'EEG, audio: seconds' })),
  channels: Type.Optional(Type.Union([Type.Array(EegChannel), Type.Integer()], { description: 'EEG: each channel (label, unit, Hz); audio: the number of channels' })),
  sampleRates: Type.Optional(Type.Array(Type.Number(), { description: 'EEG: the distinct channel rates in Hz' })),
  annotations: Type.Optional(
    Type.Array(Type.Object({ description: Type.String(), count: Type.Integer(), firstOnset: Type.Number({ description: 's' }) }), { description: 'EEG: annotation descriptions (at most 200), how often each occurs and its first onset' }),
  ),
  annotationCount: Type.Optional(Type.Integer({ description: 'EEG: all annotations' })),
  dims: Type.Optional(Type.Array(Type.Integer(), { description: 'NIfTI: the volume dimensions' })),
  voxelSize: Type.Optional(Type.Array(Type.Number(), { description: 'NIfTI: voxel size per spatial axis' })),
  affine: Type.Optional(Type.Array(Type.Array(Type.Number()), { description: 'NIfTI: voxel-to-world 4×4 matrix' })),
  affineSource: Type.Optional(Type.String({ description: "NIfTI: 'sform', 'qform' or 'fallback'" })),
  sampleRate: Type.Optional(Type.Number({ description: 'audio: Hz' })),
  bitsPerSample: Type.Optional(Type.Integer({ description: 'audio' })),
});

export const InputView = Open('a stored input', {
  id: Type.String(),
  name: Type.String(),
  source: Type.Union([Type.Literal('upload'), Type.Literal('demo')]),
  readonly: Type.Boolean(),
  modality: Type.String(),
  description: Type.String(),
  createdAt: Type.String(),
  files: Type.Array(Type.Object({ name: Type.String(), size: Type.Integer(), url: Link })),
  model: Type.Union([Type.String(), Type.Null()]),
  metadata: JsonObject,
  samples: Type.Array(Type.Object({ shape: Type.Array(Type.Integer()), dtype: Type.String() })),
  preview: Type.Union([Link, Type.Null()]),
  misfit: Type.Optional(
    Type.Object(
      { model: Type.String({ description: 'the model named at upload' }), message: Type.String({ description: 'why the files do not fit it as they are (channels, rate …)' }) },
      { description: 'upload with fit=report: the input does not fit the model; it was stored decoded without it (model is null)' },
    ),
  ),
});

export const JobView = Open('a job (explanation, benchmark or analysis)', {
  id: Type.String(),
  kind: Type.Union([Type.Literal('explanation'), Type.Literal('benchmark'), Type.Literal('analysis')]),
  state: Type.Union(['queued', 'running', 'succeeded', 'failed', 'cancelled'].map((s) => Type.Literal(s))),
  progress: Type.Union([JsonObject, Type.Null()]),
  error: Type.Union([Type.Object({ error: Type.String(), message: Type.String() }), Type.Null()]),
  request: JsonObject,
  createdAt: Type.String(),
  startedAt: Type.Union([Type.String(), Type.Null()]),
  finishedAt: Type.Union([Type.String(), Type.Null()]),
  cancelRequested: Type.Optional(Type.Boolean()),
  links: Open('related URLs', { self: Link, events: Link, result: Link }),
});

export const JobSummary = Open('a job as listed: what it named, no request body', {
  id: Type.String(),
  kind: Type.Union([Type.Literal('explanation'), Type.Literal('benchmark'), Type.Literal('analysis')]),
  state: Type.Union(['queued', 'running', 'succeeded', 'failed', 'cancelled'].map((s) => Type.Literal(s))),
  progress: Type.Union([JsonObject, Type.Null()]),
  error: Type.Union([Type.Object({ error: Type.String(), message: Type.String() }), Type.Null()]),
  summary: Open('model, input, method (explanations); model, dataset or number of inputs, numbers of methods and metrics (benchmarks); textLength for inline text'),
  createdAt: Type.String(),
  startedAt: Type.Union([Type.String(), Type.Null()]),
  finishedAt: Type.Union([Type.String(), Type.Null()]),
  cancelRequested: Type.Optional(Type.Boolean()),
  links: Open('related URLs', { self: Link, events: Link, result: Link }),
});

/** Method or metric: a name, or a name with options and a table label. */
export const MethodEntry = Type.Union([
  Type.String({ minLength: 1 }),
  Type.Object({ method: Type.String({ minLength: 1 }), options: Type.Optional(JsonObject), label: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })) }, { additionalProperties: false }),
]);
export const MetricEntry = Type.Union([
  Type.String({ minLength: 1 }),
  Type.Object({ name: Type.String({ minLength: 1 }), options: Type.Optional(JsonObject), label: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })) }, { additionalProperties: false }),
]);

export const ExplanationRequest = Type.Object(
  {
    model: Type.String({ pattern: ID_PATTERN, description: 'model id' }),
    input: Type.Optional(Type.String({ pattern: ID_PATTERN, description: 'input id (or give `text`)' })),
    text: Type.Optional(Type.String({ minLength: 1, maxLength: 1_000_000, description: 'inline text, explained with the modality that reads .txt files' })),
    method: Type.String({ minLength: 1, description: 'a method name from GET /methods' }),
    options: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: "the method's options (its schema in GET /methods)" })),
    target: Type.Optional(Type.Integer({ minimum: 0, description: 'class index to explain (default: the predicted class)' })),
    output: Type.Optional(Type.Union([Type.Integer({ minimum: 0 }), Type.String()], { description: 'output head of a multi-output model' })),
    explainedInputs: Type.Optional(
      Type.Array(Type.Union([Type.Integer({ minimum: 0 }), Type.String({ minLength: 1 })]), {
        minItems: 1,
        maxItems: 16,
        description: 'multi-input models (image + question …): the inputs to explain, by name or index (default: every input the method can explain)',
      }),
    ),
    decodeOptions: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: "the modality's decoding options (GET /modalities)" })),
    renderOptions: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: "the modality's rendering options (colormap …)" })),
    executor: Type.Optional(
      Type.Union([Type.Literal('auto'), Type.Literal('tfjs'), Type.Literal('ort')], {
        description:
          "what runs the explanation: 'ort' (compiled to ONNX Runtime), 'tfjs', or 'auto' (the default: the server's XAI_EXECUTOR, else 'ort' where onnxruntime-node is installed and the method runs on it, else 'tfjs'). What ORT cannot run yet runs on tfjs, and the result says why (execution.fallback)",
      }),
    ),
  },
  { additionalProperties: false },
);

export const BenchmarkRequest = Type.Object(
  {
    model: Type.String({ pattern: ID_PATTERN }),
    inputs: Type.Optional(Type.Array(Type.String({ pattern: ID_PATTERN }), { minItems: 1, maxItems: 1024, description: 'stored inputs (or give `dataset`)' })),
    labels: Type.Optional(Type.Array(Type.Integer({ minimum: 0 }), { description: 'true class per input (needed for target "label")' })),
    dataset: Type.Optional(
      Type.Union([
        Type.Object({ name: Type.String(), count: Type.Integer({ minimum: 1 }), seed: Type.Optional(Type.Integer({ minimum: 0 })) }, { additionalProperties: false, description: 'a generated data set (GET /datasets)' }),
        Type.Object(
          { id: Type.String({ pattern: ID_PATTERN }), count: Type.Optional(Type.Integer({ minimum: 1, description: 'the first count inputs (default all)' })) },
          { additionalProperties: false, description: 'an uploaded data set (POST /datasets)' },
        ),
      ]),
    ),
    methods: Type.Array(MethodEntry, { minItems: 1, maxItems: 32 }),
    metrics: Type.Array(MetricEntry, { minItems: 1, maxItems: 32 }),
    seed: Type.Optional(Type.Integer({ minimum: 0 })),
    target: Type.Optional(Type.Union([Type.Literal('label'), Type.Literal('predicted')])),
    batchSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 4096 })),
  },
  { additionalProperties: false },
);
