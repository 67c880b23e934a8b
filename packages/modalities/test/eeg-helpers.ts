/** Hand-built EDF/BDF files for the EEG tests: every header field can be set (or broken) on its own. */

export interface RawSignal {
  label: string;
  unit?: string;
  physicalMin?: string;
  physicalMax?: string;
  digitalMin?: string;
  digitalMax?: string;
  samplesPerRecord: number;
  /** Digital values of record k, sample j (annotation signals: use `bytes`). */
  value?: (k: number, j: number) => number;
  /** Raw bytes of record k (annotation signals), zero-padded to the signal's size. */
  bytes?: (k: number) => Uint8Array;
  samplesField?: string;
}

export interface RawEdf {
  bdf?: boolean;
  version?: string;
  patient?: string;
  recording?: string;
  startDate?: string;
  startTime?: string;
  headerBytes?: string;
  reserved?: string;
  records: number;
  recordsField?: string;
  duration?: string;
  signalsField?: string;
  signals: RawSignal[];
  /** Cut the file to this many bytes. */
  truncateTo?: number;
}

const field = (text: string, width: number) => text.padEnd(width, ' ').slice(0, width);

/** Bytes of an EDF (or BDF) file built field by field. */
export function buildEdf(spec: RawEdf): Uint8Array {
  const ns = spec.signals.length;
  const bps = spec.bdf ? 3 : 2;
  let header = spec.bdf ? '' : field(spec.version ?? '0', 8);
  header += field(spec.patient ?? 'X X X X', 80) + field(spec.recording ?? 'Startdate 18-JUL-2020 X X X', 80);
  header += field(spec.startDate ?? '18.07.20', 8) + field(spec.startTime ?? '10.30.00', 8);
  header += field(spec.headerBytes ?? String(256 * (ns + 1)), 8) + field(spec.reserved ?? '', 44);
  header += field(spec.recordsField ?? String(spec.records), 8) + field(spec.duration ?? '1', 8) + field(spec.signalsField ?? String(ns), 4);
  const col = (w: number, f: (s: RawSignal) => string) => spec.signals.map((s) => field(f(s), w)).join('');
  header += col(16, (s) => s.label) + col(80, () => '') + col(8, (s) => s.unit ?? 'uV');
  header += col(8, (s) => s.physicalMin ?? '-500') + col(8, (s) => s.physicalMax ?? '500');
  header += col(8, (s) => s.digitalMin ?? (spec.bdf ? '-8388608' : '-32768')) + col(8, (s) => s.digitalMax ?? (spec.bdf ? '8388607' : '32767'));
  header += col(80, () => '') + col(8, (s) => s.samplesField ?? String(s.samplesPerRecord)) + col(32, () => '');
  if (spec.bdf) header = field(spec.version ?? 'BIOSEMI', 7) + header;
  const head = new Uint8Array(header.length + (spec.bdf ? 1 : 0));
  let o = 0;
  if (spec.bdf) head[o++] = 0xff;
  for (let i = 0; i < header.length && o < head.length; i++) head[o++] = header.charCodeAt(i);
  const recordSize = spec.signals.reduce((n, s) => n + s.samplesPerRecord * bps, 0);
  const out = new Uint8Array(head.length + spec.records * recordSize);
  out.set(head);
  let p = head.length;
  for (let k = 0; k < spec.records; k++) {
    for (const s of spec.signals) {
      if (s.bytes) {
        out.set(s.bytes(k).subarray(0, s.samplesPerRecord * bps), p);
        p += s.samplesPerRecord * bps;
        continue;
      }
      for (let j = 0; j < s.samplesPerRecord; j++, p += bps) {
        const d = s.value?.(k, j) ?? 0;
        out[p] = d & 0xff;
        out[p + 1] = (d >> 8) & 0xff;
        if (bps === 3) out[p + 2] = (d >> 16) & 0xff;
      }
    }
  }
  return spec.truncateTo !== undefined ? out.slice(0, spec.truncateTo) : out;
}

const encoder = new TextEncoder();

/** An annotation signal record: TAL texts joined (use '\x14', '\x15', '\x00' as in the spec). */
export const tal = (text: string) => () => encoder.encode(text);
export const talPerRecord = (f: (k: number) => string) => (k: number) => encoder.encode(f(k));
