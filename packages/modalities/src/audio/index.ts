/** The audio modality: WAV reading, resampling, DFT/STFT, AudioMNIST pre-processing, the adapter. */
export { audioAdapter, type AudioInternal, type AudioRepresentation } from './audio-adapter.js';
export { InvalidAudioError } from './audio-error.js';
export { readWav, writeWav, type WavAudio, type WavBitDepth } from './wav.js';
export { dft, directDft, fftPlan, type FftPlan } from './dft.js';
export { amplitudeToDb, hannWindow, stftFrameCount, stftMagnitude, type DecibelOptions, type MagnitudeSpectrogram, type StftOptions } from './stft.js';
export {
  AUDIOMNIST, audioMnistSpectrogram, embedRecording, scaleWaveform,
  type AudioMnistSpectrogram, type Embedded, type Placement, type SpectrogramScaling, type WaveformScaling,
} from './audiomnist.js';
export { recordingTimeRelevance, spreadFrames, sumOverFrequency, timeRelevanceCsv, type RecordingTimeRelevance, type TimeWindow } from './time-relevance.js';
export { AUDIO_DEMO_DIR, AUDIO_DEMO_MODELS, AUDIO_DEMO_TEST, DIGIT_CLASSES } from './demo.js';
export { audioView, WAVEFORM_COLUMNS, type AudioView } from './view-json.js';
