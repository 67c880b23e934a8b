import type { Command } from 'commander';
import { benchmarkCommand, type BenchmarkSamples } from '@xai/eval';
import type { XaiModel } from '@xai/core';
import { datasetBenchmarkSamples, datasetFilesFromPath, modelInputSpecs, readDataset } from '@xai/modalities';
import { progressDisplay } from '../progress.js';

/** --data <folder|zip>: a data set read by @xai/modalities, each input decoded for the model, as benchmark samples. */
async function readDatasetSamples(path: string, model: XaiModel): Promise<BenchmarkSamples> {
  const files = await datasetFilesFromPath(path);
  const classNames = model.classNames ?? undefined;
  const progress = progressDisplay('read');
  try {
    const dataset = await readDataset(files, {
      model: modelInputSpecs(model),
      ...(classNames ? { classNames } : {}),
      onProgress: (done, total) => progress.update({ done, total, unit: 'inputs' }),
    });
    return datasetBenchmarkSamples(dataset, classNames);
  } finally {
    progress.stop();
  }
}

/** `xai benchmark …`: the eval package's benchmark runner (its own argument parser and --help); --data also takes a folder or .zip data set. */
export function benchmarkCommandOf(program: Command): void {
  program
    .command('benchmark')
    .description('compare methods with quality metrics: a method × metric table, per-sample scores and curves (xai benchmark --help)')
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .argument('[args...]', 'see `xai benchmark --help`')
    .action(async (args: string[]) => {
      process.exitCode = await benchmarkCommand(args, undefined, readDatasetSamples);
    });
}
