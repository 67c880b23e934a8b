/**
 * Explains the text demo inputs (demo/text/inputs/*.txt, or the texts given as arguments) with both
 * demo models under LRP, prints the ANSI rendering, and writes every artefact to
 * demo/text/examples/<model>/<input>/ (text.html, text.ansi, tokens.json, relevance.json).
 *
 *   npx tsx packages/modalities/scripts/text-explain-demo.ts ["Some text to explain." …]
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { loadModel } from '@xai/core';
import { registerLstmPlugin } from '@xai/lstm';
import { explainInput } from '../src/explain-input.js';
import { TEXT_DEMO_CLASSES, TEXT_DEMO_DIR, TEXT_DEMO_MODELS, TEXT_DEMO_VOCABULARY, textDemoInputs } from '../src/text/demo.js';
import { textAdapter, textFile } from '../src/text/text-adapter.js';

registerLstmPlugin();
const given = process.argv.slice(2);
const inputs = given.length
  ? given.map((text, i) => ({ name: `argument-${i + 1}`, file: textFile(text, `argument-${i + 1}.txt`) }))
  : textDemoInputs.filter((d) => d.model === 'sentiment-lstm' || d.model === 'sentiment-cnn').map((d) => ({ name: d.name, file: { name: basename(d.files[0]!), bytes: new Uint8Array(readFileSync(d.files[0]!)) } }));

// the two vocabulary models (the transformer demo, if present, reads a tokenizer.json instead)
for (const [kind, path] of [['lstm', TEXT_DEMO_MODELS.lstm], ['cnn', TEXT_DEMO_MODELS.cnn]] as const) {
  const model = await loadModel(path);
  for (const input of inputs) {
    const out = await explainInput(model, textAdapter, [input.file], {
      method: 'lrp', rule: 'epsilon', epsilon: 0.001, decodeOptions: { vocabulary: TEXT_DEMO_VOCABULARY }, classNames: TEXT_DEMO_CLASSES,
    });
    const dir = join(TEXT_DEMO_DIR, 'examples', kind, input.name);
    mkdirSync(dir, { recursive: true });
    for (const a of out.artefacts) writeFileSync(join(dir, a.name), a.bytes);
    const ansi = new TextDecoder().decode(out.artefacts.find((a) => a.name === 'text.ansi')!.bytes);
    console.log(`\n${kind} · ${input.name} → ${TEXT_DEMO_CLASSES[out.target]} (logits ${out.logits.map((v) => v.toFixed(2)).join(', ')})\n${ansi}`);
  }
  model.dispose();
}
