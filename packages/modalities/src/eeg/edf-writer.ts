import { InvalidArgumentError } from '@xai/core';
import { asciiField, formatExact, formatFixedWidth } from './ascii.js';
import type { EegAnnotation } from './recording.js';
import { encodeTal } from './tal.js';

/** One signal to write: values in physical units at its own rate. */
export interface EdfSignalSpec {
  /** EDF+ style 'EEG Fz' is recommended; at most 16 ASCII characters are kept. */
  readonly label: string;
  readonly unit?: string;
  readonly sampleRate: number;
  readonly transducer?: string;
  readonly prefilter?: string;
  /** Physical range; default the data range rounded outward to what the 8-character field holds. */
  readonly physicalMin?: number;
  readonly physicalMax?: number;
}

export interface EdfWriteOptions {
  /** 'EDF+' (16-bit, default) or 'BDF+' (24-bit). */
  readonly format?: 'EDF+' | 'BDF+';
  /** Start of the first sample; the header holds whole seconds, the rest goes into the first record's onset. */
  readonly start?: Date | null;
  /** Onsets in seconds from the first sample. */
  readonly annotations?: readonly EegAnnotation[];
  /** EDF+ patient field: 'code sex birthdate name' (spaces inside subfields become '_'); default 'X X X X'. */
  readonly patient?: string;
  /** EDF+ recording subfields after the start date: 'admincode technician equipment'; default 'X X xai'. */
  readonly recording?: string;
  /** Duration of one data record in seconds; default chosen so every signal fills whole records. */
  readonly recordDuration?: number;
  /** EDF+D: onset (s, from the first sample) of each data record; gaps between records are allowed. */
  readonly recordOnsets?: readonly number[];
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const pad2 = (n: number) => String(n).padStart(2, '0');
const MAX_RECORD_BYTES = 61_440; // the EDF+ specification's recommended maximum

/** A record duration (≤ 8 characters, exact) in which every signal has a whole number of samples, and records count. */
export function chooseRecordDuration(signals: readonly { sampleRate: number; length: number }[], bytesPerSample = 2): { duration: number; records: number; padded: boolean } {
  const isWhole = (v: number) => Math.abs(v - Math.round(v)) < 1e-6 && Math.round(v) > 0;
  const total = Math.max(...signals.map((s) => s.length / s.sampleRate));
  const candidates = [1, 0.5, 0.25, 0.2, 0.1, 2, 5, 10, total];
  for (let k = 2; k <= 1000; k++) candidates.push(total / k);
  const valid = candidates.filter((d) => formatExact(d) !== null && signals.every((s) => isWhole(s.sampleRate * d)));
  const exact = valid.filter((d) => {
    const counts = signals.map((s) => s.length / Math.round(s.sampleRate * d));
    return counts.every((c) => Number.isInteger(c) && c === counts[0]);
  });
  const size = (d: number) => signals.reduce((a, s) => a + Math.round(s.sampleRate * d) * bytesPerSample, 0);
  const best = exact.find((d) => size(d) <= MAX_RECORD_BYTES) ?? exact[0];
  if (best !== undefined) return { duration: best, records: Math.round(signals[0]!.length / Math.round(signals[0]!.sampleRate * best)), padded: false };
  const fallback = valid[0];
  if (fallback === undefined) throw new InvalidArgumentError(`no EDF data record duration fits the sample rates ${signals.map((s) => s.sampleRate).join(', ')} Hz`);
  return { duration: fallback, records: Math.max(...signals.map((s) => Math.ceil(s.length / Math.round(s.sampleRate * fallback)))), padded: true };
}

interface Layout {
  readonly label: string;
  readonly unit: string;
  readonly transducer: string;
  readonly prefilter: string;
  readonly pmin: string;
  readonly pmax: string;
  readonly dmin: number;
  readonly dmax: number;
  readonly perRecord: number;
  readonly gain: number;
  readonly offset: number;
}

/**
 * Writes an EDF+/BDF+ file record by record (so large files can be streamed): `header()` once, then
 * `record(k, …)` for each data record. Each record carries its time-keeping TAL and the annotations
 * whose onset falls inside it.
 */
export class EdfPlusWriter {
  readonly bytesPerSample: 2 | 3;
  readonly recordSize: number;
  private readonly layouts: Layout[];
  private readonly annotationBytes: number;
  private readonly tals: Uint8Array[][];
  private readonly onsets: number[];
  private readonly headerStart: Date | null;

