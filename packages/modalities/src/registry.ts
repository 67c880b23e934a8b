import { extname } from 'node:path';
import { InvalidArgumentError } from '@xai/core';
import type { InputFile, ModalityAdapter } from './adapter.js';

const adapters = new Map<string, ModalityAdapter>();

/** Adds an adapter; the server and the CLI find it by name or by file extension. */
export function registerAdapter(adapter: ModalityAdapter): void {
  if (adapters.has(adapter.name)) throw new InvalidArgumentError(`modality '${adapter.name}' is already registered`);
  adapters.set(adapter.name, adapter);
}

export function listAdapters(): ModalityAdapter[] {
  return [...adapters.values()];
}

export function adapterByName(name: string): ModalityAdapter {
  const a = adapters.get(name);
  if (!a) throw new InvalidArgumentError(`unknown modality '${name}'; available: ${[...adapters.keys()].join(', ')}`);
  return a;
}

/** The adapter that reads these files, chosen by the first file's extension. */
export function adapterForFiles(files: readonly InputFile[]): ModalityAdapter {
  if (files.length === 0) throw new InvalidArgumentError('no input files given');
  const ext = extname(files[0]!.name).toLowerCase();
  // Longest registered extension the name ends with: extname('scan.nii.gz') is only '.gz'.
  const name = files[0]!.name.toLowerCase();
  const matchLength = (a: ModalityAdapter) => Math.max(0, ...a.extensions.filter((e) => name.endsWith(e)).map((e) => e.length));
  const found = listAdapters().filter((a) => matchLength(a) > 0).sort((a, b) => matchLength(b) - matchLength(a))[0];
  if (!found) {
    const known = listAdapters().flatMap((a) => a.extensions);
    throw new InvalidArgumentError(`${files[0]!.name}: no modality reads '${ext || '(no extension)'}' files; known: ${known.join(', ')}`);
  }
  return found;
}

/** JSON description of the registered modalities (for `GET /modalities`). */
export function modalityCatalog() {
  return listAdapters().map((a) => ({ name: a.name, description: a.description, extensions: a.extensions, options: a.options, ...(a.defaultExplanation ? { defaultExplanation: a.defaultExplanation } : {}) }));
}
