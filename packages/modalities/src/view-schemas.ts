/**
 * The JSON the dashboard reads (`audio-view.json`, `eeg-view.json`, `fmri-view.json`,
 * `temporal-relevance.json`, the text's `tokens.json`, the VQA `answer.json`), declared once as TypeBox schemas: the adapters' types come from
 * them, the tests validate what the adapters write against them, and the dashboard imports the
 * types through `@xai/modalities/view-schemas` (this module imports nothing but typebox, so it
 * is safe in a browser bundle).
 */
import { Type, type Static } from 'typebox';

const Header = <F extends string>(format: F) => ({
  format: Type.Literal(format),
  version: Type.Literal(1),
  file: Type.String({ description: 'the input file' }),
  method: Type.String(),
  target: Type.Integer({ description: 'explained output index' }),
  targetName: Type.Optional(Type.String()),
});

const Pair = Type.Tuple([Type.Number(), Type.Number()]);
const Triple = Type.Tuple([Type.Number(), Type.Number(), Type.Number()]);

/** `values[i] / steps × scale` approximates the original value i. */
export const QuantisedValuesSchema = Type.Object({
  scale: Type.Number({ minimum: 0, description: 'the largest |value| (0 when all are zero)' }),
  steps: Type.Integer({ minimum: 1, description: 'integer steps between 0 and ±scale' }),
  values: Type.Array(Type.Integer()),
});
export type QuantisedValues = Static<typeof QuantisedValuesSchema>;

/** `audio-view.json`: spectrogram relevance with its axes and the waveform envelope with relevance per column. */
export const AudioViewSchema = Type.Object({
  ...Header('xai-audio-view'),
  representation: Type.Union([Type.Literal('spectrogram'), Type.Literal('waveform')]),
  recording: Type.Object({ duration: Type.Number(), sampleRate: Type.Number() }),
  window: Type.Object({
    start: Type.Number({ description: "time of the model window's first sample, seconds of the recording" }),
    rate: Type.Number(),
    samples: Type.Integer(),
  }),
  waveform: Type.Object({
    columns: Type.Integer(),
    start: Type.Number({ description: "time of the first column's start, s" }),
    step: Type.Number({ description: 'column width, s' }),
    min: Type.Array(Type.Number()),
    max: Type.Array(Type.Number()),
    relevance: QuantisedValuesSchema,
  }),
  spectrogram: Type.Optional(
    Type.Object({
      bins: Type.Integer(),
      frames: Type.Integer(),
      frequencyStep: Type.Number({ description: 'Hz of bin b: b × frequencyStep (bin 0 = 0 Hz)' }),
      frameStart: Type.Number({ description: 'centre time of frame f: frameStart + f × frameStep' }),
      frameStep: Type.Number(),
      relevance: QuantisedValuesSchema,
    }),
  ),
});
export type AudioView = Static<typeof AudioViewSchema>;

/** `eeg-view.json`: channel × time relevance, montage positions and annotations in the epoch's time base. */
export const EegViewSchema = Type.Object({
  ...Header('xai-eeg-view'),
  channels: Type.Array(Type.String()),
  positions: Type.Array(Type.Union([Pair, Type.Null()]), { description: 'per channel: x (right) and y (nose) in head radii; null when the montage does not know it' }),
  sampleRate: Type.Number(),
  tmin: Type.Number({ description: 'start of the first column, s relative to the event' }),
  columns: Type.Integer(),
  columnSeconds: Type.Number(),
  relevance: QuantisedValuesSchema,
  annotations: Type.Array(Type.Object({ onset: Type.Number(), duration: Type.Number(), description: Type.String() })),
});
export type EegView = Static<typeof EegViewSchema>;

/** `fmri-view.json`: relevance and underlay volumes in RAS+ voxel order, with the affine to world coordinates. */
export const FmriViewSchema = Type.Object({
  ...Header('xai-fmri-view'),
  dims: Triple,
  voxelSize: Triple,
  spatialUnit: Type.String(),
  affine: Type.Array(Type.Array(Type.Number(), { minItems: 4, maxItems: 4 }), { minItems: 4, maxItems: 4, description: 'RAS voxel index → world coordinates (row-major 4 × 4)' }),
  sourceOrientation: Type.String({ description: "orientation codes of the input file's voxel axes (e.g. 'LAS')" }),
  relevance: QuantisedValuesSchema,
  underlay: Type.Array(Type.Integer({ minimum: 0, maximum: 255 })),
  underlayFile: Type.String(),
  peak: Triple,
  nifti: Type.String({ description: 'the artefact holding the full-precision relevance' }),
  volumesSummed: Type.Integer(),
  resampled: Type.Optional(Type.String({ description: "how the input was resampled onto the model's grid (the grid of this view and of the NIfTI), e.g. 'resampled from 64×64×30 at 3 mm to 32×32×16 at 3 mm (trilinear)'" })),
  volumeRelevance: Type.Optional(Type.Array(QuantisedValuesSchema, { description: "runs explained volume by volume: each volume's relevance on the same RAS grid as `relevance` (absent when too large)" })),
});
export type FmriView = Static<typeof FmriViewSchema>;

