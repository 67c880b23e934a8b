import type { MessagePort } from 'node:worker_threads';
import type { ControlMessage, WorkerEvent } from './task-types.js';

/**
 * The worker's end of a task's MessagePort: reports start and progress (at most every
 * `intervalMs`, and always the last step), and turns a 'cancel' message into an AbortSignal that
 * core's methods and the benchmark runner check between batches.
 */
export class ProgressPort {
  private readonly controller = new AbortController();
  private lastSent = 0;

  constructor(
    private readonly port: MessagePort,
    private readonly intervalMs = 100,
  ) {
    port.on('message', (m: ControlMessage) => {
      if (m?.type === 'cancel') this.controller.abort();
    });
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  started(): void {
    this.post({ type: 'started' });
  }

  progress(progress: Record<string, unknown> & { done: number; total: number }): void {
    const now = performance.now();
    if (progress.done < progress.total && now - this.lastSent < this.intervalMs) return;
    this.lastSent = now;
    this.post({ type: 'progress', progress });
  }

  close(): void {
    this.port.close();
  }

  private post(event: WorkerEvent): void {
    try {
      this.port.postMessage(event);
    } catch {
      /* the server side is gone: nothing to report to */
    }
  }
}
