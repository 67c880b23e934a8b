/**
 * Reading NIfTI-1/2 volumes (.nii, .nii.gz) into scaled float arrays.
 *
 * The bytes are read once: gzip is inflated as a stream (node:zlib) and every inflated chunk is
 * decoded, byte-swapped if needed, scaled (scl_slope/scl_inter) and written straight into the
 * output array in the requested axis order, so the whole recording is never held twice (no
 * inflated copy, no raw-typed copy, no separate transpose). Allocation is bounded before it
 * happens: the header's voxel count against `maxVoxels`, a plain file's declared data against
 * its length, and a gzip stream's declared size against the most deflate can expand its input
 * (1032:1), then its actual inflated size, counted in a first pass that keeps nothing (see
 * checkInflatedSize). Scaled values that overflow float32 output are refused (dtype 'float64'
 * reads them). Every failure is an `InvalidNiftiError` naming the file and the field.
 */
import { createReadStream, statSync } from 'node:fs';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { InvalidNiftiError } from './errors.js';
import { voxelDecoder, type ComplexPart } from './nifti-datatypes.js';
import { parseExtensions, parseNiftiHeader, sniffHeader, type HeaderLimits, type NiftiHeader } from './nifti-header.js';

export interface ReadNiftiOptions extends HeaderLimits {
  /**
   * Output axis order as NIfTI axis numbers (0 = i, 1 = j, 2 = k, 3 = t, …), row-major: the last
   * listed varies fastest. Default [0, 1, 2, …]: nibabel's `get_fdata()` indexing, data[i][j][k][t].
   * RGB components are always one more, last axis.
   */
  readonly axes?: readonly number[];
  /** How complex voxels become real values (default 'magnitude'). */
  readonly complex?: ComplexPart;
  /** Output precision (default float32, what models take). */
  readonly dtype?: 'float32' | 'float64';
  /** Read the header (and extensions) only. */
  readonly headerOnly?: boolean;
  /** Elements staged for reordering (default 2^24, 64 MiB as float32); a tuning and test knob. */
  readonly stageElements?: number;
}

export interface NiftiVolume {
  readonly file: string;
  readonly header: NiftiHeader;
  readonly compressed: boolean;
  /** Scaled values in `axes` order (empty for headerOnly). */
  readonly data: Float32Array | Float64Array;
  /** Shape of `data`: the NIfTI dims in `axes` order, plus the RGB components when there are any. */
  readonly shape: readonly number[];
  readonly axes: readonly number[];
}

/** The most deflate can expand its input (zlib's technical limit is 1032:1), plus slack for tiny inputs. */
const MAX_INFLATE_RATIO = 1032;
/** Extension bytes kept for parsing; larger extension blocks are skipped, not buffered. */
const EXTENSION_CAP = 16 * 2 ** 20;
/** Voxels decoded per block (bounds the float64 scratch buffer). */
const BLOCK = 1 << 16;

const FLOAT32_MAX = 3.4028234663852886e38;

/** The largest magnitude a stored voxel of this datatype can have (before scaling). */
function largestRaw(datatype: { kind: string; bits: number }): number {
  if (datatype.kind === 'int') return 2 ** (datatype.bits - 1);
  if (datatype.kind === 'uint') return 2 ** datatype.bits - 1;
  if (datatype.kind === 'bit') return 1;
  return datatype.kind === 'float' && datatype.bits === 32 ? FLOAT32_MAX : Infinity;
}

export const isGzip = (bytes: Uint8Array): boolean => bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;

/** Output elements staged at most for a cache-friendly transposition (64 MiB as float32). */
const STAGE_ELEMENTS = 1 << 24;

/**
 * Decodes voxel bytes in file order and scatters them, scaled, into the output layout.
 *
 * File order has i fastest. When the output's fastest axis f is another one (nibabel order puts k
 * or t last), writing voxel by voxel touches one cache line per value. Instead, G consecutive
 * slices along f (each the contiguous file block of axes below f) are staged, then written with f
 * innermost, G values per cache line: a bounded staging buffer, not a second copy of the volume.
 */
class VoxelWriter {
  private readonly decode;
  private readonly voxelBytes: number;
  private readonly scratch: Float64Array;
  private readonly carry: Uint8Array;
  private carried = 0;
  private readonly coord: number[];
  private pos = 0;
  private done = 0;
  private readonly slope: number;
  private readonly inter: number;