/** One volume's row of `fmri-volumes.json`. */
export const FmriVolumePredictionSchema = Type.Object({
  volume: Type.Integer({ description: 'index of the volume in the run (0-based)' }),
  time: Type.Number({ description: 'its acquisition time (toffset + volume × TR) in timeUnit' }),
  logits: Type.Array(Type.Number(), { description: "the model's output for this volume, one score per class" }),
  predicted: Type.Integer({ description: 'the class with the highest score' }),
  predictedName: Type.Optional(Type.String()),
  target: Type.Integer({ description: 'the class whose relevance was computed for this volume' }),
  targetName: Type.Optional(Type.String()),
  relevanceSum: Type.Number({ description: "Σ R over the volume's voxels" }),
  positiveRelevanceSum: Type.Number(),
});
export type FmriVolumePrediction = Static<typeof FmriVolumePredictionSchema>;

/** `fmri-volumes.json`: a 4-D run explained volume by volume — each volume's prediction, scores and relevance sum. */
export const FmriVolumesViewSchema = Type.Object({
  ...Header('xai-fmri-volumes'),
  classNames: Type.Array(Type.String(), { description: 'class names by output index (indexes as text when the model has none)' }),
  timeUnit: Type.String({ description: "unit of `time` ('s', 'ms', … or 'volume' when the file states none)" }),
  repetitionTime: Type.Number(),
  volumes: Type.Array(FmriVolumePredictionSchema),
});
export type FmriVolumesView = Static<typeof FmriVolumesViewSchema>;

/** One frame's row of `temporal-relevance.json`. */
export const FrameRelevanceSchema = Type.Object({
  frame: Type.Integer({ description: 'position in the clip (0-based)' }),
  sourceFrame: Type.Integer({ description: 'index of the frame in the source (video frame, GIF frame, file of the folder)' }),
  time: Type.Number({ description: 'sample time in seconds of the source' }),
  sum: Type.Number(),
  absSum: Type.Number(),
  positiveSum: Type.Number(),
  share: Type.Number({ description: "the frame's share of the temporal relevance, |r_t| / Σ_t |r_t|" }),
  absShare: Type.Number({ description: "the frame's share of the heatmap's Σ |R|" }),
});
export type FrameRelevance = Static<typeof FrameRelevanceSchema>;

/** `temporal-relevance.json` of the video adapter: relevance per frame and its totals. */
export const TemporalRelevanceViewSchema = Type.Object({
  format: Type.Literal('xai-video-temporal-relevance'),
  version: Type.Literal(1),
  file: Type.String(),
  method: Type.String(),
  target: Type.Integer(),
  targetName: Type.Optional(Type.String()),
  logits: Type.Optional(Type.Array(Type.Number())),
  fps: Type.Number(),
  colourRange: Pair,
  mp4: Type.String({ description: "'overlay.mp4', or why there is none" }),
  total: Type.Object({ sum: Type.Number(), absSum: Type.Number(), positiveSum: Type.Number() }),
  peakFrame: Type.Integer(),
  frames: Type.Array(FrameRelevanceSchema),
});
export type TemporalRelevanceView = Static<typeof TemporalRelevanceViewSchema>;

/** One token of the text adapter's `tokens.json`. */
export const TextRelevanceTokenSchema = Type.Object({
  token: Type.String({ description: 'the token as written in the text (text.slice(start, end))' }),
  form: Type.String({ description: 'the form looked up in the vocabulary' }),
  start: Type.Integer({ description: 'UTF-16 offset (JavaScript string index)' }),
  end: Type.Integer({ description: 'UTF-16 offset, exclusive' }),
  codePoints: Type.Tuple([Type.Integer(), Type.Integer()], { description: 'the same offsets in code points (Python str indices)' }),
  id: Type.Union([Type.Integer(), Type.Null()]),
  oov: Type.Boolean(),
  position: Type.Union([Type.Integer(), Type.Null()], { description: 'index in the model input; null when the token was not fed (see dropped)' }),
  dropped: Type.Optional(Type.Union([Type.Literal('oov'), Type.Literal('truncated')])),
  mark: Type.Optional(
    Type.Union([Type.Literal('oov'), Type.Literal('truncated'), Type.Literal('skipped')], {
      description: "how the token is drawn marked: 'oov' unknown word fed as <unk>, 'truncated' cut off, 'skipped' unknown and left out",
    }),
  ),
  note: Type.Optional(Type.String({ description: "the mark's meaning for people (e.g. 'cut off: the model reads only the last 20 tokens')" })),
  score: Type.Union([Type.Number(), Type.Null()]),
  colour: Type.Union([Type.String(), Type.Null()], { description: 'its bwr colour on its symmetric scale' }),
  sentenceScale: Type.Optional(Type.Number({ description: "the scale of the token's sentence (scaleBy 'sentence' only)" })),
});
export type TextRelevanceToken = Static<typeof TextRelevanceTokenSchema>;

