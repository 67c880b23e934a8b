import { dirname, join } from 'node:path';
import type { ModalityAdapter } from '@xai/modalities';
import type { ServerContext } from './context.js';
import { clientDecodeOptions } from './options.js';
import type { ModelRow } from './storage/database.js';
import type { ModelInfo } from './worker/task-types.js';

/**
 * The decoding options a model brings to every input decoded for it: its stored options (an
 * upload's checked as a client's, since a client gave them) and, when a tokenizer.json was
 * uploaded with it, that file's path beside the model. The path is the server's own, so it is
 * added after the check that keeps clients from naming files.
 */
export function modelDecodeOptions(ctx: ServerContext, adapter: ModalityAdapter, model: ModelRow): Record<string, unknown> {
  if (model.source !== 'upload') return model.decodeOptions;
  const options = clientDecodeOptions(adapter.options, model.decodeOptions, `model '${model.id}' decodeOptions`);
  const tokenizer = (model.info as ModelInfo).tokenizer;
  if (!tokenizer || options.tokenizer !== undefined || !adapter.options?.properties.tokenizer) return options;
  return { ...options, tokenizer: join(dirname(ctx.dirs.resolve(model.path)), tokenizer.file) };
}
