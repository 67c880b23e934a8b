import { mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { Command } from 'commander';
import { appExecutor, EXECUTOR_CHOICES, explain, initBackend, INPUT_EXTENSIONS, InvalidArgumentError, loadModel, methodByName, parseNameList, readInputFile, type ExecutionReport, type ExecutorName, type InputScale, type XaiModel } from '@xai/core';
import { adapterByName, adapterForFiles, explainInput, listAdapters, type InputFile, type ModalityAdapter } from '@xai/modalities';
import { writeFileAtomic } from '@xai/core';
import { collect, parseInteger, parseMethodOptions } from '../method-options.js';
import { progressDisplay } from '../progress.js';
import { checkRenderFlags, writeOutputs, type RenderFlags } from '../write-outputs.js';


interface ExplainFlags extends RenderFlags {
  model: string;
  executor?: string;
  input?: string;
  method: string;
  composite?: string;
  rule?: string;
  target?: number;
  option: string[];
  out?: string;
  json?: string;
  overlay?: string;
  outDir?: string;
  decode: string[];
  render: string[];
  inputScale: InputScale;
  modality?: string;
  classNames?: string;
  /** A transformer's tokenizer.json (the text modality's `tokenizer` decode option). */
  tokenizer?: string;
  /** Text to explain instead of an --input file. */
  text?: string;
}

/** "target 2 'ring'" when the class has a name, "target 2" otherwise. */
const targetLabel = (t: number, names: readonly string[] | null) => (names?.[t] !== undefined ? `target ${t} '${names[t]}'` : `target ${t}`);

/**
 * Class names: --class-names (a comma-separated list, or a .json/.txt file holding one), else what
 * the model file carries (ONNX metadata_props, model.json userDefinedMetadata), else none. A list
 * whose length differs from the model's number of outputs is refused.
 */
async function resolveClassNames(model: XaiModel, flag: string | undefined): Promise<readonly string[] | null> {
  if (flag === undefined) return model.classNames;
  const isFile = /\.(json|txt)$/i.test(flag);
  const text = isFile
    ? await readFile(flag, 'utf8').catch(() => {
        throw new InvalidArgumentError(`--class-names: cannot read '${flag}'`);
      })
    : flag;
  const names = isFile && /\.txt$/i.test(flag) ? text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean) : parseNameList(text);
  const classes = model.outputShapes[0]?.at(-1);
  if (names.length === 0 || names.some((n) => n === '')) throw new InvalidArgumentError(`--class-names: no class names in '${flag}' (an empty name, or none)`);
  if (typeof classes === 'number' && names.length !== classes) {
    throw new InvalidArgumentError(`--class-names lists ${names.length} names, the model has ${classes} outputs`);
  }
  return names;
}

/**
 * The executor every input of this command runs on: --executor, else XAI_EXECUTOR, else 'ort' where
 * onnxruntime-node is installed and the method runs on it, else 'tfjs' ('auto' asks for that default).
 */
async function commandExecutor(flags: ExplainFlags): Promise<ExecutorName> {
  if (flags.executor !== undefined && !(EXECUTOR_CHOICES as readonly string[]).includes(flags.executor)) {
    throw new InvalidArgumentError(`--executor must be one of ${EXECUTOR_CHOICES.join(', ')}, got '${flags.executor}'`);
  }
  return appExecutor(flags.executor, methodByName(flags.method).runsOnOrt ?? false);
}

/** " on ort/cpu", " on tfjs (fallback: …)": what ran, for the summary line. */
function ranOn(execution: ExecutionReport | undefined): string {
  if (!execution) return '';
  const provider = execution.provider ? `/${execution.provider}` : '';
  const build = execution.built && execution.buildMs !== undefined ? `, graph built in ${execution.buildMs.toFixed(0)} ms` : '';
  return ` on ${execution.executor}${provider}${build}${execution.fallback ? ` (fallback: ${execution.fallback})` : ''}`;
}

/** Arrays and images go through core's reader; every other format through its modality adapter. */
const isArrayInput = (file: string) => (INPUT_EXTENSIONS as readonly string[]).includes(extname(file).toLowerCase());

/** Extensions some adapter reads ('.nii.gz' included), longest first. */
function modalityExtensions(): string[] {
  return [...new Set(listAdapters().flatMap((a) => a.extensions))].sort((a, b) => b.length - a.length);
}

/** Name without its (possibly double, like .nii.gz) extension. */
function stemOf(file: string): string {
  const name = basename(file);
  const ext = modalityExtensions().find((e) => name.toLowerCase().endsWith(e)) ?? extname(name);
  return name.slice(0, name.length - ext.length);
}

/**
 * The files to explain: the input itself, or the supported files of a folder in name order (images
 * and arrays only, unless the modalities' artefacts have an --out-dir to go to).
 */
