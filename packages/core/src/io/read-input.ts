import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { convertIndexedToRgb, decode as decodePng, type DecodedPng } from 'fast-png';
import jpeg from 'jpeg-js';
import { InvalidArgumentError } from '../errors.js';
import { sizeLimit } from './limits.js';

/** Value range of image pixels: '0-1' (default) divides 8-bit values by 255 and 16-bit ones by 65535; '0-255' keeps 8-bit values (16-bit ones are divided by 257). */
export type InputScale = '0-1' | '0-255';

export interface ReadInputOptions {
  /**
   * Expected shape of one sample, e.g. [32, 32, 3]. Images adapt their channels to it (grey is
   * replicated to 3 channels; an RGB image with identical channels becomes grey for 1); arrays may
   * differ from it only by size-1 axes (e.g. a leading batch axis of 1), which leave the
   * row-major layout unchanged. Anything else throws an InvalidArgumentError. Nothing is resized.
   */
  shape?: readonly number[];
  /** Pixel scaling for PNG/JPEG; ignored for .npy and .json, whose values are taken as they are. */
  scale?: InputScale;
  /** Most pixels a PNG/JPEG may declare, checked on its header before decoding (default: XAI_MAX_IMAGE_PIXELS, else 2^25). */
  maxPixels?: number;
  /** Most values a .npy/.json array may hold (default: XAI_MAX_DECODED_BYTES / 4, else 2^28). */
  maxValues?: number;
}

/** A sample as a flat row-major (C order) array; images are [height, width, channels]. */
export interface InputArray {
  values: Float32Array;
  shape: number[];
}

export const INPUT_EXTENSIONS = ['.png', '.jpg', '.jpeg', '.npy', '.json'] as const;

/** Read a model input (one sample) from a PNG, JPEG, NumPy .npy or JSON file. */
export async function readInputFile(path: string, options: ReadInputOptions = {}): Promise<InputArray> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new InvalidArgumentError(`${path}: cannot read input file (${(err as Error).message})`);
  }
  return decodeInput(bytes, path, options);
}

/** Decode an input file already in memory; `name` (a path or file name) picks the format by its extension and names the file in errors. */
export function decodeInput(bytes: Uint8Array, name: string, options: ReadInputOptions = {}): InputArray {
  const scale = options.scale ?? '0-1';
  if (scale !== '0-1' && scale !== '0-255') throw new InvalidArgumentError(`scale must be '0-1' or '0-255', got ${JSON.stringify(scale)}`);
  const expected = options.shape;
  if (expected && !expected.every((d) => Number.isInteger(d) && d > 0)) {
    throw new InvalidArgumentError(`expected shape must hold positive integers, got ${fmt(expected)}`);
  }
  const ext = extname(name).toLowerCase();
  const maxPixels = sizeLimit('XAI_MAX_IMAGE_PIXELS', options.maxPixels);
  switch (ext) {
    case '.png':
      return fitImage(readPng(bytes, name, scale, maxPixels), name, expected);
    case '.jpg':
    case '.jpeg':
      return fitImage(readJpeg(bytes, name, scale, maxPixels), name, expected);
    case '.npy':
      return fitArray(readNpy(bytes, name, options.maxValues ?? sizeLimit('XAI_MAX_DECODED_BYTES') / 4), name, expected);
    case '.json':
      return fitArray(readJson(bytes, name), name, expected);
    default:
      throw new InvalidArgumentError(
        `${name}: unsupported input file type ${ext ? `"${ext}"` : '(no extension)'}; supported: ${INPUT_EXTENSIONS.join(', ')}`,
      );
  }
}

const fmt = (shape: readonly number[]) => `[${shape.join(', ')}]`;

function mismatch(name: string, shape: readonly number[], expected: readonly number[], hint = ''): never {
  throw new InvalidArgumentError(`${name}: input has shape ${fmt(shape)} but the model expects ${fmt(expected)}${hint}`);
}

// ---- images ----------------------------------------------------------------------------------

