/**
 * Mutations as data: fast-check generates small descriptions (which seed, which file, which edits),
 * seeded and reproducible, and `applyMutation` turns one into bytes only when it is parsed, so a
 * long run never holds its inputs at once. Edits favour the first KiB (where headers live) and
 * the values that break parsers: 0, −1, powers of two at type boundaries, 1e308, NaN as text.
 */
import fc from 'fast-check';
import { crc32, gunzipSync, gzipSync } from 'node:zlib';
import type { FuzzFile } from './targets.js';

/** A position, read as a fraction of the file (header-biased) so one description fits any seed. */
type Edit =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'byte'; at: number; value: number }
  | { kind: 'int'; at: number; value: number; width: 2 | 4; little: boolean }
  | { kind: 'text'; at: number; text: string }
  | { kind: 'truncate'; at: number }
  | { kind: 'insert'; at: number; bytes: number[] }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'json'; path: number; value: unknown; remove: boolean };

export interface Mutation {
  readonly seed: number;
  readonly file: number;
  readonly edits: readonly Edit[];
}

const INTERESTING_INTS = [0, 1, -1, 2, 7, 8, 16, 127, 128, 255, 256, 32767, -32768, 65535, 2 ** 24, 2 ** 31 - 1, -(2 ** 31), 0x7fff_ffff];
const INTERESTING_TEXT = ['0', '-1', '1e308', '-1e308', '1e38', 'NaN', 'nan', 'inf', '-inf', '99999999', '-99999999', '0.0000001', ' ', 'x', '65536', '2147483647'];
const INTERESTING_JSON: unknown[] = [
  null, 0, -1, 1, 1.5, 1e9, 2 ** 31, -(2 ** 31), 1e308, '', 'x', 'missing_layer', 'float64', 'Dense', 'glorot_uniform', true, [], {}, [1e9], [-1], [null],
  ['weights.bin'], [0, 0], { class_name: 'Dense', config: {} }, { class_name: 'Nope', config: { name: 'nope' } }, [['missing_layer', 0, 0, {}]],
];

/** A position: 70% inside the first KiB, else anywhere (fractions of the file length). */
const position = fc.oneof(
  { weight: 7, arbitrary: fc.integer({ min: 0, max: 1023 }).map((n) => -1 - n) }, // negative: absolute offset n
  { weight: 3, arbitrary: fc.double({ min: 0, max: 1, noNaN: true }) },
);

const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: position, bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('byte' as const), at: position, value: fc.constantFrom(0, 1, 0x7f, 0x80, 0xff, 0x20, 0x30, 0x39) }),
  fc.record({ kind: fc.constant('int' as const), at: position, value: fc.oneof(fc.constantFrom(...INTERESTING_INTS), fc.integer()), width: fc.constantFrom(2 as const, 4 as const), little: fc.boolean() }),
  fc.record({ kind: fc.constant('text' as const), at: position, text: fc.constantFrom(...INTERESTING_TEXT) }),
  fc.record({ kind: fc.constant('truncate' as const), at: position }),
  fc.record({ kind: fc.constant('insert' as const), at: position, bytes: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 16 }) }),
  fc.record({ kind: fc.constant('delete' as const), at: position, length: fc.integer({ min: 1, max: 64 }) }),
);

const jsonEdit: fc.Arbitrary<Edit> = fc.record({
  kind: fc.constant('json' as const),
  path: fc.nat(),
  value: fc.oneof(fc.constantFrom(...INTERESTING_JSON), fc.integer(), fc.string({ maxLength: 8 })),
  remove: fc.boolean(),
});

export interface MutationSpace {
  readonly seeds: number;
  /** Files per seed that may be edited (index into the seed's files). */
  readonly files: number;
  /** The first file is JSON: most edits are structural (replace or delete a value at some path). */
  readonly json?: boolean;
}

export function mutations(space: MutationSpace): fc.Arbitrary<Mutation> {
  return fc.record({
    seed: fc.integer({ min: 0, max: space.seeds - 1 }),
    file: fc.integer({ min: 0, max: space.files - 1 }),
    edits: fc.array(space.json ? fc.oneof({ weight: 4, arbitrary: jsonEdit }, { weight: 1, arbitrary: edit }) : edit, { minLength: 1, maxLength: 4 }),
  });
}

/** Absolute offsets wrap around short files (a 300-byte PNG gets edits all over, not piled at its end). */
const offset = (at: number, length: number) => (at < 0 ? (-1 - at) % (length + 1) : Math.floor(at * length));