/** The text adapter's `tokens.json`: per-token relevance with offsets, ids and colours. */
export const TextRelevanceSchema = Type.Object({
  format: Type.Literal('xai-text-relevance'),
  version: Type.Literal(1),
  file: Type.String(),
  text: Type.String(),
  method: Type.String(),
  target: Type.Integer(),
  targetName: Type.Optional(Type.String()),
  logits: Type.Optional(Type.Array(Type.Number())),
  scale: Type.Number({ description: 'the symmetric colour scale (max |R| over the tokens unless given)' }),
  scaleBy: Type.Union([Type.Literal('text'), Type.Literal('sentence')]),
  tokenRelevance: Type.Number({ description: 'Σ R over the tokens' }),
  paddingRelevance: Type.Number({ description: 'what fell on padding positions' }),
  length: Type.Optional(Type.Integer({ description: "the model's sequence length (token positions it reads)" })),
  truncating: Type.Optional(Type.Union([Type.Literal('pre'), Type.Literal('post')], { description: "which end is cut off when the text is longer: 'pre' the beginning, 'post' the end" })),
  truncated: Type.Optional(Type.Integer({ description: 'tokens cut off' })),
  oovWords: Type.Optional(Type.Array(Type.String(), { description: 'distinct unknown (out-of-vocabulary) word forms' })),
  vocabularyWords: Type.Optional(Type.Integer({ description: "the number of words in the model's vocabulary" })),
  vocabularyAbout: Type.Optional(Type.String({ description: 'what the vocabulary covers (its file\'s `about`)' })),
  tokens: Type.Array(TextRelevanceTokenSchema),
});
export type TextRelevance = Static<typeof TextRelevanceSchema>;

/** One subword token of a transformer text's `tokens.json`. */
export const SubwordRelevanceTokenSchema = Type.Object({
  token: Type.String({ description: "the token as the tokenizer writes it ('##ing', '[CLS]')" }),
  id: Type.Integer(),
  position: Type.Integer({ description: 'index in the model input' }),
  start: Type.Union([Type.Integer(), Type.Null()], { description: 'UTF-16 offset into the text; null for special tokens' }),
  end: Type.Union([Type.Integer(), Type.Null()]),
  special: Type.Boolean({ description: "added by the tokenizer's post-processor ([CLS], [SEP] …)" }),
  unknown: Type.Boolean({ description: 'the unknown token ([UNK])' }),
  continuesWord: Type.Boolean(),
  word: Type.Union([Type.Integer(), Type.Null()], { description: 'index into `words` of the word it belongs to; null for special tokens' }),
  score: Type.Number({ description: 'relevance: the sum over the embedding dimension at its position' }),
});
export type SubwordRelevanceToken = Static<typeof SubwordRelevanceTokenSchema>;

/** The text adapter's `tokens.json` for a transformer (tokenizer.json): words as sums of their subwords, special tokens apart. */
export const SubwordRelevanceSchema = Type.Object({
  format: Type.Literal('xai-subword-relevance'),
  version: Type.Literal(1),
  file: Type.String(),
  text: Type.String(),
  method: Type.String(),
  target: Type.Integer(),
  targetName: Type.Optional(Type.String()),
  logits: Type.Optional(Type.Array(Type.Number())),
  tokenizer: Type.String({ description: 'where the tokenizer came from' }),
  scale: Type.Number({ description: 'the symmetric colour scale (max |R| over the words unless given)' }),
  scaleBy: Type.Union([Type.Literal('text'), Type.Literal('sentence')]),
  words: Type.Array(
    Type.Object({
      text: Type.String(),
      start: Type.Integer(),
      end: Type.Integer(),
      score: Type.Number({ description: 'the sum of its subwords' }),
      colour: Type.String(),
      tokens: Type.Array(Type.Integer(), { description: 'positions of its subwords in the model input' }),
    }),
  ),
  tokens: Type.Array(SubwordRelevanceTokenSchema),
  specialRelevance: Type.Number(),
  paddingRelevance: Type.Number(),
  unplacedRelevance: Type.Number({ description: 'on text tokens without offsets' }),
  wordRelevance: Type.Number({ description: 'Σ R over the words' }),
  padded: Type.Integer(),
  truncated: Type.Integer({ description: 'subword tokens cut off' }),
});
export type SubwordRelevance = Static<typeof SubwordRelevanceSchema>;

/** The VQA adapter's `answer.json`: the answer, its softmax score and the top answers. */
export const VqaAnswerSchema = Type.Object({
  question: Type.String(),
  answer: Type.String(),
  score: Type.Number(),
  explained: Type.String({ description: 'the answer whose relevance the artefacts show' }),
  expectedAnswer: Type.Optional(Type.String({ description: 'the ground-truth answer, when the question file has one' })),
  top: Type.Array(Type.Object({ answer: Type.String(), score: Type.Number(), logit: Type.Number() })),
  relevanceSums: Type.Object({ image: Type.Number(), question: Type.Number() }),
});
export type VqaAnswer = Static<typeof VqaAnswerSchema>;
