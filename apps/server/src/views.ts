import { compositeNames, methodByName } from '@xai/core';
import { badRequest } from './errors.js';
import { effectiveFacts } from './model-decoding-facts.js';
import type { InputRow, JobRow, JobSummaryRow, ModelRow } from './storage/database.js';
import type { DecodedInfo, ExplainOutput, JobFile, ModelInfo } from './worker/task-types.js';

export const API = '/api/v1';
/** The layer table's composite: LRP's own default, so the Models page shows the rules Explain uses. */
export const DEFAULT_COMPOSITE = String((methodByName('lrp').options.properties.composite as { default?: unknown } | undefined)?.default ?? 'epsilon_plus');

/** A model as clients see it (paths and demo decoding options stay on the server). */
export function modelSummary(row: ModelRow) {
  const info = row.info as ModelInfo;
  return {
    id: row.id,
    name: row.name,
    source: row.source,
    readonly: row.readonly,
    modality: row.modality,
    description: row.description,
    createdAt: row.createdAt,
    inputShapes: info.inputShapes,
    outputShapes: info.outputShapes,
    inputs: info.inputs,
    ...(info.signature ? { signature: info.signature } : {}),
    parameters: info.parameters,
    format: info.format ?? 'tfjs',
    producer: info.producer ?? null,
    opset: info.opset ?? null,
    metadata: info.metadata ?? {},
    classNames: row.classNames,
    decodingFacts: effectiveFacts(row),
    ...(info.tokenizer ? { tokenizer: info.tokenizer } : {}),
    ...(info.methods ? { methods: info.methods } : {}),
    ...(row.source === 'upload' ? { decodeOptions: row.decodeOptions } : {}),
    links: { self: `${API}/models/${row.id}` },
  };
}

/** The model with its layer table: each graph node and the rule `composite` gives it. */
export function modelDetail(row: ModelRow, composite = DEFAULT_COMPOSITE) {
  if (!compositeNames().includes(composite)) throw badRequest(`unknown composite '${composite}'; choose one of ${compositeNames().join(', ')}`);
  const info = row.info as ModelInfo;
  const resolved = info.rules[composite];
  const rules = resolved && 'rules' in resolved ? resolved.rules : {};
  return {
    ...modelSummary(row),
    composite,
    composites: compositeNames(),
    layers: info.layers.map((l) => ({ ...l, rule: rules[l.node] ?? null })),
    ...(resolved && 'error' in resolved ? { rulesError: resolved.error } : {}),
    ...(info.ignoredFiles.length ? { ignoredFiles: info.ignoredFiles } : {}),
  };
}

export function inputView(row: InputRow, withAxes = true) {
  const info = row.info as DecodedInfo;
  return {
    id: row.id,
    name: row.name,
    source: row.source,
    readonly: row.readonly,
    modality: row.modality,
    description: row.description,
    createdAt: row.createdAt,
    files: row.files.map((f, i) => ({ name: f.name, size: f.size, url: `${API}/inputs/${row.id}/files/${i}` })),
    model: row.modelId,
    metadata: info.metadata,
    ...(withAxes ? { axes: info.axes } : {}),
    samples: info.samples,
    preview: row.preview ? `${API}/inputs/${row.id}/preview` : null,
    ...(row.source === 'upload' ? { options: row.options } : {}),
    ...(info.misfit ? { misfit: info.misfit } : {}),
    links: { self: `${API}/inputs/${row.id}` },
  };
}

export function jobView(job: JobRow & { cancelRequested?: boolean }) {
  const base = `${API}/jobs/${job.id}`;
  return {
    id: job.id,
    kind: job.kind,
    state: job.state,
    progress: job.progress,
    error: job.error,
    request: job.request,
    createdAt: job.createdAt,
    startedAt: job.startedAt,
    finishedAt: job.finishedAt,
    ...(job.cancelRequested ? { cancelRequested: true } : {}),
    links: { self: base, events: `${base}/events`, result: `${base}/result` },
  };
}

/** A job in a list: state and what it named, without the request body (which may be megabytes). */
export function jobSummaryView(row: JobSummaryRow, live?: JobRow & { cancelRequested?: boolean }) {
  const base = `${API}/jobs/${row.id}`;
  const current = live && live.state !== row.state ? { state: live.state, progress: live.progress } : { state: row.state, progress: row.progress };
  return {
    id: row.id,
    kind: row.kind,
    ...current,
    error: live?.error ?? row.error,
    summary: row.summary,
    createdAt: row.createdAt,
    startedAt: live?.startedAt ?? row.startedAt,
    finishedAt: live?.finishedAt ?? row.finishedAt,
    ...(live?.cancelRequested ? { cancelRequested: true } : {}),
    links: { self: base, events: `${base}/events`, result: `${base}/result` },
  };
}

const fileView = (jobId: string, f: JobFile) => ({
  name: f.name,
  mediaType: f.mediaType,
  description: f.description,
  size: f.size,
  url: `${API}/jobs/${jobId}/artefacts/${encodeURIComponent(f.name)}`,
});

/** An explanation's result: what was explained, the logits, relevance and artefacts by URL. */
export function explanationResult(job: JobRow) {
  const r = job.result as ExplainOutput;
  const base = `${API}/jobs/${job.id}`;
  return {
    job: job.id,
    kind: 'explanation' as const,
    model: job.request.model,
    input: job.request.input ?? null,
    modality: r.modality,
    method: r.method,
    family: r.family,
    options: r.options,
    target: r.target,
    ...(r.targetName !== undefined ? { targetName: r.targetName } : {}),
    logits: r.logits,
    elapsedMs: r.elapsedMs,
    relevance: r.relevance.map((x, k) => ({ input: k, shape: x.shape, sum: x.sum, layout: x.layout ?? 'channels-last', json: `${base}/relevance?input=${k}`, binary: `${base}/relevance?input=${k}&format=binary` })),
    artefacts: r.artefacts.map((a) => fileView(job.id, a)),
    ...(r.execution ? { execution: r.execution } : {}),
    ...(r.notices?.length ? { notices: r.notices } : {}),
  };
}

export function benchmarkFiles(job: JobRow) {
  return ((job.result as { files: JobFile[] }).files ?? []).map((f) => fileView(job.id, f));
}