interface Image {
  data: Float32Array; // [h, w, c], c = 1 or 3
  height: number;
  width: number;
  channels: 1 | 3;
}

/** Copy the colour channels (first 1 or 3 of `inChannels`) of interleaved samples, times `factor`. */
function takeColour(src: ArrayLike<number>, n: number, inChannels: number, factor: number): { data: Float32Array; channels: 1 | 3 } {
  const channels = inChannels >= 3 ? 3 : 1;
  const data = new Float32Array(n * channels);
  for (let p = 0; p < n; p++) for (let c = 0; c < channels; c++) data[p * channels + c] = src[p * inChannels + c]! * factor;
  return { data, channels };
}

/** Bytes per pixel sample count of each PNG colour type (0 grey, 2 RGB, 3 palette, 4 grey + alpha, 6 RGBA). */
const PNG_CHANNELS: Readonly<Record<number, number>> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
/** The most deflate expands its input (zlib's technical limit is 1032:1). */
const MAX_INFLATE_RATIO = 1032;

/**
 * Reads the PNG's IHDR and sums its IDAT chunks before anything is decoded: the declared pixels
 * must stay within `maxPixels`, and the filtered scanlines they need must be something the IDAT
 * bytes can inflate to. fast-png allocates the whole image from the header first.
 */
