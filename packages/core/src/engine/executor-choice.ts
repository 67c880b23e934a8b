/** Which executor runs an explanation: 'tfjs' (default) or 'ort' (compiled to ONNX Runtime). */
import { InvalidArgumentError } from '../errors.js';

export const EXECUTORS = ['tfjs', 'ort'] as const;
export type ExecutorName = (typeof EXECUTORS)[number];

export interface ExecutorOptions {
  /** Default: the XAI_EXECUTOR environment variable, else 'tfjs'. */
  readonly executor?: ExecutorName;
  /** Where the one-line notice goes when 'ort' falls back to tfjs (default console.warn). */
  readonly onNotice?: (line: string) => void;
}

/** How an explanation was run: the executor, ORT's execution provider, and why it fell back. */
export interface ExecutionReport {
  readonly executor: ExecutorName;
  readonly provider?: string;
  /** Why a faster provider (CUDA) was not used. */
  readonly providerNote?: string;
  /** Set when 'ort' was asked for and tfjs ran instead: what could not be compiled. */
  readonly fallback?: string;
  /** ORT: whether this call compiled the graph, and how long building took. */
  readonly built?: boolean;
  readonly buildMs?: number;
}

export function resolveExecutor(name: string | undefined = process.env.XAI_EXECUTOR): ExecutorName {
  const chosen = name === undefined || name === '' ? 'tfjs' : name;
  if (!(EXECUTORS as readonly string[]).includes(chosen)) {
    throw new InvalidArgumentError(`executor '${chosen}'${name === process.env.XAI_EXECUTOR ? ' (XAI_EXECUTOR)' : ''} is not one of ${EXECUTORS.join(', ')}`);
  }
  return chosen as ExecutorName;
}

/** The one-line notice of a fallback from 'ort' to tfjs. */
export const fallbackNotice = (what: string): string => `xai: executor 'ort' cannot run ${what} yet; running on tfjs instead`;

export function notify(options: ExecutorOptions, line: string): void {
  (options.onNotice ?? ((l: string) => console.warn(l)))(line);
}
