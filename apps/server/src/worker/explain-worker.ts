import { writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { appExecutor, methodByName, relevanceJson, XaiError } from '@xai/core';
import { adapterByName, explainInput, type ModalityAdapter, type RelevanceOf } from '@xai/modalities';
import { readInputFiles } from './inspect-worker.js';
import { ProgressPort } from './progress-port.js';
import { cachedModel, initWorker, outcome } from './runtime.js';
import type { ExplainOutput, ExplainTask, JobFile, Outcome } from './task-types.js';

/** The files a job would write exceed the server's per-job output limit. */
class OutputTooLargeError extends XaiError {
  constructor(message: string) {
    super(message);
    this.name = 'LimitExceeded';
  }
}

const sumOf = (values: Float32Array) => values.reduce((s, v) => (Number.isFinite(v) ? s + v : s), 0);

/** The adapter, with its `artefacts` call also handing over a copy of the relevance it draws. */
function capturing(adapter: ModalityAdapter, keep: (relevance: RelevanceOf) => void): ModalityAdapter {
  return {
    ...adapter,
    artefacts(input, relevance, options) {
      keep({ ...relevance, relevances: relevance.relevances.map((r) => ({ values: new Float32Array(r.values), shape: [...r.shape] })) });
      return adapter.artefacts(input, relevance, options);
    },
  };
}

/**
 * One explanation through the modalities' round trip (`explainInput`: decode for this model,
 * explain, artefacts), then the relevance (float32 little-endian per model input, plus
 * xai-relevance JSON) and the artefacts are written into the job's folder under generated names.
 */
export async function explainTask(task: ExplainTask): Promise<Outcome<ExplainOutput>> {
  const port = new ProgressPort(task.port);
  try {
    return await outcome(async () => {
      await initWorker();
      port.started();
      const model = await cachedModel(task.model.id, task.model.path);
      let relevance: RelevanceOf | undefined;
      const adapter = capturing(adapterByName(task.input.modality), (r) => (relevance = r));
      const executor = await appExecutor(task.executor, methodByName(task.method).runsOnOrt ?? false);
      // a fallback from 'ort' to tfjs is never silent: its notice goes into the result and the log
      const notices: string[] = [];
      const explained = await explainInput(model, adapter, await readInputFiles(task.input.files), {
        method: task.method,
        ...task.options,
        executor,
        onNotice: (line) => {
          notices.push(line);
          console.warn(`${line} (job folder ${task.outDir})`);
        },
        ...(task.target !== undefined ? { target: task.target } : {}),
        ...(task.output !== undefined ? { output: task.output } : {}),
        ...(task.explainedInputs !== undefined ? { explainedInputs: task.explainedInputs } : {}),
        onProgress: (p) => port.progress({ ...p, fraction: p.total > 0 ? Math.min(1, p.done / p.total) : 0 }),
        signal: port.signal,
        decodeOptions: task.decodeOptions,
        renderOptions: task.renderOptions,
        ...(task.model.classNames ? { classNames: task.model.classNames } : {}),
        ...(task.model.metadata ? { modelMetadata: task.model.metadata } : {}),
      });
      if (!relevance) throw new Error(`modality '${task.input.modality}' drew no artefacts`);
      const targetName = task.model.classNames?.[explained.target];
      // relevance as float32 and as JSON (≈ 12 characters a value), and the artefacts
      const outputBytes = relevance.relevances.reduce((n, r) => n + r.values.byteLength * 4, 0) + explained.artefacts.reduce((n, a) => n + a.bytes.byteLength, 0);
      if (outputBytes > task.maxOutputBytes) {
        throw new OutputTooLargeError(`the explanation's files would take about ${Math.ceil(outputBytes / 1e6)} MB; this server writes at most ${Math.floor(task.maxOutputBytes / 1e6)} MB per job (XAI_MAX_JOB_OUTPUT_MB): explain a smaller input`);
      }
      await mkdir(task.outDir, { recursive: true });
      const written: ExplainOutput['relevance'] = [];
      for (const [k, r] of relevance.relevances.entries()) {
        const file = `relevance-${k}.f32`;
        const shape = [...r.shape];
        const layout = explained.decoded.samples[k]?.layout; // relevance comes back in its sample's layout
        await writeFile(join(task.outDir, file), new Uint8Array(r.values.buffer, r.values.byteOffset, r.values.byteLength)); // x86/ARM: little-endian
        const json = relevanceJson({ relevance: r.values, shape, method: explained.method, target: explained.target, logits: explained.logits, options: explained.options });
        await writeFile(join(task.outDir, `relevance-${k}.json`), JSON.stringify({ ...json, ...(targetName !== undefined ? { targetName } : {}), ...(layout ? { layout } : {}) }));
        written.push({ shape, file, sum: sumOf(r.values), ...(layout ? { layout } : {}) });
      }
      const artefacts: JobFile[] = [];
      for (const [k, a] of explained.artefacts.entries()) {
        const file = `artefact-${k}`;
        await writeFile(join(task.outDir, file), a.bytes);
        artefacts.push({ name: a.name, mediaType: a.mediaType, description: a.description, file, size: a.bytes.byteLength });
      }
      return {
        method: explained.method,
        family: methodByName(explained.method).family,
        options: explained.options,
        target: explained.target,
        ...(targetName !== undefined ? { targetName } : {}),
        logits: explained.logits,
        elapsedMs: explained.elapsedMs,
        modality: explained.decoded.modality,
        relevance: written,
        artefacts,
        execution: explained.execution ?? { executor },
        ...(notices.length ? { notices } : {}),
      };
    }, false);
  } finally {
    port.close();
  }
}
