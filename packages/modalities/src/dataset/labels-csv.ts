import { InvalidDatasetError } from './dataset-errors.js';

/** One row of labels.csv: the input's file (relative to the data set), its label, and optionally its mask file. */
export interface LabelRow {
  /** 1-based line in labels.csv (for errors). */
  readonly line: number;
  readonly file: string;
  readonly label: string;
  readonly mask?: string;
}

/** Splits CSV text into rows of cells (RFC 4180: quoted cells may hold commas, quotes as "" and line breaks). */
function csvRows(text: string, name: string): { line: number; cells: string[] }[] {
  const rows: { line: number; cells: string[] }[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let start = 1;
  const end = () => {
    cells.push(cell);
    if (cells.some((c) => c.trim() !== '')) rows.push({ line: start, cells });
    cells = [];
    cell = '';
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (ch === '"') quoted = false;
      else {
        if (ch === '\n') line++;
        cell += ch;
      }
    } else if (ch === '"' && cell.trim() === '') (quoted = true), (cell = '');
    else if (ch === ',') (cells.push(cell), (cell = ''));
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      end();
      line++;
      start = line;
    } else cell += ch;
  }
  if (quoted) throw new InvalidDatasetError(name, `line ${start}: a quoted cell is not closed`);
  end();
  return rows;
}

/**
 * Reads labels.csv: a header naming the columns `file` and `label` (any order, any case) and
 * optionally `mask`; one row per input. Errors name the line.
 */
export function parseLabelsCsv(text: string, name = 'labels.csv'): LabelRow[] {
  const rows = csvRows(text.replace(/^\uFEFF/, ''), name);
  if (rows.length === 0) throw new InvalidDatasetError(name, 'is empty: give a header (file,label) and a row per input');
  const header = rows[0]!.cells.map((c) => c.trim().toLowerCase());
  const col = (key: string) => header.indexOf(key);
  if (col('file') < 0 || col('label') < 0) {
    throw new InvalidDatasetError(name, `line 1 must be a header with the columns file and label (and optionally mask), got '${rows[0]!.cells.join(',')}'`);
  }
  const out: LabelRow[] = [];
  const seen = new Map<string, number>();
  for (const { line, cells } of rows.slice(1)) {
    if (cells.length !== header.length) throw new InvalidDatasetError(name, `line ${line} has ${cells.length} cells, the header has ${header.length}`);
    const file = cells[col('file')]!.trim();
    const label = cells[col('label')]!.trim();
    const mask = col('mask') >= 0 ? cells[col('mask')]!.trim() : '';
    if (!file) throw new InvalidDatasetError(name, `line ${line}: the file cell is empty`);
    if (!label) throw new InvalidDatasetError(name, `line ${line}: the label of ${file} is empty`);
    const before = seen.get(file);
    if (before !== undefined) throw new InvalidDatasetError(name, `line ${line}: ${file} is listed twice (also on line ${before})`);
    seen.set(file, line);
    out.push({ line, file, label, ...(mask ? { mask } : {}) });
  }
  if (out.length === 0) throw new InvalidDatasetError(name, 'has a header but no rows');
  return out;
}