  constructor(
    private readonly header: NiftiHeader,
    private readonly out: Float32Array | Float64Array,
    private readonly strides: readonly number[],
    private readonly components: number,
    complex: ComplexPart,
    fastestAxis: number,
    stageElements = STAGE_ELEMENTS,
    private readonly file = '',
  ) {
    this.decode = voxelDecoder(header.datatype, header.littleEndian, complex)!;
    this.voxelBytes = header.datatype.bits / 8;
    this.scratch = new Float64Array(BLOCK * components);
    this.carry = new Uint8Array(this.voxelBytes);
    this.coord = header.shape.map(() => 0);
    this.slope = header.scaling?.slope ?? 1;
    this.inter = header.scaling?.inter ?? 0;
    this.checkRange = out instanceof Float32Array && header.scaling !== null && largestRaw(header.datatype) * Math.abs(this.slope) + Math.abs(this.inter) > FLOAT32_MAX;
    const f = fastestAxis;
    this.fastest = f;
    if (components === 1 && f > 0) {
      const shape = header.shape;
      this.sliceSize = shape.slice(0, f).reduce((a, b) => a * b, 1);
      this.group = Math.max(1, Math.min(shape[f]!, Math.floor(stageElements / this.sliceSize)));
      this.stage = out instanceof Float64Array ? new Float64Array(this.group * this.sliceSize) : new Float32Array(this.group * this.sliceSize);
    }
  }

  private readonly fastest: number;
  private sliceSize = 0;
  private group = 0;
  private stage: Float32Array | Float64Array | null = null;
  /** Staging state: position inside the current slice, slices staged, first staged index along f, the higher-axes coordinates. */
  private q = 0;
  private staged = 0;
  private first = 0;
  private readonly high: number[] = [];

  get voxelsWritten(): number {
    return this.done;
  }

  /** Consumes bytes of the data region (at most what is still missing). */
  push(chunk: Uint8Array): void {
    let at = 0;
    if (this.carried > 0) {
      const need = Math.min(this.voxelBytes - this.carried, chunk.length);
      this.carry.set(chunk.subarray(0, need), this.carried);
      this.carried += need;
      at = need;
      if (this.carried < this.voxelBytes) return;
      this.decode(this.carry, 0, 1, this.scratch);
      this.scatter(1);
      this.carried = 0;
    }
    while (chunk.length - at >= this.voxelBytes && this.done < this.header.voxelCount) {
      const n = Math.min(BLOCK, Math.floor((chunk.length - at) / this.voxelBytes), this.header.voxelCount - this.done);
      this.decode(chunk, at, n, this.scratch);
      this.scatter(n);
      at += n * this.voxelBytes;
    }
    const rest = chunk.length - at;
    if (rest > 0 && this.done < this.header.voxelCount) {
      this.carry.set(chunk.subarray(at), 0);
      this.carried = rest;
    }
  }

  /** Scaled values must fit float32 output (slope and intercept of 1e38 overflow it): refused, naming the fields. */
  private readonly checkRange: boolean;

  private scatter(count: number): void {
    if (this.checkRange) {
      const { scratch, slope, inter } = this;
      for (let n = 0; n < count; n++) {
        const raw = scratch[n]!;
        if (Number.isFinite(raw) && !(Math.abs(raw * slope + inter) <= FLOAT32_MAX)) {
          throw new InvalidNiftiError(this.file, 'scl_slope', `value ${raw} × scl_slope ${slope} + scl_inter ${inter} overflows float32 output (read with dtype 'float64')`);
        }
      }
    }
    if (this.stage) this.stageValues(count);
    else this.scatterDirect(count);
    this.done += count;
  }

  /** Copies decoded values into the stage (contiguous runs), flushing every `group` slices. */
  private stageValues(count: number): void {
    const stage = this.stage!;
    const { scratch, slope, inter, sliceSize } = this;
    const nf = this.header.shape[this.fastest]!;
    let n = 0;
    while (n < count) {
      const run = Math.min(count - n, sliceSize - this.q);
      const base = this.staged * sliceSize + this.q;
      for (let r = 0; r < run; r++) stage[base + r] = scratch[n + r]! * slope + inter;
      n += run;
      this.q += run;
      if (this.q === sliceSize) {
        this.q = 0;
        this.staged++;
        if (this.staged === this.group || this.first + this.staged === nf) this.flush();
      }
    }
  }