async function inputFiles(path: string, withModalities: boolean): Promise<{ files: string[]; folder: boolean }> {
  const info = await stat(path).catch(() => {
    throw new InvalidArgumentError(`input '${path}' does not exist`);
  });
  if (!info.isDirectory()) return { files: [path], folder: false };
  const known = [...new Set([...INPUT_EXTENSIONS, ...(withModalities ? modalityExtensions() : [])])];
  const names = (await readdir(path)).filter((n) => known.some((e) => n.toLowerCase().endsWith(e))).sort();
  if (names.length === 0) throw new InvalidArgumentError(`folder '${path}' holds no ${known.join('/')} files`);
  return { files: names.map((n) => join(path, n)), folder: true };
}

/** Method options from the flags: `--composite`/`--rule` belong to LRP, or to the method SmoothGrad wraps. */
function methodOptions(flags: ExplainFlags): Record<string, unknown> {
  const options = parseMethodOptions(flags.option);
  const lrpOptions = Object.fromEntries(Object.entries({ composite: flags.composite, rule: flags.rule }).filter(([, v]) => v !== undefined));
  if (Object.keys(lrpOptions).length === 0) return options;
  const definition = methodByName(flags.method);
  if ('composite' in definition.options.properties) return { ...options, ...lrpOptions };
  if (definition.family === 'sampling') return { base: 'lrp', ...options, baseOptions: { ...(options.baseOptions as object), ...lrpOptions } };
  throw new InvalidArgumentError(`--composite and --rule apply to 'lrp' (or smoothgrad over it), not to '${flags.method}'`);
}

async function explainOne(model: XaiModel, file: string, flags: ExplainFlags & { executor: ExecutorName }, options: Record<string, unknown>, outputs: { out?: string; json?: string; overlay?: string }, names: readonly string[] | null) {
  const dims = model.inputShapes[0]!.slice(1);
  const sampleShape = dims.every((d): d is number => d !== null) ? dims : undefined;
  // Channels-first (ONNX) models: images decode as [H, W, C] and are handed over as [C, H, W].
  const channelsFirst = model.inputLayout === 'channels-first';
  const image = channelsFirst && /\.(png|jpe?g)$/i.test(file);
  const decodeShape = image && sampleShape ? [...sampleShape.slice(1), sampleShape[0]!] : sampleShape;
  const decoded = await readInputFile(file, { shape: decodeShape, scale: flags.inputScale });
  const x = image
    ? tf.tidy(() => tf.tensor(decoded.values, decoded.shape).transpose([decoded.shape.length - 1, ...decoded.shape.slice(0, -1).map((_, i) => i)]))
    : tf.tensor(decoded.values, decoded.shape);
  const progress = progressDisplay(basename(file));
  try {
    const result = await explain(model, x, { method: flags.method, target: flags.target, executor: flags.executor, ...options, onProgress: (p) => progress.update(p) });
    progress.stop();
    try {
      const written = await writeOutputs(result, decoded, file, outputs, flags, channelsFirst);
      const logits = Array.from(result.logits.dataSync());
      const t = result.targets[0]!;
      console.log(`${file}: ${targetLabel(t, names)} (logit ${logits[t]!.toFixed(4)}), ${result.method} in ${result.elapsedMs.toFixed(0)} ms${ranOn(result.execution)}${written.length ? ' → ' + written.join(', ') : ''}`);
    } finally {
      result.dispose();
    }
  } finally {
    progress.stop();
    x.dispose();
  }
}

/** The file and its companions (same folder, same stem: BrainVision's .vhdr + .vmrk + .eeg). */
async function filesOf(file: string): Promise<InputFile[]> {
  const stem = stemOf(file);
  const siblings = (await readdir(dirname(file))).filter((n) => n !== basename(file) && stemOf(n) === stem);
  return Promise.all([file, ...siblings.map((n) => join(dirname(file), n))].map(async (p) => ({ name: basename(p), bytes: new Uint8Array(await readFile(p)) })));
}

/** Every file of a folder, in name order: one input of a modality that reads folders (video frames). */
async function folderAsOneInput(dir: string): Promise<InputFile[]> {
  const names = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name).sort();
  if (names.length === 0) throw new InvalidArgumentError(`folder '${dir}' holds no files`);
  return Promise.all(names.map(async (n) => ({ name: n, bytes: new Uint8Array(await readFile(join(dir, n))) })));
}

/**
 * A transformer's tokenizer.json beside the model file (or in its folder), used for text when neither
 * --tokenizer nor a vocabulary (decode option or .json file) is given and the model reads token ids.
 */
