import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { ANALYSIS_KINDS, CLEVER_HANS_MODEL, DEMO_DATASETS, demoData, runAnalysis, type AnalysisData, type AnalysisKind, type AnalysisOptions, type AnalysisProgress } from '@xai/analysis';
import { DEMO_MODEL, initBackend, InvalidArgumentError, loadModel, methodByName, type XaiModel } from '@xai/core';
import { datasetBenchmarkSamples, datasetFilesFromFolder, datasetFilesFromZip, modelInputSpecs, readDataset } from '@xai/modalities';
import { collect, parseInteger, parseMethodOptions } from '../method-options.js';
import { progressDisplay, type ProgressDisplay } from '../progress.js';

interface AnalyseFlags {
  model?: string;
  data?: string;
  demo?: string;
  count: number;
  seed: number;
  out?: string;
  method: string;
  composite?: string;
  option: string[];
  class: number[];
  clusters?: number;
  layer?: string;
  reference?: number;
  step?: number;
  maxShare?: number;
  cluster?: number;
  mark?: string;
  modality?: string;
}

const parseFraction = (name: string) => (value: string): number => {
  const v = Number(value);
  if (!(v > 0 && v <= 1)) throw new InvalidArgumentError(`${name} must be a number in (0, 1], got '${value}'`);
  return v;
};
const collectInteger = (name: string) => (value: string, previous: number[]) => [...previous, parseInteger(name)(value)];

/** A folder or .zip through @xai/modalities' data-set reader, decoded for the model, as analysis data. */
async function readDataData(path: string, model: XaiModel, flags: AnalyseFlags): Promise<AnalysisData> {
  const info = await stat(path).catch(() => {
    throw new InvalidArgumentError(`--data: '${path}' does not exist`);
  });
  const files = info.isDirectory() ? await datasetFilesFromFolder(path) : datasetFilesFromZip(new Uint8Array(await readFile(path)), path);
  const classNames = model.classNames ?? undefined;
  const progress = progressDisplay('read');
  const dataset = await readDataset(files, {
    model: modelInputSpecs(model),
    ...(flags.modality ? { modality: flags.modality } : {}),
    ...(classNames ? { classNames } : {}),
    onProgress: (done, total) => progress.update({ done, total, unit: 'inputs' }),
  });
  progress.stop();
  const samples = datasetBenchmarkSamples(dataset, classNames);
  return { name: path, inputs: samples.inputs, shape: samples.shape, labels: Int32Array.from(samples.labels), ids: dataset.items.map((x) => x.file), ...(classNames ? { classNames } : {}) };
}

/** Analysis options from the flags (only what was given; the library has the defaults). */
function analysisOptions(flags: AnalyseFlags): AnalysisOptions {
  const methodOptions = parseMethodOptions(flags.option);
  if (flags.composite !== undefined) {
    if (!('composite' in methodByName(flags.method).options.properties)) throw new InvalidArgumentError(`--composite applies to 'lrp', not to '${flags.method}'`);
    methodOptions.composite = flags.composite;
  }
  methodByName(flags.method); // an unknown method fails here, before any work
  const marks = flags.mark?.split(',').map((s) => {
    const n = Number(s.trim());
    if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`--mark: '${s}' is not a sample index`);
    return n;
  });
  const given = {
    method: flags.method,
    methodOptions,
    classes: flags.class.length ? flags.class : undefined,
    clusters: flags.clusters,
    layer: flags.layer,
    reference: flags.reference,
    filtersPerStep: flags.step,
    maxShare: flags.maxShare,
    cluster: flags.cluster,
    artefactSamples: marks,
    seed: flags.seed,
  };
  return Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)) as AnalysisOptions;
}

/** The run's key numbers, one line each. */
function summary(kind: AnalysisKind, r: Record<string, any>): string[] {
  const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
  if (kind === 'spray') {
    return (r.classes as any[]).map((c) =>
      `class ${c.class} '${c.className}': ${c.samples.length} heatmaps, eigengap picks ${c.eigengapClusters} cluster(s), sizes ${c.clusters.map((k: any) => k.size).join('/')}` +
      (c.artefactCluster ? `; artefact cluster ${c.artefactCluster.cluster}: precision ${c.artefactCluster.precision.toFixed(3)}, recall ${c.artefactCluster.recall.toFixed(3)}` : ''),
    );
  }
  if (kind === 'neon') return [`k-means (k = ${r.k}) on ${r.layer}: sizes ${r.clusters.map((c: any) => c.size).join('/')}, label purity ${pct(r.purity)}; Σ input relevance / f_c ${r.meanConservation}`];
  if (kind === 'prune') {
    const lines = (r.curves as any[]).map((c) => `${c.criterion}: ${c.steps.map((s: any) => `${Math.round(100 * s.share)}%:${(100 * s.accuracy).toFixed(1)}`).join(' ')}`);
    const at = r.atMagnitudeLoss;
    lines.push(at ? `where magnitude loses ≥ 5 points (${at.pruned} filters): ${Object.entries(at.accuracy).map(([k, v]) => `${k} ${pct(v as number)}`).join(', ')}` : `magnitude never loses 5 points (unpruned ${pct(r.unprunedAccuracy)})`);
    return lines;
  }
  const lines = Object.entries(r.accuracy as Record<string, any>).map(([set, a]) => `accuracy on ${set}: ${pct(a.before.overall)} before, ${pct(a.after.overall)} after P-ClArC at ${r.layer} (per class ${a.before.perClass.map(pct).join('/')} → ${a.after.perClass.map(pct).join('/')})`);
  if (r.artefactRelevanceShare) lines.push(`share of |relevance| on the artefact: ${pct(r.artefactRelevanceShare.before)} before, ${pct(r.artefactRelevanceShare.after)} after`);
  return lines;
}