  /** Writes the staged slices with the fastest output axis innermost. */
  private flush(): void {
    const stage = this.stage!;
    const { out, strides, sliceSize, staged } = this;
    const shape = this.header.shape;
    const f = this.fastest;
    const sf = strides[f]!;
    // offset of the higher axes (above f) and of the first staged index along f
    let base = this.first * sf;
    for (let a = f + 1; a < shape.length; a++) base += (this.high[a] ?? 0) * strides[a]!;
    const low = new Array<number>(f).fill(0);
    const n0 = shape[0]!;
    const s0 = strides[0]!;
    let lowOff = 0;
    for (let q = 0; q < sliceSize; q += n0) {
      for (let i = 0, p = base + lowOff; i < n0; i++, p += s0) {
        for (let g = 0, src = q + i; g < staged; g++, src += sliceSize) out[p + g * sf] = stage[src]!;
      }
      for (let a = 1; a < f; a++) {
        low[a] = low[a]! + 1;
        lowOff += strides[a]!;
        if (low[a]! < shape[a]!) break;
        lowOff -= shape[a]! * strides[a]!;
        low[a] = 0;
      }
    }
    this.first += staged;
    this.staged = 0;
    if (this.first === shape[f]) {
      this.first = 0;
      for (let a = f + 1; a < shape.length; a++) {
        this.high[a] = (this.high[a] ?? 0) + 1;
        if (this.high[a]! < shape[a]!) break;
        this.high[a] = 0;
      }
    }
  }

  private scatterDirect(count: number): void {
    const { out, scratch, strides, coord, slope, inter } = this;
    const shape = this.header.shape;
    const C = this.components;
    const n0 = shape[0]!;
    const s0 = strides[0]!;
    let n = 0;
    while (n < count) {
      const run = Math.min(count - n, n0 - coord[0]!);
      let p = this.pos;
      if (C === 1) {
        for (let r = 0; r < run; r++, p += s0) out[p] = scratch[n + r]! * slope + inter;
      } else {
        for (let r = 0; r < run; r++, p += s0) for (let c = 0; c < C; c++) out[p + c] = scratch[(n + r) * C + c]!;
      }
      n += run;
      coord[0] = coord[0]! + run;
      this.pos += run * s0;
      if (coord[0] === n0) {
        coord[0] = 0;
        this.pos -= n0 * s0;
        for (let a = 1; a < shape.length; a++) {
          coord[a] = coord[a]! + 1;
          this.pos += strides[a]!;
          if (coord[a]! < shape[a]!) break;
          this.pos -= shape[a]! * strides[a]!;
          coord[a] = 0;
        }
      }
    }
  }
}

function checkAxes(axes: readonly number[] | undefined, ndim: number, file: string): number[] {
  const order = axes ? [...axes] : Array.from({ length: ndim }, (_, k) => k);
  const ok = order.length === ndim && [...order].sort((a, b) => a - b).every((a, k) => a === k);
  if (!ok) throw new InvalidNiftiError(file, 'dim[0]', `the file has ${ndim} dimensions; axis order [${order.join(', ')}] is not a permutation of 0..${ndim - 1}`);
  return order;
}

/** Output shape and, per NIfTI axis, the output stride. */
function layoutFor(header: NiftiHeader, axes: number[]): { shape: number[]; strides: number[]; components: number } {
  const components = header.datatype.components;
  const shape = axes.map((a) => header.shape[a]!);
  const strides = new Array<number>(header.shape.length);
  let s = components;
  for (let q = axes.length - 1; q >= 0; q--) {
    strides[axes[q]!] = s;
    s *= shape[q]!;
  }
  return { shape: components > 1 ? [...shape, components] : shape, strides, components };
}

/**
 * Reads a volume from the inflated byte stream of a .nii file. `compressedSize` (for gzip input)
 * bounds what the header may declare.
 */
