import Database from 'better-sqlite3';

/** A stored model: uploaded (files under models/<id>) or a modality's shipped demo (read-only). */
export interface ModelRow {
  readonly id: string;
  readonly name: string;
  readonly source: 'upload' | 'demo';
  readonly readonly: boolean;
  readonly modality: string | null;
  readonly description: string;
  /** model.json: relative to the data directory, or absolute for demo models. */
  readonly path: string;
  readonly classNames: string[] | null;
  readonly decodeOptions: Record<string, unknown>;
  /** Decoding facts given with the upload (channels, sampling rate, unit, input layout); {} when none. */
  readonly facts: ModelDecodingFacts;
  readonly info: unknown;
  readonly fingerprint: string | null;
  readonly createdAt: string;
}

/** What a user states about an uploaded model's input (class names live in `classNames`). */
export interface ModelDecodingFacts {
  readonly channels?: string[];
  readonly sampleRate?: number;
  readonly unit?: string;
  readonly layout?: string;
}

export interface StoredFile {
  readonly name: string;
  /** Relative to the data directory, or absolute for demo inputs. */
  readonly path: string;
  readonly size: number;
}

export interface InputRow {
  readonly id: string;
  readonly name: string;
  readonly source: 'upload' | 'demo';
  readonly readonly: boolean;
  readonly modality: string;
  readonly description: string;
  readonly files: StoredFile[];
  readonly options: Record<string, unknown>;
  /** The model it was decoded for at upload (its metadata depends on it), if any. */
  readonly modelId: string | null;
  readonly info: unknown;
  readonly preview: string | null;
  readonly fingerprint: string | null;
  readonly createdAt: string;
}

/** An uploaded data set: a .zip of inputs with labels (and masks), summarised when it was checked. */
export interface DatasetRow {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  /** The zip, relative to the data directory. */
  readonly path: string;
  readonly size: number;
  readonly modality: string;
  /** What the check found: count, labels, masks, sample shape (see DatasetInfo). */
  readonly info: unknown;
  readonly createdAt: string;
}

export type JobState = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
export const FINISHED: readonly JobState[] = ['succeeded', 'failed', 'cancelled'];

/** A job as listed: no request body, only what it named. */
export interface JobSummaryRow extends Omit<JobRow, 'request' | 'result'> {
  readonly summary: Record<string, unknown>;
}

