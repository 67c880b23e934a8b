/**
 * One batch of a relevance store as a single binary file (little-endian), written atomically so a
 * batch is either absent or complete:
 *
 *   0  'XRB1' | u32 count | u32 valuesPerSample | u32 classes | u8 encoding (1 int8, 2 int16) | 3 pad
 *   20 u32 idsBytes | 8 pad (header = 32 bytes)
 *   labels i32[count] | predictions i32[count] | targets i32[count] | scales f32[count]
 *   logits f32[count·classes] | relevance i8|i16[count·valuesPerSample] | ids (UTF-8 JSON array, optional)
 */
import { InvalidArgumentError } from '@xai/core';
import { BYTES_PER_VALUE, type Encoding, type Quantised } from './quantise.js';

const MAGIC = 0x31425258; // 'XRB1' read as little-endian u32
const HEADER_BYTES = 32;
const ENCODING_CODE: Record<Encoding, number> = { int8: 1, int16: 2 };

export interface BatchData {
  readonly encoding: Encoding;
  readonly valuesPerSample: number;
  readonly classes: number;
  /** Ground-truth label per sample, −1 where none was given. */
  readonly labels: Int32Array;
  /** Arg-max of the model output per sample. */
  readonly predictions: Int32Array;
  /** The class explained per sample. */
  readonly targets: Int32Array;
  /** Quantisation scale per sample (relevance = q · scale). */
  readonly scales: Float32Array;
  readonly logits: Float32Array;
  readonly relevance: Quantised;
  readonly ids?: readonly string[];
}

export function encodeBatch(b: BatchData): Uint8Array {
  const n = b.labels.length;
  const ids = b.ids ? new TextEncoder().encode(JSON.stringify(b.ids)) : new Uint8Array(0);
  const relBytes = n * b.valuesPerSample * BYTES_PER_VALUE[b.encoding];
  const size = HEADER_BYTES + 16 * n + 4 * n * b.classes + relBytes + ids.length;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, n, true);
  view.setUint32(8, b.valuesPerSample, true);
  view.setUint32(12, b.classes, true);
  view.setUint8(16, ENCODING_CODE[b.encoding]);
  view.setUint32(20, ids.length, true);
  let at = HEADER_BYTES;
  // Typed-array views of the fresh buffer are aligned (every section length is a multiple of 4 but the last two).
  for (const part of [b.labels, b.predictions, b.targets, b.scales, b.logits]) {
    new Uint8Array(out.buffer, at, part.byteLength).set(new Uint8Array(part.buffer, part.byteOffset, part.byteLength));
    at += part.byteLength;
  }
  out.set(new Uint8Array(b.relevance.buffer, b.relevance.byteOffset, b.relevance.byteLength), at);
  at += relBytes;
  out.set(ids, at);
  return out;
}

export function decodeBatch(bytes: Uint8Array, file: string): BatchData {
  const fail = (why: string): never => {
    throw new InvalidArgumentError(`${file}: not a relevance batch file (${why})`);
  };
  if (bytes.length < HEADER_BYTES) fail('too short');
  // Copy once so every section is aligned for typed-array views.
  const buf = bytes.slice().buffer;
  const view = new DataView(buf);
  if (view.getUint32(0, true) !== MAGIC) fail('bad magic');
  const n = view.getUint32(4, true);
  const valuesPerSample = view.getUint32(8, true);
  const classes = view.getUint32(12, true);
  const code = view.getUint8(16);
  const encoding: Encoding | undefined = code === 1 ? 'int8' : code === 2 ? 'int16' : undefined;
  if (!encoding) return fail(`unknown encoding ${code}`);
  const idsBytes = view.getUint32(20, true);
  const relLength = n * valuesPerSample;
  const expected = HEADER_BYTES + 16 * n + 4 * n * classes + relLength * BYTES_PER_VALUE[encoding] + idsBytes;
  if (bytes.length !== expected) fail(`${bytes.length} bytes, the header implies ${expected}`);
  let at = HEADER_BYTES;
  const i32 = (len: number) => {
    const a = new Int32Array(buf, at, len);
    at += 4 * len;
    return a;
  };
  const f32 = (len: number) => {
    const a = new Float32Array(buf, at, len);
    at += 4 * len;
    return a;
  };
  const labels = i32(n);
  const predictions = i32(n);
  const targets = i32(n);
  const scales = f32(n);
  const logits = f32(n * classes);
  const relevance = encoding === 'int8' ? new Int8Array(buf, at, relLength) : new Int16Array(buf.slice(at, at + 2 * relLength));
  at += relLength * BYTES_PER_VALUE[encoding];
  const ids = idsBytes > 0 ? (JSON.parse(new TextDecoder().decode(new Uint8Array(buf, at, idsBytes))) as string[]) : undefined;
  return { encoding, valuesPerSample, classes, labels, predictions, targets, scales, logits, relevance, ids };
}
