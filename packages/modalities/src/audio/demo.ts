import { fileURLToPath } from 'node:url';

/** Class names of the spoken-digit demo models (index = digit). */
export const DIGIT_CLASSES = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'] as const;

/** The audio demo folder (scripts/audio-make-digits.ts and scripts/audio-train.ts write it). */
export const AUDIO_DEMO_DIR = fileURLToPath(new URL('../../demo/audio/', import.meta.url));

/** Held-out test recordings: `<digit>_<accent>_<variant>_<n>.wav`, 8 kHz mono 16-bit. */
export const AUDIO_DEMO_TEST = fileURLToPath(new URL('../../demo/audio/test/', import.meta.url));

/** The two demo models (model.json paths), trained on espeak-ng digits. */
export const AUDIO_DEMO_MODELS = {
  spectrogram: fileURLToPath(new URL('../../demo/audio/spectrogram-model/model.json', import.meta.url)),
  waveform: fileURLToPath(new URL('../../demo/audio/waveform-model/model.json', import.meta.url)),
} as const;

/** The demo models as the registry lists them (server gallery, `npm start`). */
export const audioDemoModels = [
  {
    name: 'digits-spectrogram-cnn',
    path: AUDIO_DEMO_MODELS.spectrogram,
    description: 'CNN on AudioMNIST spectrograms [227, 227, 1] of espeak-ng spoken digits, 100% on held-out voices',
    classNames: DIGIT_CLASSES,
    decodeOptions: { representation: 'spectrogram' },
  },
  {
    name: 'digits-waveform-cnn',
    path: AUDIO_DEMO_MODELS.waveform,
    description: '1-D CNN on raw 8 kHz waveforms [8000, 1] of espeak-ng spoken digits, 99.2% on held-out voices',
    classNames: DIGIT_CLASSES,
    decodeOptions: { representation: 'waveform' },
  },
] as const;

/** A few held-out recordings (voice variants never seen in training). */
export const audioDemoInputs = (['3_en-us_m3_0', '7_en-gb-scotland_f2_0', '9_en-029_klatt2_0'] as const).map((stem) => ({
  name: `digit-${stem}`,
  files: [fileURLToPath(new URL(`../../demo/audio/test/${stem}.wav`, import.meta.url))],
  description: `spoken '${DIGIT_CLASSES[Number(stem[0])]}' (${stem.slice(2).replace(/_\d+$/, '').replace('_', ', voice ')})`,
  model: 'digits-spectrogram-cnn',
}));
