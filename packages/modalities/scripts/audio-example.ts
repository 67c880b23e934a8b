/**
 * Explains one held-out recording of the audio demo with both demo models (LRP, epsilon_plus) and
 * writes the artefacts shown in the README to demo/audio/example/.
 *
 *   npx tsx packages/modalities/scripts/audio-example.ts [file in demo/audio/test/]
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { initBackend, loadModel } from '@xai/core';
import { audioAdapter } from '../src/audio/audio-adapter.js';
import { AUDIO_DEMO_DIR, AUDIO_DEMO_MODELS, AUDIO_DEMO_TEST, DIGIT_CLASSES } from '../src/audio/demo.js';
import { explainInput, modelInputSpecs } from '../src/explain-input.js';

await initBackend();
const name = process.argv[2] ?? '7_en-us_m3_0.wav';
const file = { name, bytes: new Uint8Array(readFileSync(join(AUDIO_DEMO_TEST, name))) };
const out = join(AUDIO_DEMO_DIR, 'example');
mkdirSync(out, { recursive: true });
for (const kind of ['spectrogram', 'waveform'] as const) {
  const model = await loadModel(AUDIO_DEMO_MODELS[kind]);
  const result = await explainInput(model, audioAdapter, [file], { method: 'lrp', composite: 'epsilon_plus', classNames: DIGIT_CLASSES });
  const keep = kind === 'spectrogram' ? ['relevance-spectrogram.png', 'waveform.png', 'relevance-time.csv'] : ['waveform.png'];
  for (const a of result.artefacts.filter((x) => keep.includes(x.name))) writeFileSync(join(out, `${kind}-model-${a.name}`), a.bytes);
  if (kind === 'spectrogram') {
    const decoded = await audioAdapter.decode([file], {}, modelInputSpecs(model));
    writeFileSync(join(out, 'input-spectrogram.png'), (await audioAdapter.preview(decoded)).bytes);
  }
  console.log(`${kind}: ${name} → ${DIGIT_CLASSES[result.target]} (logit ${result.logits[result.target]!.toFixed(2)}), ${result.elapsedMs.toFixed(0)} ms`);
  model.dispose();
}