async function tokenizerBeside(model: XaiModel, modelPath: string, adapter: ModalityAdapter, files: readonly InputFile[], decode: Record<string, unknown>): Promise<string | undefined> {
  if (adapter.name !== 'text' || 'tokenizer' in decode || 'vocabulary' in decode || files.some((f) => /\.json$/i.test(f.name))) return undefined;
  if (model.inputDtypes[0] !== 'int32') return undefined;
  const dir = (await stat(modelPath)).isDirectory() ? modelPath : dirname(modelPath);
  const candidate = join(dir, 'tokenizer.json');
  return (await stat(candidate).catch(() => null))?.isFile() ? candidate : undefined;
}

async function explainWithAdapter(
  model: XaiModel,
  file: string,
  flags: ExplainFlags & { executor: ExecutorName },
  options: Record<string, unknown>,
  outDir: string,
  names: readonly string[] | null,
  chosen?: { adapter: ModalityAdapter; files: InputFile[] },
): Promise<void> {
  const files = chosen?.files ?? (await filesOf(file));
  const adapter = chosen?.adapter ?? adapterForFiles(files);
  const decode = { ...(flags.tokenizer !== undefined ? { tokenizer: flags.tokenizer } : {}), ...parseMethodOptions(flags.decode) };
  const beside = await tokenizerBeside(model, flags.model, adapter, files, decode);
  if (beside) console.error(`tokenizer: ${beside} (beside the model)`);
  const progress = progressDisplay(basename(file));
  try {
    const result = await explainInput(model, adapter, files, {
      method: flags.method, target: flags.target, executor: flags.executor, ...options,
      decodeOptions: { ...(beside ? { tokenizer: beside } : {}), ...decode }, renderOptions: parseMethodOptions(flags.render),
      ...(names ? { classNames: names } : {}),
      onProgress: (p) => progress.update(p),
    });
    progress.stop();
    const dir = join(outDir, stemOf(file));
    await mkdir(dir, { recursive: true });
    const written: string[] = [];
    for (const a of result.artefacts) {
      await writeFileAtomic(join(dir, a.name), a.bytes);
      written.push(join(dir, a.name));
    }
    const t = result.target;
    console.log(`${file} (${adapter.name}): ${targetLabel(t, names)} (logit ${result.logits[t]!.toFixed(4)}), ${result.method} in ${result.elapsedMs.toFixed(0)} ms${ranOn(result.execution)} → ${written.join(', ')}`);
  } finally {
    progress.stop();
  }
}

