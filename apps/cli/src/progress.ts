import cliProgress from 'cli-progress';
import type { Progress } from '@xai/core';

/** A progress display on stderr: a bar on a terminal, a line every 10% otherwise (logs, CI). */
export interface ProgressDisplay {
  update(progress: Progress): void;
  stop(): void;
}

export function progressDisplay(label: string, stream: NodeJS.WriteStream = process.stderr): ProgressDisplay {
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      { format: `${label} [{bar}] {percentage}% | {value}/{total} {unit} | ETA {eta_formatted}`, stream, hideCursor: true, clearOnComplete: false },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    return {
      update: ({ done, total, unit }) => {
        if (!started) {
          bar.start(total, 0, { unit });
          started = true;
        }
        bar.setTotal(total);
        bar.update(done, { unit });
      },
      stop: () => started && bar.stop(),
    };
  }
  let lastDecile = -1;
  return {
    update: ({ done, total, unit }) => {
      const decile = Math.floor((10 * done) / total);
      if (decile !== lastDecile) {
        lastDecile = decile;
        stream.write(`${label}: ${done}/${total} ${unit} (${Math.round((100 * done) / total)}%)\n`);
      }
    },
    stop: () => {},
  };
}
