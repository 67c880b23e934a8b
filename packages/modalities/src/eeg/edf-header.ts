import { latin1, parseDecimal } from './ascii.js';
import type { ByteSource } from './byte-source.js';
import { InvalidEegFileError } from './errors.js';

/** Largest finite float32: samples are stored as float32. */
const FLOAT32_MAX = 3.4028234663852886e38;

/** One signal as the header describes it. */
export interface EdfSignalHeader {
  readonly label: string;
  readonly transducer: string;
  readonly unit: string;
  readonly physicalMin: number;
  readonly physicalMax: number;
  readonly digitalMin: number;
  readonly digitalMax: number;
  readonly prefilter: string;
  readonly samplesPerRecord: number;
  readonly reserved: string;
  /** True for the EDF+/BDF+ annotation signal. */
  readonly isAnnotation: boolean;
  /** Physical value of digital value d: gain·d + offset. */
  readonly gain: number;
  readonly offset: number;
  /** Byte offset of the signal inside a data record. */
  readonly recordOffset: number;
}

export interface EdfHeader {
  readonly kind: 'EDF' | 'BDF';
  /** '', '+C' or '+D'. */
  readonly plus: '' | '+C' | '+D';
  readonly patient: string;
  readonly recording: string;
  readonly startDate: string;
  readonly startTime: string;
  /** Start from the header (the EDF+ 'Startdate dd-MMM-yyyy' subfield gives the century); null when unreadable. */
  readonly start: Date | null;
  readonly headerBytes: number;
  readonly reserved: string;
  /** Data records the file holds (the declared number, or the one the file size gives for −1). */
  readonly records: number;
  readonly declaredRecords: number;
  readonly recordDuration: number;
  readonly signals: readonly EdfSignalHeader[];
  readonly bytesPerSample: 2 | 3;
  /** Bytes of one data record. */
  readonly recordSize: number;
}

