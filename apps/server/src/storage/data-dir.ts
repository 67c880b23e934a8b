import { mkdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { randomBytes } from 'node:crypto';

/** Generated ids: a kind prefix and 20 random hex digits (no user text ever becomes a path). */
export const newId = (prefix: 'mdl' | 'inp' | 'job' | 'upl' | 'dst') => `${prefix}_${randomBytes(10).toString('hex')}`;

/** What route parameters must look like before they go anywhere near a path. */
export const ID_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$';
const ID_RE = new RegExp(ID_PATTERN);
export const isId = (id: string) => ID_RE.test(id);

/**
 * The data directory:
 *   xai.sqlite          metadata (models, inputs, jobs)
 *   models/<id>/        model.json + group<i>.bin (uploads, manifest rewritten to these names), or
 *                       model.onnx + the external data files it names
 *   inputs/<id>/        file-<i> (uploaded bytes) and preview.png
 *   datasets/<id>/      dataset.zip (an uploaded data set, read again by each benchmark)
 *   jobs/<id>/          relevance-<k>.f32/.json, artefact-<k>, benchmark files
 *   uploads/<id>/       requests being received (removed when checked)
 */
export class DataDir {
  constructor(readonly root: string) {
    for (const sub of ['models', 'inputs', 'datasets', 'jobs', 'uploads']) mkdirSync(join(root, sub), { recursive: true });
  }

  get database(): string {
    return join(this.root, 'xai.sqlite');
  }
  model(id: string): string {
    return this.under('models', id);
  }
  input(id: string): string {
    return this.under('inputs', id);
  }
  dataset(id: string): string {
    return this.under('datasets', id);
  }
  job(id: string): string {
    return this.under('jobs', id);
  }
  upload(id: string): string {
    return this.under('uploads', id);
  }

  /** A stored path: relative ones are inside the data directory, absolute ones are shipped demo files. */
  resolve(stored: string): string {
    return isAbsolute(stored) ? stored : join(this.root, stored);
  }

  /** Relative form of a path inside the data directory (what the database keeps). */
  relative(...parts: string[]): string {
    return join(...parts);
  }

  async remove(path: string): Promise<void> {
    await rm(path, { recursive: true, force: true });
  }

  private under(kind: string, id: string): string {
    if (!isId(id)) throw new Error(`not a generated id: ${JSON.stringify(id)}`);
    return join(this.root, kind, id);
  }
}
