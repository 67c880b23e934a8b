/** `xai explain --model model.onnx --tokenizer tokenizer.json --text "…"`, run as a real process on the transformer text demo. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../src/xai.ts', import.meta.url));
const DEMO = fileURLToPath(new URL('../../../packages/modalities/demo/text/transformer', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'xai-cli-transformer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const xai = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], { encoding: 'utf8' });

describe('xai explain --text with a tokenizer.json', () => {
  it('writes words (sums of subwords) on the text, special tokens apart', () => {
    const out = join(dir, 'out');
    const run = xai('explain', '--model', join(DEMO, 'model.onnx'), '--tokenizer', join(DEMO, 'tokenizer.json'), '--text', 'The pizza was great, but the service was terrible.',
      '--composite', 'transformer', '--target', '0', '--out-dir', out);
    // no warning, other than the one-line notice when the default executor (ORT) cannot compile the model yet
    const warnings = run.stderr.split('\n').filter((l) => /xai: /.test(l) && !/^xai: executor 'ort' cannot run .* yet; running on tfjs instead$/.test(l));
    expect(warnings).toEqual([]);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^text\.txt \(text\): target 0 'negative' \(logit -?\d+\.\d+\), lrp in \d+ ms/);
    expect(readdirSync(join(out, 'text')).sort()).toEqual(['relevance.json', 'text.ansi', 'text.html', 'tokens.json']);
    const json = JSON.parse(readFileSync(join(out, 'text', 'tokens.json'), 'utf8'));
    expect(json.words.map((w: { text: string }) => w.text)).toEqual(['The', 'pizza', 'was', 'great', ',', 'but', 'the', 'service', 'was', 'terrible', '.']);
    const score = (word: string) => json.words.find((w: { text: string }) => w.text === word).score as number;
    expect(score('terrible')).toBeGreaterThan(0); // for 'negative'
    expect(score('great')).toBeLessThan(0);
  }, 60_000);

  it('finds the tokenizer.json beside the model when none is given', () => {
    const out = join(dir, 'beside');
    const run = xai('explain', '--model', join(DEMO, 'model.onnx'), '--text', 'What a wonderful film!', '--method', 'attention_rollout', '--out-dir', out);
    expect(run.status).toBe(0);
    expect(run.stderr).toContain(`tokenizer: ${join(DEMO, 'tokenizer.json')} (beside the model)`);
    const json = JSON.parse(readFileSync(join(out, 'text', 'tokens.json'), 'utf8'));
    expect(json.tokens[0].token).toBe('[CLS]');
    expect(json.method).toBe('attention_rollout');
  }, 60_000);

  it('refuses --text without --out-dir, and --text with --input', () => {
    const model = join(DEMO, 'model.onnx');
    expect(xai('explain', '--model', model, '--text', 'great').stderr).toMatch(/^xai: --out-dir is needed with --text/m);
    expect(xai('explain', '--model', model, '--text', 'great', '--input', 'a.txt', '--out-dir', dir).stderr).toMatch(/^xai: give --input or --text, not both/m);
    expect(xai('explain', '--model', model, '--out-dir', dir).stderr).toMatch(/^xai: required option '--input <path>' not specified \(or give --text\)/m);
  }, 60_000);
});
