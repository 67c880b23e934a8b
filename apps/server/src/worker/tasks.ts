/**
 * The task dispatcher of both pools' worker processes (process-host.ts): one, so that a worker keeps its tfjs
 * backend and model cache across every kind of task it runs.
 */
import { analysisTask } from './analysis-worker.js';
import { benchmarkTask } from './benchmark-worker.js';
import { readDatasetTask } from './dataset-worker.js';
import { explainTask } from './explain-worker.js';
import { inputFacts } from './input-facts.js';
import { decodeInput, inspectModel } from './inspect-worker.js';
import type { Outcome, WorkerTask } from './task-types.js';

export default function runTask(task: WorkerTask): Promise<Outcome<unknown>> {
  switch (task.kind) {
    case 'inspect-model':
      return inspectModel(task);
    case 'decode-input':
      return decodeInput(task);
    case 'explain':
      return explainTask(task);
    case 'benchmark':
      return benchmarkTask(task);
    case 'read-dataset':
      return readDatasetTask(task);
    case 'input-facts':
      return inputFacts(task);
    case 'analysis':
      return analysisTask(task);
  }
}