export function analyseCommand(program: Command): void {
  program
    .command('analyse')
    .alias('analyze')
    .description('data-set analysis: SpRAy clusters of heatmaps, NEON cluster explanations, relevance-based pruning, P-ClArC; JSON + PNG figures')
    .argument('<kind>', `one of ${ANALYSIS_KINDS.join(', ')}`)
    .option('--model <path>', 'model.json (tfjs) or .onnx; default the demo\'s model with --demo')
    .option('--data <path>', 'a folder or .zip of inputs with labels.csv or sub-folders per class')
    .option('--demo <name>', `a generated demo data set instead: ${DEMO_DATASETS.join(', ')}`)
    .option('--count <n>', 'samples of the demo data set', parseInteger('--count'), 400)
    .option('--seed <n>', 'seed of the demo data and of the clustering', parseInteger('--seed'), 1)
    .option('--out <dir>', 'output folder (required): analysis.json and the figures')
    .option('--method <name>', 'explanation method (spray, clarc)', 'lrp')
    .option('--composite <name>', 'LRP composite')
    .option('-o, --option <key=value>', 'method option (repeatable)', collect, [])
    .option('--class <c>', 'spray: class to analyse (repeatable; default every class); clarc: the class of --cluster', collectInteger('--class'), [])
    .option('--clusters <k>', 'spray: fixed cluster count (default the eigengap\'s); neon: k', parseInteger('--clusters'))
    .option('--layer <name>', 'neon, clarc: the layer (default the last hidden layer)')
    .option('--reference <n>', 'prune: reference samples (the first n; the rest measure accuracy)', parseInteger('--reference'))
    .option('--step <n>', 'prune: filters pruned per step', parseInteger('--step'))
    .option('--max-share <x>', 'prune: stop at this share of filters pruned', parseFraction('--max-share'))
    .option('--cluster <k>', 'clarc: the SpRAy cluster (of --class) holding the artefact', parseInteger('--cluster'))
    .option('--mark <indices>', 'clarc: the artefact samples, comma-separated indices')
    .option('--modality <name>', 'modality of the --data inputs (default from their extension)')
    .action(async (kind: string, flags: AnalyseFlags) => {
      if (!(ANALYSIS_KINDS as readonly string[]).includes(kind)) throw new InvalidArgumentError(`unknown analysis '${kind}'; use one of ${ANALYSIS_KINDS.join(', ')}`);
      if (!flags.out) throw new InvalidArgumentError('--out <dir> is required');
      if (flags.data && flags.demo) throw new InvalidArgumentError('give --data or --demo, not both');
      if (!flags.data && !flags.demo) throw new InvalidArgumentError(`no data: give --data <folder|zip> or --demo ${DEMO_DATASETS.join('|')}`);
      if (flags.demo && !(DEMO_DATASETS as readonly string[]).includes(flags.demo)) throw new InvalidArgumentError(`unknown demo data set '${flags.demo}'; use ${DEMO_DATASETS.join(' or ')}`);
      if (flags.data && !flags.model) throw new InvalidArgumentError('--data needs --model');
      const options = analysisOptions(flags);
      const backend = await initBackend();
      const modelPath = flags.model ?? (flags.demo?.startsWith('clever-hans') ? CLEVER_HANS_MODEL : DEMO_MODEL);
      const model = await loadModel(modelPath, { workers: false });
      const data = flags.data ? await readDataData(flags.data, model, flags) : demoData(flags.demo!, flags.count, flags.seed);
      process.stderr.write(`${kind}: ${data.labels.length} samples of '${data.name}', model ${modelPath} (${backend})\n`);
      let phase = '';
      let display: ProgressDisplay | null = null;
      const onProgress = (p: AnalysisProgress) => {
        if (p.phase !== phase) {
          display?.stop();
          phase = p.phase;
          display = progressDisplay(p.phase);
        }
        display!.update({ done: Math.floor(p.done), total: p.total, unit: p.unit });
      };
      try {
        const run = await runAnalysis(model, data, { ...options, kind: kind as AnalysisKind, out: flags.out, onProgress });
        (display as ProgressDisplay | null)?.stop();
        for (const line of summary(run.kind, run.result)) console.log(line);
        console.log(`wrote ${run.files.map((f) => join(flags.out!, f.name)).join(', ')}`);
      } finally {
        model.dispose();
      }
    });
}
