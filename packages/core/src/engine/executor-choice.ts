/** Which executor runs an explanation: 'tfjs' (default) or 'ort' (compiled to ONNX Runtime). */
import { InvalidArgumentError } from '../errors.js';
import { loadOrt } from '../executors/ort/load-ort.js';

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

let ortLoadable: Promise<boolean> | null = null;

/** Whether onnxruntime-node can be loaded here (an optional dependency); found out once per process. */
export function ortInstalled(): Promise<boolean> {
  ortLoadable ??= loadOrt().then(
    () => true,
    () => false,
  );
  return ortLoadable;
}

/** What an application asks for: an executor, or 'auto' (its default, below). */
export type ExecutorChoice = ExecutorName | 'auto';
export const EXECUTOR_CHOICES: readonly ExecutorChoice[] = ['auto', ...EXECUTORS];

/**
 * The executor the CLI and the server run a method on (the library's `explain()` keeps 'tfjs' as its
 * default): the one asked for; else XAI_EXECUTOR when set; else 'ort' where onnxruntime-node is
 * installed and the method runs on it, else 'tfjs'. Asking for 'ort' explicitly (argument or
 * XAI_EXECUTOR) on a method that does not run on it gives tfjs with the usual fallback notice.
 */
export async function appExecutor(asked: string | undefined, methodRunsOnOrt: boolean, env: string | undefined = process.env.XAI_EXECUTOR): Promise<ExecutorName> {
  if (asked !== undefined && asked !== '' && asked !== 'auto') return resolveExecutor(asked);
  if (env !== undefined && env !== '') return resolveExecutor(env);
  return methodRunsOnOrt && (await ortInstalled()) ? 'ort' : 'tfjs';
}

/** The one-line notice of a fallback from 'ort' to tfjs. */
export const fallbackNotice = (what: string): string => `xai: executor 'ort' cannot run ${what} yet; running on tfjs instead`;

export function notify(options: ExecutorOptions, line: string): void {
  (options.onNotice ?? ((l: string) => console.warn(l)))(line);
}
