import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidModelError } from '../errors.js';

/** One method's reference numbers (format: shared/fixtures/README.md). */
export interface ReferenceMethod {
  readonly params: Record<string, any>;
  readonly relevance: number[];
  readonly relevance_shape?: number[];
  readonly sum: number;
}

export interface ReferenceCase {
  readonly name: string;
  readonly dir: string;
  readonly input_shape: number[];
  readonly input: number[];
  readonly logits: number[];
  readonly target: number;
  readonly methods: Record<string, ReferenceMethod>;
}

export async function readReferenceCase(dir: string, name: string): Promise<ReferenceCase> {
  const file = join(dir, 'reference.json');
  let json: any;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new InvalidModelError(file, `cannot read reference (${(err as Error).message})`);
  }
  for (const field of ['input_shape', 'input', 'target', 'methods']) {
    if (json[field] === undefined) throw new InvalidModelError(file, `missing field '${field}'`);
  }
  return { ...json, name, dir };
}

/** The fixtures' tolerance: max|R − R_ref| ≤ 1e-4 · max|R_ref| + 1e-7. */
export function compareRelevance(actual: ArrayLike<number>, expected: ArrayLike<number>): { ok: boolean; relErr: number; maxAbsErr: number } {
  if (actual.length !== expected.length) return { ok: false, relErr: Infinity, maxAbsErr: Infinity };
  let maxErr = 0;
  let maxRef = 0;
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i]! - expected[i]!);
    maxErr = Number.isNaN(err) ? Infinity : Math.max(maxErr, err);
    maxRef = Math.max(maxRef, Math.abs(expected[i]!));
  }
  return { ok: maxErr <= 1e-4 * maxRef + 1e-7, relErr: maxRef > 0 ? maxErr / maxRef : maxErr, maxAbsErr: maxErr };
}