export function explainCommand(program: Command): void {
  program
    .command('explain')
    .description('explain a model on one input file or every input file of a folder (images and arrays, or any modality: wav, txt, edf/bdf/vhdr, nii …)')
    .requiredOption('--model <path>', 'model.json or a folder holding it')
    .option('--input <path>', 'an input file or a folder of them (required unless --text is given)')
    .option('--text <text>', 'explain this text (the text modality; needs --out-dir) instead of an --input file')
    .option('--tokenizer <path>', "a transformer's tokenizer.json: text is tokenised into its subwords and explained at the encoder input (same as --decode tokenizer=PATH; default: a tokenizer.json beside the model, when no vocabulary is given)")
    .option('--method <name>', 'attribution method (see `xai methods`)', 'lrp')
    .option('--executor <name>', "auto, tfjs or ort (compiled to ONNX Runtime; what it cannot run yet runs on tfjs with a notice); default XAI_EXECUTOR, else ort where onnxruntime-node is installed and the method runs on it, else tfjs")
    .option('--composite <name>', 'LRP composite preset (lrp, or smoothgrad over lrp)')
    .option('--rule <name>', 'one LRP rule for every layer instead of a composite')
    .option('--target <k>', 'class to explain (default: the predicted class)', parseInteger('--target'))
    .option('--class-names <names>', "class names by output index: 'cat,dog,bird' or a .json/.txt file (default: what the model file carries)")
    .option('-o, --option <key=value>', 'a method option, repeatable (values are JSON when they parse)', collect, [])
    .option('--out <path>', 'heatmap PNG (a folder when --input is a folder)')
    .option('--json <path>', 'relevance JSON (a folder when --input is a folder)')
    .option('--overlay <path>', 'heatmap over the input image, PNG (a folder when --input is a folder)')
    .option('--out-dir <dir>', "folder for a modality's artefacts (one sub-folder per input; required for non-image inputs)")
    .option('--decode <key=value>', "a decoding option of the input's modality, repeatable (e.g. vocabulary=vocab.json)", collect, [])
    .option('--render <key=value>', "a rendering option of the input's modality, repeatable", collect, [])
    .option('--modality <name>', 'read --input with this modality: a folder becomes ONE input (e.g. video frames), a file is read with its companions')
    .option('--input-scale <range>', 'pixel values of PNG/JPEG inputs: 0-1 or 0-255', '0-1')
    .option('--colormap <name>', 'bwr, seismic, coldnhot, gray_red, hot, gray (default bwr; hot for unsigned modes)')
    .option('--reduce <how>', 'channel reduction: sum, abs-sum, l2, max-abs', 'sum')
    .option('--clip <percentile>', 'scale the colours to this percentile of |R| (e.g. 99.5)', Number)
    .option('--mode <mode>', 'signed, absolute, positive', 'signed')
    .option('--scale <factor>', 'nearest-neighbour upscaling of the PNGs', parseInteger('--scale'), 1)
    .addHelpText('after', '\nExamples:\n  xai explain --model demo/model --input cat.png --method integrated_gradients -o steps=32 --out heat.png --json rel.json' +
      '\n  xai explain --model model.onnx --tokenizer tokenizer.json --text "a great film" --composite transformer --out-dir out')
    .action(async (given: ExplainFlags) => {
      checkRenderFlags(given);
      const options = methodOptions(given);
      const flags = { ...given, executor: await commandExecutor(given) };
      if (flags.text !== undefined) {
        if (flags.input !== undefined) throw new InvalidArgumentError('give --input or --text, not both');
        if (!flags.outDir) throw new InvalidArgumentError('--out-dir is needed with --text (the text modality writes several artefacts)');
        if (flags.text.trim() === '') throw new InvalidArgumentError('--text is empty: there is nothing to explain');
        const files: InputFile[] = [{ name: 'text.txt', bytes: new TextEncoder().encode(flags.text) }];
        const backend = await initBackend();
        const model = await loadModel(flags.model);
        try {
          console.error(`backend: ${backend}, model: ${flags.model}, method: ${flags.method}, executor: ${flags.executor}, modality: text`);
          const names = await resolveClassNames(model, flags.classNames);
          await explainWithAdapter(model, 'text.txt', flags, options, flags.outDir, names, { adapter: adapterByName('text'), files });
        } finally {
          model.dispose();
        }
        return;
      }
      if (flags.input === undefined) throw new InvalidArgumentError("required option '--input <path>' not specified (or give --text)");
      if (flags.modality) {
        const adapter = adapterByName(flags.modality);
        if (!flags.outDir) throw new InvalidArgumentError(`--out-dir is needed with --modality ${flags.modality} (its artefacts are several files)`);
        const isFolder = (await stat(flags.input).catch(() => { throw new InvalidArgumentError(`input '${flags.input}' does not exist`); })).isDirectory();
        const files = isFolder ? await folderAsOneInput(flags.input) : await filesOf(flags.input);
        const backend = await initBackend();
        const model = await loadModel(flags.model);
        try {
          console.error(`backend: ${backend}, model: ${flags.model}, method: ${flags.method}, executor: ${flags.executor}, modality: ${adapter.name}`);
          const names = await resolveClassNames(model, flags.classNames);
          await explainWithAdapter(model, flags.input.replace(/\/+$/, ''), flags, options, flags.outDir, names, { adapter, files });
        } finally {
          model.dispose();
        }
        return;
      }
      const { files, folder } = await inputFiles(flags.input, !!flags.outDir);
      const needsAdapter = files.some((f) => !isArrayInput(f));
      if (needsAdapter && !flags.outDir) throw new InvalidArgumentError(`--out-dir is needed for ${files.find((f) => !isArrayInput(f))} (its modality writes several artefacts)`);
      if (!needsAdapter && !flags.out && !flags.json && !flags.overlay && !flags.outDir) console.error('xai: no --out, --json, --overlay or --out-dir given: printing the summary only');
      const backend = await initBackend();
      const model = await loadModel(flags.model);
      try {
        if (folder) for (const dir of [flags.out, flags.json, flags.overlay]) if (dir) await mkdir(dir, { recursive: true });
        const overall = folder ? progressDisplay(`${files.length} inputs`) : null;
        console.error(`backend: ${backend}, model: ${flags.model}, method: ${flags.method}, executor: ${flags.executor}`);
        const names = await resolveClassNames(model, flags.classNames);
        for (const [i, file] of files.entries()) {
          if (!isArrayInput(file) || (flags.outDir && !flags.out && !flags.json && !flags.overlay)) {
            await explainWithAdapter(model, file, flags, options, flags.outDir!, names);
            overall?.update({ done: i + 1, total: files.length, unit: 'inputs' });
            continue;
          }
          const stem = basename(file, extname(file));
          const outputs = folder
            ? { out: flags.out && join(flags.out, `${stem}.png`), json: flags.json && join(flags.json, `${stem}.json`), overlay: flags.overlay && join(flags.overlay, `${stem}-overlay.png`) }
            : { out: flags.out, json: flags.json, overlay: flags.overlay };
          await explainOne(model, file, flags, options, outputs, names);
          overall?.update({ done: i + 1, total: files.length, unit: 'inputs' });
        }
        overall?.stop();
      } finally {
        model.dispose();
      }
    });
}
