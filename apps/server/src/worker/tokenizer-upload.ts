/**
 * A transformer's tokenizer.json uploaded with its model (beside it, or in the same zip): checked
 * by loading it with the text modality's subword tokenizer, and stored as `tokenizer.json` in the
 * model's folder, where explanations of text with that model find it.
 */
import { writeFile } from 'node:fs/promises';
import { posix } from 'node:path';
import { InvalidModelError } from '@xai/core';
import { SubwordTokenizer } from '@xai/modalities';
import type { Entry } from './model-upload.js';
import type { ModelTokenizer } from './task-types.js';

/** The name the stored tokenizer always has, beside the stored model file. */
export const TOKENIZER_FILE = 'tokenizer.json';

const isTokenizerName = (name: string) => posix.basename(name).toLowerCase() === TOKENIZER_FILE;

export interface TokenizerUpload {
  readonly entry: Entry;
  readonly info: ModelTokenizer;
}

/**
 * Takes the tokenizer.json out of an upload's entries (so that the model's own assembly never sees
 * it) and checks it; an upload without one gives `tokenizer: null`.
 */
export function takeTokenizer(entries: readonly Entry[]): { tokenizer: TokenizerUpload | null; rest: Entry[] } {
  const found = entries.filter((e) => isTokenizerName(e.name));
  const rest = entries.filter((e) => !isTokenizerName(e.name));
  if (found.length === 0) return { tokenizer: null, rest };
  if (found.length > 1) throw new InvalidModelError('upload', `several tokenizer files (${found.map((e) => e.name).join(', ')}): send one tokenizer.json with the model`);
  const entry = found[0]!;
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(entry.bytes));
  } catch (err) {
    throw new InvalidModelError(entry.name, `malformed JSON (${(err as Error).message})`);
  }
  let tokenizer: SubwordTokenizer;
  try {
    tokenizer = SubwordTokenizer.fromJson(json, entry.name);
  } catch (err) {
    const message = (err as Error).message;
    throw new InvalidModelError(entry.name, `not a usable Hugging Face tokenizer.json (${message.replace(`${entry.name}: `, '')})`);
  }
  const vocabulary = (json as { model?: { vocab?: unknown } }).model?.vocab;
  const size = Array.isArray(vocabulary) ? vocabulary.length : vocabulary && typeof vocabulary === 'object' ? Object.keys(vocabulary).length : null;
  return {
    tokenizer: { entry, info: { file: TOKENIZER_FILE, kind: tokenizer.kind, vocabularySize: size, maxLength: tokenizer.maxLength ?? null } },
    rest,
  };
}

/** Writes the checked tokenizer as `tokenizer.json` into the model's (generated) folder. */
export async function storeTokenizer(upload: TokenizerUpload, dir: string): Promise<void> {
  await writeFile(posix.join(dir, TOKENIZER_FILE), upload.entry.bytes);
}