function applyBytes(bytes: Uint8Array, e: Exclude<Edit, { kind: 'json' }>): Uint8Array {
  const at = offset(e.at, bytes.length);
  switch (e.kind) {
    case 'flip':
    case 'byte': {
      if (at >= bytes.length) return bytes;
      const out = bytes.slice();
      out[at] = e.kind === 'flip' ? out[at]! ^ (1 << e.bit) : e.value;
      return out;
    }
    case 'int': {
      if (at + e.width > bytes.length) return bytes;
      const out = bytes.slice();
      const view = new DataView(out.buffer);
      if (e.width === 2) view.setUint16(at, e.value & 0xffff, e.little);
      else view.setUint32(at, e.value >>> 0, e.little);
      return out;
    }
    case 'text': {
      const text = new TextEncoder().encode(e.text);
      const out = bytes.slice();
      out.set(text.subarray(0, Math.max(0, bytes.length - at)), at);
      return out;
    }
    case 'truncate':
      return bytes.slice(0, at);
    case 'insert': {
      const out = new Uint8Array(bytes.length + e.bytes.length);
      out.set(bytes.subarray(0, at));
      out.set(e.bytes, at);
      out.set(bytes.subarray(at), at + e.bytes.length);
      return out;
    }
    case 'delete': {
      const end = Math.min(bytes.length, at + e.length);
      const out = new Uint8Array(bytes.length - (end - at));
      out.set(bytes.subarray(0, at));
      out.set(bytes.subarray(end), at);
      return out;
    }
  }
}

/** Every (container, key) in a JSON document, depth first. */
function slots(doc: unknown): { parent: Record<string, unknown> | unknown[]; key: string | number }[] {
  const out: { parent: Record<string, unknown> | unknown[]; key: string | number }[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach((x, i) => (out.push({ parent: v, key: i }), walk(x)));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) out.push({ parent: v as Record<string, unknown>, key: k }), walk(x);
  };
  walk(doc);
  return out;
}

function applyJson(bytes: Uint8Array, e: Extract<Edit, { kind: 'json' }>): Uint8Array {
  let doc: unknown;
  try {
    doc = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return bytes; // an earlier byte edit broke the JSON: structural edits no longer apply
  }
  const all = slots(doc);
  if (all.length === 0) return bytes;
  const { parent, key } = all[e.path % all.length]!;
  if (e.remove) {
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete parent[key as string];
  } else {
    (parent as Record<string | number, unknown>)[key] = structuredClone(e.value);
  }
  return new TextEncoder().encode(JSON.stringify(doc));
}

export interface Seed {
  readonly label: string;
  readonly files: readonly FuzzFile[];
  /** Edits apply to the inflated bytes, which are gzipped again afterwards (header fields of .nii.gz). */
  readonly gzipped?: boolean;
  /** Recompute every PNG chunk's CRC after the edits, so they reach the decoder instead of the CRC check. */
  readonly pngCrc?: boolean;
}

/** Rewrites the CRC of each whole chunk after the 8-byte signature (a cut-off last chunk is left as it is). */
function fixPngCrcs(bytes: Uint8Array): Uint8Array {
  const out = bytes.slice();
  const view = new DataView(out.buffer);
  for (let at = 8; at + 12 <= out.length; ) {
    const length = view.getUint32(at);
    if (at + 12 + length > out.length) break;
    view.setUint32(at + 8 + length, crc32(out.subarray(at + 4, at + 8 + length)));
    at += 12 + length;
  }
  return out;
}

/** The input a mutation describes: its seed with the edits applied to one of the seed's files. */
export function applyMutation(seeds: readonly Seed[], m: Mutation): FuzzFile[] {
  const seed = seeds[m.seed]!;
  const index = m.file % seed.files.length;
  return seed.files.map((f, i) => {
    if (i !== index) return { name: f.name, bytes: f.bytes.slice() };
    let bytes = seed.gzipped ? new Uint8Array(gunzipSync(f.bytes)) : f.bytes;
    for (const e of m.edits) bytes = e.kind === 'json' ? applyJson(bytes, e) : applyBytes(bytes, e);
    if (seed.gzipped) bytes = new Uint8Array(gzipSync(bytes, { level: 1 }));
    if (seed.pngCrc) bytes = fixPngCrcs(bytes);
    return { name: f.name, bytes: bytes === f.bytes ? bytes.slice() : bytes };
  });
}
