import { XaiError } from '../errors.js';

/** Raised when a caller aborts a running explanation. */
export class CancelledError extends XaiError {}

export interface Progress {
  /** Units of work done (passes, batches, optimisation steps …) and the total. */
  readonly done: number;
  readonly total: number;
  /** What the units are, e.g. 'samples', 'windows', 'steps'. */
  readonly unit: string;
}

export interface MethodRunOptions {
  /** Called after each batch of a multi-pass method. */
  readonly onProgress?: (progress: Progress) => void;
  /** Aborts between batches with a CancelledError. */
  readonly signal?: AbortSignal;
}

/**
 * What a method sees of its caller: report progress and give the event loop (and a pending
 * cancellation) a chance to run between batches.
 */
export class MethodContext {
  constructor(private readonly options: MethodRunOptions = {}) {}

  /** The context of part `index` of `count` equal parts: its progress is reported as progress of the whole. */
  part(index: number, count: number): MethodContext {
    const report = this.options.onProgress;
    return new MethodContext({
      signal: this.options.signal,
      onProgress: report && (({ done, total, unit }) => report({ done: index * total + done, total: count * total, unit })),
    });
  }

  throwIfCancelled(): void {
    if (this.options.signal?.aborted) throw new CancelledError('explanation cancelled');
  }

  /** Reports progress, yields once to the event loop, and throws if cancelled meanwhile. */
  async step(done: number, total: number, unit: string): Promise<void> {
    this.options.onProgress?.({ done, total, unit });
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.throwIfCancelled();
  }
}
