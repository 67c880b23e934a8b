import { writeFileAtomic } from '../io/write-file-atomic.js';

export interface RelevanceJsonInput {
  /** Relevance, flat in C (row-major) order. */
  relevance: Float32Array | Float64Array | readonly number[];
  /** Its shape, e.g. [h, w, c]; the product must equal relevance.length. */
  shape: readonly number[];
  method: string;
  /** Explained output (class index or name); null when not applicable. */
  target?: number | string | null;
  logits?: Float32Array | Float64Array | readonly number[];
  /** Method options as run (must be JSON-serialisable). */
  options?: Record<string, unknown>;
}

export interface RelevanceJson {
  format: 'xai-relevance';
  version: 1;
  method: string;
  target: number | string | null;
  shape: number[];
  /** Σ of the finite values (a quick conservation check against the logit). */
  sum: number;
  /** Flat C-order values. Float32 inputs are written with the fewest digits that read back to the same float32; NaN/±Infinity become null. */
  values: (number | null)[];
  /** Count of NaN/±Infinity values (written as null); present only when > 0. */
  nonFinite?: number;
  logits?: (number | null)[];
  options?: Record<string, unknown>;
}

/** Shortest decimal that parses back to the same float32 (JSON.stringify of a float32 widened to float64 needs up to 17 digits). */
function shortestFloat32(v: number): number {
  for (let p = 1; p < 9; p++) {
    const candidate = Number(v.toPrecision(p));
    if (Math.fround(candidate) === v) return candidate;
  }
  return v;
}

function toJsonNumbers(values: Float32Array | Float64Array | readonly number[]): { out: (number | null)[]; nonFinite: number } {
  const f32 = values instanceof Float32Array;
  let nonFinite = 0;
  const out = Array.from(values, (v: number) => {
    if (!Number.isFinite(v)) {
      nonFinite++;
      return null;
    }
    return f32 ? shortestFloat32(v) : v;
  });
  return { out, nonFinite };
}

/** The raw relevance of one explanation as a JSON-serialisable object (shape + flat values). */
export function relevanceJson(input: RelevanceJsonInput): RelevanceJson {
  const { relevance, shape, method } = input;
  if (!shape.every((d) => Number.isInteger(d) && d >= 0)) throw new RangeError(`invalid shape [${shape.join(', ')}]`);
  const size = shape.reduce((a, b) => a * b, 1);
  if (size !== relevance.length) {
    throw new RangeError(`relevance has length ${relevance.length}, but shape [${shape.join(', ')}] holds ${size}`);
  }
  const { out: values, nonFinite } = toJsonNumbers(relevance);
  let sum = 0;
  for (let i = 0; i < relevance.length; i++) if (Number.isFinite(relevance[i])) sum += relevance[i]!;
  const json: RelevanceJson = { format: 'xai-relevance', version: 1, method, target: input.target ?? null, shape: [...shape], sum, values };
  if (nonFinite > 0) json.nonFinite = nonFinite;
  if (input.logits) json.logits = toJsonNumbers(input.logits).out;
  if (input.options) json.options = input.options;
  return json;
}

/** Write `relevanceJson(input)` atomically; `pretty` indents the metadata (the values stay on one line). */
export async function writeRelevanceJson(path: string, input: RelevanceJsonInput, { pretty = false } = {}): Promise<RelevanceJson> {
  const json = relevanceJson(input);
  let text: string;
  if (pretty) {
    const marker = '\u0000values\u0000';
    text = JSON.stringify({ ...json, values: marker }, null, 2).replace(JSON.stringify(marker), () => JSON.stringify(json.values));
  } else {
    text = JSON.stringify(json);
  }
  await writeFileAtomic(path, `${text}\n`);
  return json;
}