export interface JobRow {
  readonly id: string;
  readonly kind: 'explanation' | 'benchmark' | 'analysis';
  readonly state: JobState;
  readonly request: Record<string, unknown>;
  readonly progress: Record<string, unknown> | null;
  readonly result: unknown;
  readonly error: { error: string; message: string } | null;
  readonly createdAt: string;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS models (
  id TEXT PRIMARY KEY, name TEXT NOT NULL, source TEXT NOT NULL, readonly INTEGER NOT NULL, modality TEXT,
  description TEXT NOT NULL, path TEXT NOT NULL, class_names TEXT, decode_options TEXT NOT NULL, info TEXT NOT NULL,
  fingerprint TEXT, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS inputs (
  id TEXT PRIMARY KEY, name TEXT NOT NULL, source TEXT NOT NULL, readonly INTEGER NOT NULL, modality TEXT NOT NULL,
  description TEXT NOT NULL, files TEXT NOT NULL, options TEXT NOT NULL, model_id TEXT, info TEXT NOT NULL,
  preview TEXT, fingerprint TEXT, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS datasets (
  id TEXT PRIMARY KEY, name TEXT NOT NULL, description TEXT NOT NULL, path TEXT NOT NULL, size INTEGER NOT NULL,
  modality TEXT NOT NULL, info TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS jobs (
  id TEXT PRIMARY KEY, kind TEXT NOT NULL, state TEXT NOT NULL, request TEXT NOT NULL, progress TEXT, result TEXT,
  error TEXT, created_at TEXT NOT NULL, started_at TEXT, finished_at TEXT);
CREATE INDEX IF NOT EXISTS jobs_state ON jobs (state);
CREATE INDEX IF NOT EXISTS jobs_created ON jobs (created_at, id);
`;

const json = (v: unknown) => (v === undefined || v === null ? null : JSON.stringify(v));
const parse = <T>(text: unknown): T => (text === null || text === undefined ? null : JSON.parse(text as string)) as T;
const now = () => new Date().toISOString();

type Raw = Record<string, unknown>;

const modelOf = (r: Raw): ModelRow => ({
  id: r.id as string,
  name: r.name as string,
  source: r.source as ModelRow['source'],
  readonly: r.readonly === 1,
  modality: (r.modality as string | null) ?? null,
  description: r.description as string,
  path: r.path as string,
  classNames: parse(r.class_names),
  decodeOptions: parse(r.decode_options) ?? {},
  facts: parse(r.facts) ?? {},
  info: parse(r.info),
  fingerprint: (r.fingerprint as string | null) ?? null,
  createdAt: r.created_at as string,
});

const inputOf = (r: Raw): InputRow => ({
  id: r.id as string,
  name: r.name as string,
  source: r.source as InputRow['source'],
  readonly: r.readonly === 1,
  modality: r.modality as string,
  description: r.description as string,
  files: parse(r.files),
  options: parse(r.options) ?? {},
  modelId: (r.model_id as string | null) ?? null,
  info: parse(r.info),
  preview: (r.preview as string | null) ?? null,
  fingerprint: (r.fingerprint as string | null) ?? null,
  createdAt: r.created_at as string,
});

const datasetOf = (r: Raw): DatasetRow => ({
  id: r.id as string,
  name: r.name as string,
  description: r.description as string,
  path: r.path as string,
  size: r.size as number,
  modality: r.modality as string,
  info: parse(r.info),
  createdAt: r.created_at as string,
});

const jobOf = (r: Raw): JobRow => ({
  id: r.id as string,
  kind: r.kind as JobRow['kind'],
  state: r.state as JobState,
  request: parse(r.request),
  progress: parse(r.progress),
  result: parse(r.result),
  error: parse(r.error),
  createdAt: r.created_at as string,
  startedAt: (r.started_at as string | null) ?? null,
  finishedAt: (r.finished_at as string | null) ?? null,
});

/**
 * The metadata store (SQLite, WAL). Every call is a short synchronous statement on small rows —
 * file contents never pass through it — so the HTTP thread can use it directly.
 */
export class Store {
  private readonly db: Database.Database;

  constructor(path: string) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(SCHEMA);
    // data directories made before models had stated decoding facts
    const columns = this.db.prepare('PRAGMA table_info(models)').all() as { name: string }[];
    if (!columns.some((c) => c.name === 'facts')) this.db.exec('ALTER TABLE models ADD COLUMN facts TEXT');
  }

  close(): void {
    this.db.close();
  }

  // Models
  putModel(m: Omit<ModelRow, 'createdAt' | 'facts'> & { createdAt?: string; facts?: ModelDecodingFacts }): ModelRow {
    this.db
      .prepare(
        `INSERT INTO models (id, name, source, readonly, modality, description, path, class_names, decode_options, facts, info, fingerprint, created_at)
         VALUES (@id, @name, @source, @readonly, @modality, @description, @path, @class_names, @decode_options, @facts, @info, @fingerprint, @created_at)
         ON CONFLICT(id) DO UPDATE SET name = excluded.name, source = excluded.source, readonly = excluded.readonly, modality = excluded.modality,
           description = excluded.description, path = excluded.path, class_names = excluded.class_names, decode_options = excluded.decode_options,
           facts = excluded.facts, info = excluded.info, fingerprint = excluded.fingerprint`,
      )
      .run({
        id: m.id, name: m.name, source: m.source, readonly: m.readonly ? 1 : 0, modality: m.modality, description: m.description, path: m.path,
        class_names: json(m.classNames), decode_options: json(m.decodeOptions ?? {}), facts: json(m.facts ?? {}), info: json(m.info), fingerprint: m.fingerprint, created_at: m.createdAt ?? now(),
      });
    return this.getModel(m.id)!;
  }
  getModel(id: string): ModelRow | undefined {
    const r = this.db.prepare('SELECT * FROM models WHERE id = ?').get(id) as Raw | undefined;
    return r && modelOf(r);
  }
  listModels(): ModelRow[] {
    return (this.db.prepare("SELECT * FROM models ORDER BY source = 'upload', created_at, id").all() as Raw[]).map(modelOf);
  }
  deleteModel(id: string): void {
    this.db.prepare('DELETE FROM models WHERE id = ?').run(id);
  }

  // Inputs
  putInput(i: Omit<InputRow, 'createdAt'> & { createdAt?: string }): InputRow {
    this.db
      .prepare(
        `INSERT INTO inputs (id, name, source, readonly, modality, description, files, options, model_id, info, preview, fingerprint, created_at)
         VALUES (@id, @name, @source, @readonly, @modality, @description, @files, @options, @model_id, @info, @preview, @fingerprint, @created_at)
         ON CONFLICT(id) DO UPDATE SET name = excluded.name, source = excluded.source, readonly = excluded.readonly, modality = excluded.modality,
           description = excluded.description, files = excluded.files, options = excluded.options, model_id = excluded.model_id, info = excluded.info,
           preview = excluded.preview, fingerprint = excluded.fingerprint`,
      )
      .run({
        id: i.id, name: i.name, source: i.source, readonly: i.readonly ? 1 : 0, modality: i.modality, description: i.description, files: json(i.files),
        options: json(i.options ?? {}), model_id: i.modelId, info: json(i.info), preview: i.preview, fingerprint: i.fingerprint, created_at: i.createdAt ?? now(),
      });
    return this.getInput(i.id)!;
  }
  getInput(id: string): InputRow | undefined {
    const r = this.db.prepare('SELECT * FROM inputs WHERE id = ?').get(id) as Raw | undefined;
    return r && inputOf(r);
  }
  listInputs(modality?: string): InputRow[] {
    const rows = modality
      ? this.db.prepare("SELECT * FROM inputs WHERE modality = ? ORDER BY source = 'upload', created_at, id").all(modality)
      : this.db.prepare("SELECT * FROM inputs ORDER BY source = 'upload', created_at, id").all();
    return (rows as Raw[]).map(inputOf);
  }
  deleteInput(id: string): void {
    this.db.prepare('DELETE FROM inputs WHERE id = ?').run(id);
  }
  /** Demo rows whose adapter no longer ships them. */
  staleDemos(kind: 'models' | 'inputs', keep: readonly string[]): string[] {
    const rows = this.db.prepare(`SELECT id FROM ${kind} WHERE source = 'demo'`).all() as { id: string }[];
    return rows.map((r) => r.id).filter((id) => !keep.includes(id));
  }

  // Data sets
  putDataset(d: Omit<DatasetRow, 'createdAt'>): DatasetRow {
    this.db
      .prepare('INSERT INTO datasets (id, name, description, path, size, modality, info, created_at) VALUES (@id, @name, @description, @path, @size, @modality, @info, @created_at)')
      .run({ id: d.id, name: d.name, description: d.description, path: d.path, size: d.size, modality: d.modality, info: json(d.info), created_at: now() });
    return this.getDataset(d.id)!;
  }
  getDataset(id: string): DatasetRow | undefined {
    const r = this.db.prepare('SELECT * FROM datasets WHERE id = ?').get(id) as Raw | undefined;
    return r && datasetOf(r);
  }
  listDatasets(): DatasetRow[] {
    return (this.db.prepare('SELECT * FROM datasets ORDER BY created_at, id').all() as Raw[]).map(datasetOf);
  }
  deleteDataset(id: string): void {
    this.db.prepare('DELETE FROM datasets WHERE id = ?').run(id);
  }

  // Jobs
  insertJob(job: Pick<JobRow, 'id' | 'kind' | 'request'>): JobRow {
    this.db
      .prepare("INSERT INTO jobs (id, kind, state, request, created_at) VALUES (?, ?, 'queued', ?, ?)")
      .run(job.id, job.kind, json(job.request), now());
    return this.getJob(job.id)!;
  }
  getJob(id: string): JobRow | undefined {
    const r = this.db.prepare('SELECT * FROM jobs WHERE id = ?').get(id) as Raw | undefined;
    return r && jobOf(r);
  }
  /**
   * One page of jobs, newest first, without their request bodies: what the request named
   * (model, input, method …) is summarised. `after` is the last row of the previous page.
   */
  listJobSummaries(filter: { state?: string; kind?: string; limit: number; after?: { createdAt: string; id: string } }): JobSummaryRow[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (filter.state) (where.push('state = ?'), args.push(filter.state));
    if (filter.kind) (where.push('kind = ?'), args.push(filter.kind));
    if (filter.after) (where.push('(created_at < ? OR (created_at = ? AND id < ?))'), args.push(filter.after.createdAt, filter.after.createdAt, filter.after.id));
    const sql = `SELECT id, kind, state, progress, error, created_at, started_at, finished_at,
        json_extract(request, '$.model') AS model, json_extract(request, '$.input') AS input, json_extract(request, '$.method') AS method,
        length(json_extract(request, '$.text')) AS text_length, coalesce(json_extract(request, '$.dataset.name'), json_extract(request, '$.dataset.id')) AS dataset,
        json_array_length(request, '$.inputs') AS input_count, json_array_length(request, '$.methods') AS method_count, json_array_length(request, '$.metrics') AS metric_count
      FROM jobs ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY created_at DESC, id DESC LIMIT ?`;
    return (this.db.prepare(sql).all(...args, filter.limit) as Raw[]).map((r) => ({
      id: r.id as string,
      kind: r.kind as JobRow['kind'],
      state: r.state as JobState,
      progress: parse(r.progress),
      error: parse(r.error),
      createdAt: r.created_at as string,
      startedAt: (r.started_at as string | null) ?? null,
      finishedAt: (r.finished_at as string | null) ?? null,
      summary: Object.fromEntries(
        Object.entries({ model: r.model, input: r.input, method: r.method, textLength: r.text_length, dataset: r.dataset, inputs: r.input_count, methods: r.method_count, metrics: r.metric_count }).filter(([, v]) => v !== null && v !== undefined),
      ),
    }));
  }
  /** Finished jobs, oldest first (finished before `before`, when given): what retention removes. */
  finishedJobs(before?: string, limit = 1000): { id: string; finishedAt: string }[] {
    const rows = before
      ? this.db.prepare("SELECT id, finished_at FROM jobs WHERE state IN ('succeeded', 'failed', 'cancelled') AND finished_at < ? ORDER BY finished_at, id LIMIT ?").all(before, limit)
      : this.db.prepare("SELECT id, finished_at FROM jobs WHERE state IN ('succeeded', 'failed', 'cancelled') ORDER BY finished_at, id LIMIT ?").all(limit);
    return (rows as Raw[]).map((r) => ({ id: r.id as string, finishedAt: r.finished_at as string }));
  }
  deleteJob(id: string): void {
    this.db.prepare('DELETE FROM jobs WHERE id = ?').run(id);
  }
  /** Uploaded models, inputs or data sets that no job names, oldest first (created before `before`, when given). */
  unreferencedUploads(kind: 'models' | 'inputs' | 'datasets', before?: string): { id: string; createdAt: string }[] {
    const column =
      kind === 'models' ? "json_extract(j.request, '$.model') = t.id"
      : kind === 'datasets' ? "json_extract(j.request, '$.dataset.id') = t.id"
      : "(json_extract(j.request, '$.input') = t.id OR EXISTS (SELECT 1 FROM json_each(j.request, '$.inputs') WHERE value = t.id))";
    const uploaded = kind === 'datasets' ? '1 = 1' : "t.source = 'upload'"; // every stored data set is an upload
    const sql = `SELECT t.id, t.created_at FROM ${kind} t WHERE ${uploaded} ${before ? 'AND t.created_at < ?' : ''}
      AND NOT EXISTS (SELECT 1 FROM jobs j WHERE ${column}) ORDER BY t.created_at, t.id`;
    return ((before ? this.db.prepare(sql).all(before) : this.db.prepare(sql).all()) as Raw[]).map((r) => ({ id: r.id as string, createdAt: r.created_at as string }));
  }
  markStarted(id: string): void {
    this.db.prepare("UPDATE jobs SET state = 'running', started_at = ? WHERE id = ? AND state = 'queued'").run(now(), id);
  }
  saveProgress(id: string, progress: Record<string, unknown>): void {
    this.db.prepare('UPDATE jobs SET progress = ? WHERE id = ?').run(json(progress), id);
  }
  finishJob(id: string, state: 'succeeded' | 'failed' | 'cancelled', fields: { result?: unknown; error?: { error: string; message: string }; progress?: unknown }): void {
    this.db
      .prepare("UPDATE jobs SET state = ?, result = ?, error = ?, progress = COALESCE(?, progress), finished_at = ? WHERE id = ? AND state IN ('queued', 'running')")
      .run(state, json(fields.result), json(fields.error), json(fields.progress), now(), id);
  }
  /** Jobs queued or running (at start, with a durable job backend: the ones to follow again). */
  unfinishedJobs(): JobRow[] {
    const ids = this.db.prepare("SELECT id FROM jobs WHERE state IN ('queued', 'running') ORDER BY created_at").all() as { id: string }[];
    return ids.map((r) => this.getJob(r.id)).filter((r): r is JobRow => r !== undefined);
  }
  /** At start: whatever was queued or running when the last process ended will never finish (except the jobs in `keep`, taken up again). */
  failInterrupted(message: string, keep: readonly string[] = []): number {
    return this.db
      .prepare(
        `UPDATE jobs SET state = 'failed', error = json_object('error', 'Interrupted', 'message', ? || ' (it was ' || state || ')'), finished_at = ?
         WHERE state IN ('queued', 'running') AND id NOT IN (SELECT value FROM json_each(?))`,
      )
      .run(message, now(), JSON.stringify(keep)).changes;
  }
  /** At start: an interrupted job taken up again waits in the queue like a new one. */
  requeueJob(id: string): void {
    this.db.prepare("UPDATE jobs SET state = 'queued', started_at = NULL WHERE id = ? AND state IN ('queued', 'running')").run(id);
  }
  /** Jobs whose request names this model or input (for refusing deletes while they run). */
  activeJobsUsing(id: string): number {
    const row = this.db
      .prepare("SELECT COUNT(*) AS n FROM jobs WHERE state IN ('queued', 'running') AND (json_extract(request, '$.model') = ? OR json_extract(request, '$.input') = ? OR json_extract(request, '$.dataset.id') = ? OR EXISTS (SELECT 1 FROM json_each(request, '$.inputs') WHERE value = ?))")
      .get(id, id, id, id) as { n: number };
    return row.n;
  }
}