  constructor(
    private readonly signals: readonly (EdfSignalSpec & { physicalMin: number; physicalMax: number })[],
    readonly records: number,
    readonly recordDuration: number,
    private readonly options: EdfWriteOptions = {},
  ) {
    const bdf = options.format === 'BDF+';
    this.bytesPerSample = bdf ? 3 : 2;
    const [dmin, dmax] = bdf ? [-8_388_608, 8_388_607] : [-32_768, 32_767];
    if (formatExact(recordDuration) === null || !(recordDuration > 0)) throw new InvalidArgumentError(`record duration ${recordDuration} s does not fit the 8-character EDF field`);
    if (!Number.isInteger(records) || records < 0 || records > 99_999_999) throw new InvalidArgumentError(`cannot write ${records} data records`);
    this.layouts = signals.map((s) => {
      const perRecord = Math.round(s.sampleRate * recordDuration);
      if (Math.abs(perRecord - s.sampleRate * recordDuration) > 1e-6 || perRecord < 1) {
        throw new InvalidArgumentError(`signal '${s.label}': ${s.sampleRate} Hz × ${recordDuration} s is not a whole number of samples per record`);
      }
      let lo = formatFixedWidth(Math.min(s.physicalMin, s.physicalMax), 8, 'floor');
      let hi = formatFixedWidth(Math.max(s.physicalMin, s.physicalMax), 8, 'ceil');
      if (lo === null || hi === null) throw new InvalidArgumentError(`signal '${s.label}': physical range [${s.physicalMin}, ${s.physicalMax}] does not fit 8 characters; rescale it`);
      if (Number(lo) === Number(hi)) [lo, hi] = [formatFixedWidth(Number(lo) - 1, 8, 'floor')!, formatFixedWidth(Number(hi) + 1, 8, 'ceil')!];
      const gain = (Number(hi) - Number(lo)) / (dmax - dmin);
      return {
        label: s.label, unit: s.unit ?? '', transducer: s.transducer ?? '', prefilter: s.prefilter ?? '', pmin: lo, pmax: hi, dmin, dmax, perRecord,
        gain, offset: Number(lo) - gain * dmin,
      };
    });
    // Header start in whole seconds; the remainder shifts every onset (EDF+ time-keeping).
    const start = options.start ?? null;
    const fraction = start ? (start.getTime() % 1000) / 1000 : 0;
    this.headerStart = start ? new Date(start.getTime() - fraction * 1000) : null;
    const onsets = options.recordOnsets ? [...options.recordOnsets] : Array.from({ length: records }, (_, k) => k * recordDuration);
    if (onsets.length !== records) throw new InvalidArgumentError(`${onsets.length} record onsets for ${records} records`);
    this.onsets = onsets.map((o) => o + fraction);
    this.tals = this.onsets.map((o) => [encodeTal(o, null, [])]);
    for (const a of options.annotations ?? []) {
      const onset = a.onset + fraction;
      let k = 0;
      while (k + 1 < records && this.onsets[k + 1]! <= onset) k++;
      if (records > 0) this.tals[k]!.push(encodeTal(onset, a.duration, [a.description]));
    }
    const most = Math.max(0, ...this.tals.map((list) => list.reduce((n, t) => n + t.length, 0)));
    this.annotationBytes = Math.max(this.bytesPerSample * 8, Math.ceil(most / this.bytesPerSample) * this.bytesPerSample);
    this.recordSize = this.layouts.reduce((n, l) => n + l.perRecord * this.bytesPerSample, 0) + this.annotationBytes;
  }

  /** The header record: 256 × (signals + 1) ASCII bytes. */
  header(): Uint8Array {
    const bdf = this.bytesPerSample === 3;
    const ns = this.layouts.length + 1;
    const start = this.headerStart;
    const startdate = start
      ? start.getUTCFullYear() > 2084 ? 'yy.yy.yy' : `${pad2(start.getUTCDate())}.${pad2(start.getUTCMonth() + 1)}.${pad2(start.getUTCFullYear() % 100)}`
      : '01.01.85';
    const starttime = start ? `${pad2(start.getUTCHours())}.${pad2(start.getUTCMinutes())}.${pad2(start.getUTCSeconds())}` : '00.00.00';
    const plusDate = start ? `${pad2(start.getUTCDate())}-${MONTHS[start.getUTCMonth()]}-${start.getUTCFullYear()}` : 'X';
    const subfields = (text: string | undefined, fallback: string, count: number) => {
      const parts = (text ?? fallback).trim().split(/\s+/).map((p) => p.replace(/[^\x21-\x7e]/g, '_'));
      while (parts.length < count) parts.push('X');
      return parts.join(' ');
    };
    const fields: string[] = [
      asciiField(bdf ? 'BIOSEMI' : '0', bdf ? 7 : 8), // BDF: 0xFF is prepended below
      asciiField(subfields(this.options.patient, 'X X X X', 4), 80),
      asciiField(`Startdate ${plusDate} ${subfields(this.options.recording, 'X X xai', 3)}`, 80),
      startdate, starttime,
      asciiField(String(256 * (ns + 1)), 8),
      asciiField(bdf ? (this.options.recordOnsets ? 'BDF+D' : 'BDF+C') : this.options.recordOnsets ? 'EDF+D' : 'EDF+C', 44),
      asciiField(String(this.records), 8),
      asciiField(formatExact(this.recordDuration)!, 8),
      asciiField(String(ns), 4),
    ];
    const all = [...this.layouts, null];
    const column = (width: number, f: (l: Layout) => string, annotation: string) => all.map((l) => asciiField(l ? f(l) : annotation, width)).join('');
    fields.push(
      column(16, (l) => l.label, bdf ? 'BDF Annotations' : 'EDF Annotations'),
      column(80, (l) => l.transducer, ''),
      column(8, (l) => l.unit, ''),
      column(8, (l) => l.pmin, '-1'),
      column(8, (l) => l.pmax, '1'),
      column(8, (l) => String(l.dmin), String(bdf ? -8_388_608 : -32_768)),
      column(8, (l) => String(l.dmax), String(bdf ? 8_388_607 : 32_767)),
      column(80, (l) => l.prefilter, ''),
      column(8, (l) => String(l.perRecord), String(this.annotationBytes / this.bytesPerSample)),
      column(32, () => '', ''),
    );
    const text = fields.join('');
    const out = new Uint8Array(256 * (ns + 1));
    let o = 0;
    if (bdf) out[o++] = 0xff;
    for (let i = 0; i < text.length; i++) out[o++] = text.charCodeAt(i);
    if (o !== out.length) throw new Error(`internal: header is ${o} bytes, expected ${out.length}`);
    return out;
  }