export interface EdfHeaderOptions {
  /** Read the complete data records of a file shorter than its header declares instead of refusing it. */
  readonly allowTruncated?: boolean;
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
/** More signals than any amplifier has; a header declaring more is taken as corrupt. */
const MAX_SIGNALS = 65_536;

function parseStart(file: string, date: string, time: string, recording: string): Date | null {
  const d = /^(\d\d)\.(\d\d)\.(\d\d)$/.exec(date.trim());
  const t = /^(\d\d)\.(\d\d)\.(\d\d)$/.exec(time.trim());
  if (!d || !t) return null;
  const [day, month, yy] = [Number(d[1]), Number(d[2]), Number(d[3])];
  let year = yy >= 85 ? 1900 + yy : 2000 + yy;
  // EDF+: "Startdate 18-JUL-2020 …" carries the four-digit year.
  if (/^Startdate X\b/.test(recording.trim())) return null; // EDF+: start date unknown
  const plus = /^Startdate (\d\d)-([A-Z]{3})-(\d{4})\b/i.exec(recording.trim());
  if (plus && MONTHS.indexOf(plus[2]!.toUpperCase()) + 1 === month && Number(plus[1]) === day) year = Number(plus[3]);
  const [h, m, s] = [Number(t[1]), Number(t[2]), Number(t[3])];
  if (month < 1 || month > 12 || day < 1 || day > 31 || h > 23 || m > 59 || s > 59) {
    throw new InvalidEegFileError(file, 'startdate/starttime', `not a valid date and time: '${date.trim()}' '${time.trim()}'`);
  }
  return new Date(Date.UTC(year, month - 1, day, h, m, s));
}

/**
 * Reads and checks the header of an EDF, EDF+, BDF or BDF+ file. Every size is checked against
 * the file's length before anything is allocated.
 */
export function readEdfHeader(source: ByteSource, options: EdfHeaderOptions = {}): EdfHeader {
  const file = source.name;
  const fail = (field: string, detail: string): never => {
    throw new InvalidEegFileError(file, field, detail);
  };
  if (source.size < 256) fail('header', `file has ${source.size} bytes, an EDF/BDF header needs at least 256`);
  const fixed = source.read(0, 256);
  let kind: 'EDF' | 'BDF';
  if (fixed[0] === 0xff && latin1(fixed.subarray(1, 8)) === 'BIOSEMI') kind = 'BDF';
  else if (latin1(fixed.subarray(0, 8)).trim() === '0') kind = 'EDF';
  else {
    const shown = JSON.stringify(latin1(fixed.subarray(0, 8)));
    return fail('version', `not an EDF or BDF file: starts with ${shown}, expected "0       " (EDF) or "\\xffBIOSEMI" (BDF)`);
  }
  const text = (from: number, width: number) => latin1(fixed.subarray(from, from + width));
  const integer = (field: string, raw: string, min: number): number => {
    const v = parseDecimal(raw);
    if (v === null || !Number.isInteger(v)) return fail(field, `not an integer: '${raw.trim()}'`);
    if (v < min) return fail(field, `must be ≥ ${min}, got ${v}`);
    return v;
  };
  const patient = text(8, 80).trim();
  const recording = text(88, 80).trim();
  const startDate = text(168, 8);
  const startTime = text(176, 8);
  const headerBytes = integer('number of bytes in header record', text(184, 8), 0);
  const reserved = text(192, 44).trim();
  const declaredRecords = integer('number of data records', text(236, 8), -1);
  const recordDuration = parseDecimal(text(244, 8));
  if (recordDuration === null || recordDuration < 0) fail('duration of a data record', `not a non-negative number: '${text(244, 8).trim()}'`);
  const ns = integer('number of signals', text(252, 4), 1);
  if (ns > MAX_SIGNALS) fail('number of signals', `${ns} signals is more than the ${MAX_SIGNALS} a reader accepts`);
  const expectedHeader = 256 * (ns + 1);
  if (expectedHeader > source.size) {
    fail('number of signals', `header declares ${ns} signals (${expectedHeader} header bytes) but the file has only ${source.size} bytes`);
  }
  if (headerBytes !== expectedHeader) {
    fail('number of bytes in header record', `is ${headerBytes}, but ${ns} signals need 256 × (${ns} + 1) = ${expectedHeader}`);
  }
  const plusMatch = new RegExp(`^${kind}\\+([CD])`).exec(reserved);
  const plus: '' | '+C' | '+D' = plusMatch ? (plusMatch[1] === 'C' ? '+C' : '+D') : '';
  const start = parseStart(file, startDate, startTime, recording);

  const sig = source.read(256, ns * 256).slice(); // keep: later reads may reuse the buffer
  let pos = 0;
  const column = (width: number) => {
    const out: string[] = [];
    for (let s = 0; s < ns; s++) out.push(latin1(sig.subarray(pos + s * width, pos + (s + 1) * width)));
    pos += ns * width;
    return out;
  };
  const labels = column(16);
  const transducers = column(80);
  const units = column(8);
  const pmins = column(8);
  const pmaxs = column(8);
  const dmins = column(8);
  const dmaxs = column(8);
  const prefilters = column(80);
  const counts = column(8);
  const reserveds = column(32);

  const bytesPerSample = kind === 'BDF' ? 3 : 2;
  const [lowest, highest] = kind === 'BDF' ? [-8_388_608, 8_388_607] : [-32_768, 32_767];
  const signals: EdfSignalHeader[] = [];
  let recordSize = 0;
  for (let s = 0; s < ns; s++) {
    const label = labels[s]!.trim();
    const of = `of signal ${s + 1} (${JSON.stringify(label)})`;
    const number = (name: string, raw: string) => {
      const v = parseDecimal(raw);
      return v === null ? fail(`${name} ${of}`, `not a number: '${raw.trim()}'`) : v;
    };
    const physicalMin = number('physical minimum', pmins[s]!);
    const physicalMax = number('physical maximum', pmaxs[s]!);
    const digitalMin = number('digital minimum', dmins[s]!);
    const digitalMax = number('digital maximum', dmaxs[s]!);
    const samplesPerRecord = integer(`number of samples in each data record ${of}`, counts[s]!, 1);
    if (!Number.isInteger(digitalMin) || !Number.isInteger(digitalMax) || digitalMin >= digitalMax) {
      fail(`digital minimum ${of}`, `digital minimum ${digitalMin} must be an integer below the digital maximum ${digitalMax}`);
    }
    if (digitalMin < lowest || digitalMax > highest) {
      fail(`digital maximum ${of}`, `digital range [${digitalMin}, ${digitalMax}] exceeds the ${bytesPerSample * 8}-bit range [${lowest}, ${highest}]`);
    }
    if (physicalMin === physicalMax) fail(`physical maximum ${of}`, `physical minimum and maximum are both ${physicalMin}`);
    const isAnnotation = plus !== '' && (label === 'EDF Annotations' || label === 'BDF Annotations');
    const gain = (physicalMax - physicalMin) / (digitalMax - digitalMin);
    // Samples are physical values gain·d + offset stored as float32: every digital value the file
    // can hold must map to a finite float32 (a range of ±1e308 overflows to ±Infinity and NaN).
    const offset = physicalMin - gain * digitalMin;
    const extreme = Math.max(Math.abs(gain * lowest + offset), Math.abs(gain * highest + offset));
    if (!Number.isFinite(gain) || !Number.isFinite(offset) || !(extreme <= FLOAT32_MAX)) {
      fail(`physical maximum ${of}`, `physical range [${physicalMin}, ${physicalMax}] over digital range [${digitalMin}, ${digitalMax}] gives samples beyond the float32 range (±${FLOAT32_MAX.toPrecision(4)})`);
    }
    signals.push({
      label, transducer: transducers[s]!.trim(), unit: units[s]!.trim(), physicalMin, physicalMax, digitalMin, digitalMax,
      prefilter: prefilters[s]!.trim(), samplesPerRecord, reserved: reserveds[s]!.trim(), isAnnotation,
      gain, offset, recordOffset: recordSize,
    });
    recordSize += samplesPerRecord * bytesPerSample;
  }
  if (plus !== '' && !signals.some((s) => s.isAnnotation)) {
    fail('label', `${kind}${plus} file without an '${kind === 'BDF' ? 'BDF' : 'EDF'} Annotations' signal`);
  }
  if (recordDuration === 0 && signals.some((s) => !s.isAnnotation)) {
    fail('duration of a data record', 'is 0, which only an annotation-only file may have');
  }

  const dataBytes = source.size - headerBytes;
  const available = Math.floor(dataBytes / recordSize);
  let records = declaredRecords === -1 ? available : declaredRecords;
  if (declaredRecords > available) {
    if (!options.allowTruncated) {
      fail('number of data records', `header declares ${declaredRecords} data records of ${recordSize} bytes (${declaredRecords * recordSize} bytes) but the file holds ${dataBytes} bytes of data (${available} complete records): truncated file`);
    }
    records = available;
  }
  return {
    kind, plus, patient, recording, startDate: startDate.trim(), startTime: startTime.trim(), start, headerBytes, reserved,
    records, declaredRecords, recordDuration: recordDuration!, signals, bytesPerSample, recordSize,
  };
}