function checkPngHeader(bytes: Uint8Array, name: string, maxPixels: number): void {
  const bad = (field: string, detail: string): never => {
    throw new InvalidArgumentError(`${name}: not a valid PNG file (${field}: ${detail})`);
  };
  if (bytes.length < 33) bad('IHDR', `the file has ${bytes.length} bytes, too few for a signature and a header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (String.fromCharCode(...bytes.subarray(12, 16)) !== 'IHDR') bad('IHDR', 'the first chunk is not IHDR');
  const width = view.getUint32(16);
  const height = view.getUint32(20);
  const depth = bytes[24]!;
  const channels = PNG_CHANNELS[bytes[25]!];
  if (width === 0 || height === 0 || width > 2 ** 31 - 1 || height > 2 ** 31 - 1) bad('IHDR', `width × height ${width} × ${height} is not a valid size`);
  if (width * height > maxPixels) bad('IHDR', `width × height ${width} × ${height} exceeds the limit of ${maxPixels} pixels (XAI_MAX_IMAGE_PIXELS)`);
  if (channels === undefined || ![1, 2, 4, 8, 16].includes(depth)) bad('IHDR', `colour type ${bytes[25]} with bit depth ${depth} is not a PNG format`);
  let idat = 0;
  for (let at = 8; at + 8 <= bytes.length; ) {
    const length = view.getUint32(at);
    if (String.fromCharCode(...bytes.subarray(at + 4, at + 8)) === 'IDAT') idat += length;
    at += 12 + length;
  }
  const raw = height * (1 + Math.ceil((width * channels! * depth) / 8));
  if (raw > (idat + 64) * MAX_INFLATE_RATIO) {
    bad('IDAT', `${width} × ${height} pixels need ${raw} bytes of scanlines, more than ${idat} bytes of image data can inflate to`);
  }
}

function readPng(bytes: Uint8Array, name: string, scale: InputScale, maxPixels: number): Image {
  checkPngHeader(bytes, name, maxPixels);
  let png: DecodedPng;
  try {
    png = decodePng(bytes, { checkCrc: true });
  } catch (err) {
    throw new InvalidArgumentError(`${name}: not a valid PNG file (${(err as Error).message})`);
  }
  const { width, height, depth } = png;
  const n = width * height;
  const to255 = scale === '0-255';
  if (png.channels === 1 && png.palette) {
    // Colour type 3: palette indices → RGB(A) bytes.
    let rgb: Uint8Array;
    try {
      rgb = convertIndexedToRgb(png);
    } catch (err) {
      throw new InvalidArgumentError(`${name}: corrupt palette PNG (${(err as Error).message})`);
    }
    return { ...takeColour(rgb, n, png.palette[0]!.length, to255 ? 1 : 1 / 255), width, height };
  }
  const max = 2 ** depth - 1;
  const factor = to255 ? 255 / max : 1 / max;
  if (depth < 8) {
    // Greyscale at 1, 2 or 4 bits: rows of packed samples, each row starting on a byte.
    const rowBytes = Math.ceil((width * depth) / 8);
    const data = new Float32Array(n);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const bit = x * depth;
        const byte = png.data[y * rowBytes + (bit >> 3)]!;
        data[y * width + x] = ((byte >> (8 - depth - (bit & 7))) & max) * factor;
      }
    }
    return { data, channels: 1, width, height };
  }
  return { ...takeColour(png.data, n, png.channels, factor), width, height };
}

function readJpeg(bytes: Uint8Array, name: string, scale: InputScale, maxPixels: number): Image {
  let img: { width: number; height: number; data: Uint8Array };
  try {
    // jpeg-js refuses a frame header above maxResolutionInMP before allocating, and counts what it allocates.
    img = jpeg.decode(bytes, {
      useTArray: true,
      formatAsRGBA: false,
      maxResolutionInMP: maxPixels / 1e6,
      maxMemoryUsageInMB: Math.ceil((maxPixels * 12) / 2 ** 20) + 64,
    });
  } catch (err) {
    throw new InvalidArgumentError(`${name}: not a valid JPEG file (${err instanceof Error ? err.message : String(err)})`);
  }
  // jpeg-js always returns RGB, also for greyscale JPEGs.
  return { ...takeColour(img.data, img.width * img.height, 3, scale === '0-255' ? 1 : 1 / 255), width: img.width, height: img.height };
}

function isGrey(img: Image): boolean {
  if (img.channels === 1) return true;
  for (let p = 0; p < img.data.length; p += 3) {
    if (img.data[p] !== img.data[p + 1] || img.data[p] !== img.data[p + 2]) return false;
  }
  return true;
}

function fitImage(img: Image, name: string, expected?: readonly number[]): InputArray {
  const { width, height } = img;
  const shape = [height, width, img.channels];
  if (!expected) return { values: img.data, shape };
  const hint = expected.length === 3 && (expected[0] !== height || expected[1] !== width)
    ? ' (images are not resized: resize it first)'
    : '';
  const wantChannels = expected.length === 2 ? 1 : expected.length === 3 ? expected[2] : undefined;
  if (wantChannels === undefined || expected[0] !== height || expected[1] !== width) mismatch(name, shape, expected, hint);
  if (wantChannels === img.channels) return { values: img.data, shape: [...expected] };
  if (wantChannels === 3 && img.channels === 1) {
    const values = new Float32Array(height * width * 3);
    img.data.forEach((v, p) => values.fill(v, p * 3, p * 3 + 3));
    return { values, shape: [...expected] };
  }
  if (wantChannels === 1 && isGrey(img)) {
    return { values: img.channels === 1 ? img.data : img.data.filter((_, k) => k % 3 === 0), shape: [...expected] };
  }
  return mismatch(name, shape, expected, wantChannels === 1 ? ' (the image has colour; the model takes one channel)' : '');
}

// ---- arrays ----------------------------------------------------------------------------------

function fitArray(arr: InputArray, name: string, expected?: readonly number[]): InputArray {
  if (!expected) return arr;
  const squeeze = (s: readonly number[]) => s.filter((d) => d !== 1).join(',');
  // Size-1 axes do not change the row-major layout, so [1, 28, 28] serves for [28, 28, 1].
  if (squeeze(arr.shape) !== squeeze(expected) || arr.values.length !== expected.reduce((a, b) => a * b, 1)) {
    mismatch(name, arr.shape, expected);
  }
  return { values: arr.values, shape: [...expected] };
}

/** Parse the Python literal of a .npy header: dicts, tuples, lists, strings, ints, True/False/None. */
function parsePyLiteral(text: string): unknown {
  let pos = 0;
  const ws = () => {
    while (pos < text.length && /\s/.test(text[pos]!)) pos++;
  };
  const fail = (what: string): never => {
    throw new Error(`${what} at character ${pos} of the header`);
  };
  const value = (): unknown => {
    ws();
    const ch = text[pos];
    if (ch === '{' || ch === '(' || ch === '[') {
      const close = ch === '{' ? '}' : ch === '(' ? ')' : ']';
      pos++;
      const items: unknown[] = [];
      const dict = new Map<unknown, unknown>();
      for (;;) {
        ws();
        if (text[pos] === close) {
          pos++;
          break;
        }
        const item = value();
        if (ch === '{') {
          ws();
          if (text[pos++] !== ':') fail('expected ":"');
          dict.set(item, value());
        } else {
          items.push(item);
        }
        ws();
        if (text[pos] === ',') pos++;
        else if (text[pos] !== close) fail(`expected "," or "${close}"`);
      }
      return ch === '{' ? dict : items;
    }
    if (ch === "'" || ch === '"') {
      const end = text.indexOf(ch, pos + 1);
      if (end < 0) fail('unterminated string');
      const s = text.slice(pos + 1, end);
      pos = end + 1;
      return s;
    }
    const m = /^(?:True|False|None|[-+]?\d+L?)/.exec(text.slice(pos));
    if (!m) return fail('unexpected input');
    pos += m[0].length;
    if (m[0] === 'True') return true;
    if (m[0] === 'False') return false;
    if (m[0] === 'None') return null;
    return Number.parseInt(m[0], 10);
  };
  const result = value();
  ws();
  if (pos < text.length) fail('trailing characters');
  return result;
}

const NPY_DTYPES = '<f2 <f4 <f8 <i1..<i8 <u1..<u8 |b1 (and their big-endian forms)';

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 31) return frac ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

/** NumPy .npy, format versions 1.0, 2.0 and 3.0 (numpy/lib/format.py). */
function readNpy(bytes: Uint8Array, name: string, maxValues: number): InputArray {
  const bad = (detail: string): never => {
    throw new InvalidArgumentError(`${name}: not a valid .npy file (${detail})`);
  };
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
  if (bytes.length < 10 || magic.some((b, i) => bytes[i] !== b)) bad('missing the \\x93NUMPY magic string');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6]!;
  const minor = bytes[7]!;
  if (major < 1 || major > 3 || minor !== 0) bad(`unsupported format version ${major}.${minor}`);
  const lenBytes = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lenBytes) bad('truncated header');
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = 8 + lenBytes;
  if (start + headerLen > bytes.length) bad('truncated header');
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(start, start + headerLen));
  let dict: unknown;
  try {
    dict = parsePyLiteral(header);
  } catch (err) {
    bad((err as Error).message);
  }
  if (!(dict instanceof Map)) return bad('the header is not a dict');
  const descr = dict.get('descr');
  const fortran = dict.get('fortran_order');
  const shape = dict.get('shape');
  if (typeof descr !== 'string') {
    throw new InvalidArgumentError(`${name}: structured .npy dtypes are not supported; supported dtypes: ${NPY_DTYPES}`);
  }
  if (typeof fortran !== 'boolean') bad('fortran_order missing from the header');
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) bad('shape missing or invalid in the header');
  const dims = shape as number[];
  if (fortran && dims.filter((d) => d > 1).length > 1) {
    throw new InvalidArgumentError(
      `${name}: Fortran-order (column-major) .npy arrays are not supported; save a C-order array (np.save(path, np.ascontiguousarray(x)))`,
    );
  }
  const m = /^([<>|=])([fiub])(\d+)$/.exec(descr);
  const kind = m?.[2];
  const size = Number(m?.[3]);
  const ok = m && (kind === 'f' ? [2, 4, 8].includes(size) : kind === 'b' ? size === 1 : [1, 2, 4, 8].includes(size));
  if (!ok) throw new InvalidArgumentError(`${name}: unsupported .npy dtype '${descr}'; supported dtypes: ${NPY_DTYPES}`);
  const little = m[1] !== '>';
  const count = dims.reduce((a, b) => a * b, 1);
  if (count > maxValues) bad(`shape ${fmt(dims)} holds ${count} values, more than the limit of ${maxValues} (XAI_MAX_DECODED_BYTES / 4)`);
  const offset = start + headerLen;
  if (bytes.length - offset < count * size) {
    bad(`truncated data: shape ${fmt(dims)} of '${descr}' needs ${count * size} bytes, the file has ${bytes.length - offset}`);
  }
  const get: (at: number) => number =
    kind === 'f'
      ? size === 2 ? (at) => halfToFloat(view.getUint16(at, little)) : size === 4 ? (at) => view.getFloat32(at, little) : (at) => view.getFloat64(at, little)
      : kind === 'b' ? (at) => (view.getUint8(at) ? 1 : 0)
      : kind === 'i'
        ? size === 1 ? (at) => view.getInt8(at) : size === 2 ? (at) => view.getInt16(at, little) : size === 4 ? (at) => view.getInt32(at, little) : (at) => Number(view.getBigInt64(at, little))
        : size === 1 ? (at) => view.getUint8(at) : size === 2 ? (at) => view.getUint16(at, little) : size === 4 ? (at) => view.getUint32(at, little) : (at) => Number(view.getBigUint64(at, little));
  const values = new Float32Array(count);
  for (let i = 0; i < count; i++) values[i] = get(offset + i * size);
  return { values, shape: dims };
}

/** JSON: a nested (rectangular) number array, or { "shape": [...], "data": [...] } with flat or nested data ("values" is accepted for "data"). */
function readJson(bytes: Uint8Array, name: string): InputArray {
  let doc: unknown;
  try {
    doc = JSON.parse(new TextDecoder().decode(bytes));
  } catch (err) {
    throw new InvalidArgumentError(`${name}: not valid JSON (${(err as Error).message})`);
  }
  const bad = (detail: string): never => {
    throw new InvalidArgumentError(`${name}: ${detail}`);
  };
  const nested = (root: unknown[], what: string): InputArray => {
    const shape: number[] = [];
    for (let a: unknown = root; Array.isArray(a); a = a[0]) shape.push(a.length);
    const flat: number[] = [];
    const walk = (a: unknown, depth: number, path: string): void => {
      if (depth === shape.length) {
        if (typeof a !== 'number') bad(`${what}${path} is ${JSON.stringify(a)}, expected a number`);
        flat.push(a as number);
      } else if (!Array.isArray(a) || a.length !== shape[depth]) {
        bad(`${what}${path} is not an array of length ${shape[depth]} (the array is not rectangular, shape ${fmt(shape)} from its first elements)`);
      } else {
        a.forEach((x, i) => walk(x, depth + 1, `${path}[${i}]`));
      }
    };
    walk(root, 0, '');
    return { values: Float32Array.from(flat), shape };
  };
  if (Array.isArray(doc)) return nested(doc, 'element ');
  if (doc && typeof doc === 'object') {
    const obj = doc as Record<string, unknown>;
    const shape = obj.shape;
    const key = 'data' in obj ? 'data' : 'values' in obj ? 'values' : undefined;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) bad('"shape" must be an array of non-negative integers');
    const dims = shape as number[];
    if (!key || !Array.isArray(obj[key])) return bad('expected a "data" array next to "shape"');
    const data = obj[key] as unknown[];
    const arr = nested(data, `"${key}"`);
    const count = dims.reduce((a, b) => a * b, 1);
    if (arr.shape.length > 1 ? fmt(arr.shape) !== fmt(dims) : arr.values.length !== count) {
      bad(`"${key}" has ${arr.shape.length > 1 ? `shape ${fmt(arr.shape)}` : `${arr.values.length} values`} but "shape" is ${fmt(dims)}`);
    }
    return { values: arr.values, shape: dims };
  }
  return bad('expected a nested number array or an object with "shape" and "data"');
}