  /** Data record k; `samples(s)` gives signal s's values for this record (perRecord of them, physical units). */
  record(k: number, samples: (signal: number) => ArrayLike<number>, into?: Uint8Array): Uint8Array {
    const out = into ?? new Uint8Array(this.recordSize);
    if (into) out.fill(0);
    let p = 0;
    const three = this.bytesPerSample === 3;
    this.layouts.forEach((l, s) => {
      const values = samples(s);
      for (let j = 0; j < l.perRecord; j++) {
        const v = j < values.length ? values[j]! : 0;
        let d = Math.round((v - l.offset) / l.gain);
        d = d < l.dmin ? l.dmin : d > l.dmax ? l.dmax : Number.isNaN(d) ? 0 : d;
        out[p] = d & 0xff;
        out[p + 1] = (d >> 8) & 0xff;
        if (three) out[p + 2] = (d >> 16) & 0xff;
        p += this.bytesPerSample;
      }
    });
    for (const tal of this.tals[k] ?? []) {
      out.set(tal, p);
      p += tal.length;
    }
    return out;
  }
}

/** Data range of a signal, for its physical minimum and maximum. */
function rangeOf(samples: ArrayLike<number>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < samples.length; i++) {
    const v = samples[i]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return Number.isFinite(lo) ? [lo, hi] : [-1, 1];
}

/**
 * An EDF+ (or BDF+) file holding `signals` (each at its own rate) and `annotations`, as EDFbrowser
 * and MNE read it: ASCII header with the EDF+ patient/recording subfields, 'EDF+C' (or 'EDF+D' with
 * `recordOnsets`), an 'EDF Annotations' signal with a time-keeping TAL in every data record.
 */
export function writeEdfPlus(signals: readonly (EdfSignalSpec & { samples: ArrayLike<number> })[], options: EdfWriteOptions = {}): Uint8Array {
  if (signals.length === 0) throw new InvalidArgumentError('an EDF+ file needs at least one signal');
  const bps = options.format === 'BDF+' ? 3 : 2;
  let duration: number;
  let records: number;
  if (options.recordDuration !== undefined) {
    duration = options.recordDuration;
    records = options.recordOnsets?.length ?? Math.max(...signals.map((s) => Math.ceil(s.samples.length / Math.round(s.sampleRate * duration))));
  } else {
    ({ duration, records } = chooseRecordDuration(signals.map((s) => ({ sampleRate: s.sampleRate, length: s.samples.length })), bps));
  }
  const ranged = signals.map((s) => {
    const [lo, hi] = rangeOf(s.samples);
    return { ...s, physicalMin: s.physicalMin ?? lo, physicalMax: s.physicalMax ?? hi };
  });
  const writer = new EdfPlusWriter(ranged, records, duration, options);
  const header = writer.header();
  const out = new Uint8Array(header.length + records * writer.recordSize);
  out.set(header, 0);
  const perRecord = signals.map((s) => Math.round(s.sampleRate * duration));
  for (let k = 0; k < records; k++) {
    writer.record(k, (s) => {
      const n = perRecord[s]!;
      const values = signals[s]!.samples;
      const [from, to] = [Math.min(values.length, k * n), Math.min(values.length, (k + 1) * n)];
      return ArrayBuffer.isView(values) ? (values as Float32Array).subarray(from, to) : Array.from({ length: to - from }, (_, j) => values[from + j]!);
    }, out.subarray(header.length + k * writer.recordSize, header.length + (k + 1) * writer.recordSize));
  }
  return out;
}