export async function readNiftiStream(
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  file: string,
  options: ReadNiftiOptions & { readonly compressedSize?: number } = {},
): Promise<NiftiVolume> {
  let head = new Uint8Array(0);
  let want = 4; // bytes of `head` needed for the next step
  let header: NiftiHeader | null = null; // parsed, extensions not yet
  let complete: NiftiHeader | null = null; // with extensions; data follows
  let offset = 0; // bytes of the inflated file consumed so far
  let end = Infinity; // vox_offset + data bytes
  let writer: VoxelWriter | null = null;
  let out: Float32Array | Float64Array = new Float32Array(0);
  let layout: ReturnType<typeof layoutFor> | null = null;
  let axes: number[] = [];

  const append = (chunk: Uint8Array): Uint8Array => {
    const take = chunk.subarray(0, want - head.length);
    const grown = new Uint8Array(head.length + take.length);
    grown.set(head);
    grown.set(take, head.length);
    head = grown;
    return chunk.subarray(take.length);
  };

  /** Advances the header state as far as the collected bytes allow (final: the stream has ended). */
  const advanceHeader = (final: boolean): void => {
    if (!header) {
      if (head.length < want && !final) return;
      const sniff = sniffHeader(head);
      if (!sniff) {
        parseNiftiHeader(head, file, options); // throws, naming sizeof_hdr
        return;
      }
      if (want === 4) {
        want = sniff.headerSize + 4;
        if (!final) return;
      }
      if (head.length < sniff.headerSize || (head.length < want && !final)) {
        if (final) parseNiftiHeader(head, file, options); // throws: truncated header
        return;
      }
      header = parseNiftiHeader(head, file, options);
      want = header.hasExtensions ? Math.min(header.voxOffset, header.headerSize + 4 + EXTENSION_CAP) : header.headerSize + 4;
    }
    if (head.length < want && !final) return;
    const h = header;
    complete = { ...h, extensions: parseExtensions(head, h, file, Math.min(head.length, h.voxOffset)) };
    end = h.voxOffset + h.dataBytes;
    startData(complete);
    offset = Math.min(head.length, h.voxOffset);
    if (head.length > h.voxOffset && writer) consume(head.subarray(h.voxOffset));
  };

  const startData = (h: NiftiHeader) => {
    axes = checkAxes(options.axes, h.shape.length, file);
    layout = layoutFor(h, axes);
    if (options.compressedSize !== undefined) {
      const most = options.compressedSize * MAX_INFLATE_RATIO + 4096;
      if (h.voxOffset + h.dataBytes > most) {
        throw new InvalidNiftiError(file, `dim[1..${h.shape.length}]`, `[${h.shape.join(', ')}] × ${h.datatype.bits / 8} bytes (${h.dataBytes} bytes) cannot come from a ${options.compressedSize}-byte gzip stream (deflate expands at most ${MAX_INFLATE_RATIO}:1): corrupt header`);
      }
    }
    if (options.headerOnly) return;
    const n = h.voxelCount * layout.components;
    out = options.dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
    writer = new VoxelWriter(h, out, layout.strides, layout.components, options.complex ?? 'magnitude', axes[axes.length - 1]!, options.stageElements, file);
  };

  /** Feeds bytes that start at file offset `offset` (after the header): skips to vox_offset, then decodes. */
  const consume = (chunk: Uint8Array): void => {
    let c = chunk;
    if (offset < complete!.voxOffset) {
      const skip = Math.min(complete!.voxOffset - offset, c.length);
      offset += skip;
      c = c.subarray(skip);
    }
    if (c.length > 0 && offset < end) {
      const take = c.subarray(0, end - offset);
      writer!.push(take);
      offset += take.length;
    }
  };

  try {
    for await (const raw of chunks) {
      let chunk = raw;
      if (!complete) {
        while (!complete && chunk.length > 0) {
          chunk = append(chunk);
          advanceHeader(false);
        }
        if (!complete || options.headerOnly) {
          if (complete) break;
          continue;
        }
      }
      if (chunk.length > 0) consume(chunk);
      if (offset >= end) break;
    }
  } catch (err) {
    if (err instanceof InvalidNiftiError) throw err;
    const e = err as Error & { code?: string };
    const where = complete ? `after ${offset} of ${end} declared bytes` : `after ${head.length} bytes, inside the header`;
    throw new InvalidNiftiError(file, 'gzip', `${e.code === 'Z_BUF_ERROR' ? 'compressed stream truncated' : 'corrupt compressed stream'} (${e.message}) ${where}`);
  }
  if (!complete) advanceHeader(true);
  const h = complete as NiftiHeader | null;
  if (!h) throw new InvalidNiftiError(file, 'header', `truncated: ${head.length} bytes`);
  if (!options.headerOnly && offset < end) {
    throw new InvalidNiftiError(file, 'data', `truncated: dim [${h.shape.join(', ')}] of ${h.datatype.name} declares ${h.dataBytes} bytes from vox_offset ${h.voxOffset}, the file holds ${Math.max(0, offset - h.voxOffset)}`);
  }
  const lay = layout as ReturnType<typeof layoutFor> | null;
  return { file, header: h, compressed: options.compressedSize !== undefined, data: out, shape: lay ? lay.shape : [], axes };
}

