import type { Command } from 'commander';
import { benchmarkCommand } from '@xai/eval';

/** `xai benchmark …`: the eval package's benchmark runner (its own argument parser and --help). */
export function benchmarkCommandOf(program: Command): void {
  program
    .command('benchmark')
    .description('compare methods with quality metrics: a method × metric table, per-sample scores and curves (xai benchmark --help)')
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .argument('[args...]', 'see `xai benchmark --help`')
    .action(async (args: string[]) => {
      process.exitCode = await benchmarkCommand(args);
    });
}