function* slices(bytes: Uint8Array, size = 1 << 20): Generator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

/** Inflated chunks of a gzip byte stream (destroyed when the consumer stops early). */
async function* gunzipChunks(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  const gunzip = createGunzip({ chunkSize: 1 << 18 });
  const input = Readable.from(source, { objectMode: false });
  input.on('error', (err) => gunzip.destroy(err));
  input.pipe(gunzip);
  try {
    for await (const chunk of gunzip) yield chunk as Uint8Array;
  } finally {
    input.unpipe(gunzip);
    input.destroy();
    gunzip.destroy();
  }
}

/**
 * Before a gzipped volume's output is allocated, the stream is inflated once without keeping
 * anything, up to the size the header declares: a header that declares more than the stream holds
 * is refused having cost CPU, not memory (the 1032:1 bound alone lets a 1 MB file claim 1 GB).
 */
async function checkInflatedSize(stream: () => AsyncIterable<Uint8Array>, file: string, options: ReadNiftiOptions, compressedSize: number): Promise<void> {
  if (options.headerOnly) return;
  const { header } = await readNiftiStream(stream(), file, { ...options, headerOnly: true, compressedSize });
  const end = header.voxOffset + header.dataBytes;
  let total = 0;
  try {
    for await (const chunk of stream()) {
      total += chunk.length;
      if (total >= end) return;
    }
  } catch (err) {
    const e = err as Error & { code?: string };
    throw new InvalidNiftiError(file, 'gzip', `${e.code === 'Z_BUF_ERROR' ? 'compressed stream truncated' : 'corrupt compressed stream'} (${e.message}) after ${total} of ${end} declared bytes`);
  }
  throw new InvalidNiftiError(file, 'data', `truncated: dim [${header.shape.join(', ')}] of ${header.datatype.name} declares ${header.dataBytes} bytes from vox_offset ${header.voxOffset}, the stream inflates to ${total} bytes`);
}

/** Reads a .nii or .nii.gz file held in memory (gzip recognised by its magic bytes, not the name). */
export async function readNifti(bytes: Uint8Array, file: string, options: ReadNiftiOptions = {}): Promise<NiftiVolume> {
  if (isGzip(bytes)) {
    await checkInflatedSize(() => gunzipChunks(slices(bytes)), file, options, bytes.length);
    return readNiftiStream(gunzipChunks(slices(bytes)), file, { ...options, compressedSize: bytes.length });
  }
  if (bytes.length >= 4 && !sniffHeader(bytes)) parseNiftiHeader(bytes, file, options); // names the bad field
  // A plain file: check the declared size against the bytes before allocating.
  if (!options.headerOnly && bytes.length >= 352) {
    const h = parseNiftiHeader(bytes, file, options);
    if (h.voxOffset + h.dataBytes > bytes.length) {
      throw new InvalidNiftiError(file, 'data', `truncated: dim [${h.shape.join(', ')}] of ${h.datatype.name} declares ${h.dataBytes} bytes from vox_offset ${h.voxOffset}, the file holds ${Math.max(0, bytes.length - h.voxOffset)}`);
    }
  }
  return readNiftiStream([bytes], file, options);
}

/** Reads a .nii or .nii.gz file from disk, streaming it (the compressed file is never held whole). */
export async function readNiftiFile(path: string, options: ReadNiftiOptions = {}): Promise<NiftiVolume> {
  const file = basename(path);
  const size = statSync(path).size;
  const fd = createReadStream(path, { start: 0, end: 1 });
  let magic = new Uint8Array(0);
  for await (const c of fd) magic = new Uint8Array(c as Buffer);
  fd.destroy();
  if (isGzip(magic)) await checkInflatedSize(() => gunzipChunks(createReadStream(path, { highWaterMark: 1 << 20 })), file, options, size);
  const stream = createReadStream(path, { highWaterMark: 1 << 20 });
  try {
    if (isGzip(magic)) return await readNiftiStream(gunzipChunks(stream), file, { ...options, compressedSize: size });
    return await readNiftiStream(stream as AsyncIterable<Uint8Array>, file, options);
  } finally {
    stream.destroy();
  }
}
