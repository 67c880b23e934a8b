/**
 * Runs a parser over mutated inputs in a worker thread, one input at a time, with a deadline per
 * input (a hang terminates the worker, which is then started afresh) and a heap limit on the worker
 * (running out of it ends the worker, counted as a memory blow-up, not a crash of the runner).
 */
import { Worker } from 'node:worker_threads';
import fc from 'fast-check';
import { applyMutation, mutations, type Mutation, type Seed } from './mutate.js';
import { seedsFor } from './seeds.js';
import type { TargetName } from './targets.js';
import type { FuzzReply, FuzzRequest } from './worker.js';

export interface FuzzOptions {
  /** Inputs to generate. */
  readonly runs: number;
  /** fast-check seed (the same seed gives the same inputs). */
  readonly seed: number;
  /** Deadline of one parse, in ms (a parse past it is a hang). */
  readonly timeoutMs: number;
  /** Most the heap + external memory may grow during one parse, in MB. */
  readonly maxGrowthMb: number;
  /** Heap limit of the worker thread, in MB. */
  readonly workerHeapMb: number;
}

export const DEFAULT_OPTIONS: FuzzOptions = { runs: 1000, seed: 15, timeoutMs: 5000, maxGrowthMb: 256, workerHeapMb: 1024 };

export type Verdict = 'ok' | 'typed' | 'other' | 'hang' | 'memory' | 'leak';

export interface Failure {
  readonly index: number;
  readonly verdict: Verdict;
  readonly seedLabel: string;
  readonly mutation: Mutation;
  readonly detail: string;
}

export interface TargetReport {
  readonly target: TargetName;
  readonly inputs: number;
  readonly counts: Record<Verdict, number>;
  readonly maxMs: number;
  readonly maxGrowthMb: number;
  readonly seconds: number;
  /** The first failures of each kind (at most 5 each), with their mutation for reproduction. */
  readonly failures: Failure[];
}

class FuzzWorker {
  private worker: Worker | null = null;
  private ready: Promise<void> | null = null;
  private nextId = 0;

  constructor(private readonly heapMb: number) {}

  private start(): Promise<void> {
    const worker = new Worker(new URL('./worker-boot.mjs', import.meta.url), {
      resourceLimits: { maxOldGenerationSizeMb: this.heapMb },
      stdout: true, // parsers that print warnings (omggif …) must not flood the report
      stderr: true,
    });
    worker.stdout.resume();
    worker.stderr.resume();
    this.worker = worker;
    return new Promise((resolve, reject) => {
      worker.once('message', () => resolve());
      worker.once('error', reject);
    });
  }

  async run(request: Omit<FuzzRequest, 'id'>, timeoutMs: number): Promise<{ reply?: FuzzReply; verdict?: Verdict; detail?: string }> {
    this.ready ??= this.start();
    await this.ready;
    const worker = this.worker!;
    const id = this.nextId++;
    return new Promise((resolve) => {
      const done = (value: { reply?: FuzzReply; verdict?: Verdict; detail?: string }, restart: boolean) => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
        if (restart) {
          void worker.terminate();
          this.worker = null;
          this.ready = null;
        }
        resolve(value);
      };
      const onMessage = (reply: FuzzReply) => {
        if (reply.id === id) done({ reply }, false);
      };
      const onError = (err: Error & { code?: string }) =>
        done({ verdict: err.code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'memory' : 'other', detail: `worker died: ${err.code ?? ''} ${err.message}` }, true);
      const onExit = (code: number) => done({ verdict: 'other', detail: `worker exited with code ${code}` }, true);
      const timer = setTimeout(() => done({ verdict: 'hang', detail: `no answer within ${timeoutMs} ms` }, true), timeoutMs);
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
      const transfer = request.files.map((f) => f.bytes.buffer as ArrayBuffer);
      worker.postMessage({ ...request, id }, transfer);
    });
  }

  async close(): Promise<void> {
    if (this.worker) await this.worker.terminate();
    this.worker = null;
    this.ready = null;
  }
}

/** Fuzzes one parser: `runs` seeded mutations of its seed files, each parsed under the bounds. */
export async function fuzzTarget(target: TargetName, options: Partial<FuzzOptions> = {}): Promise<TargetReport> {
  const opts = { ...DEFAULT_OPTIONS, ...options };
  const seeds: Seed[] = seedsFor(target);
  const space = { seeds: seeds.length, files: Math.max(...seeds.map((s) => s.files.length)), json: target === 'model' };
  const described = fc.sample(mutations(space), { seed: opts.seed, numRuns: opts.runs });
  const counts: Record<Verdict, number> = { ok: 0, typed: 0, other: 0, hang: 0, memory: 0, leak: 0 };
  const failures: Failure[] = [];
  const worker = new FuzzWorker(opts.workerHeapMb);
  const t0 = performance.now();
  let maxMs = 0;
  let maxGrowth = 0;
  try {
    for (let index = 0; index < described.length; index++) {
      const mutation = described[index]!;
      const files = applyMutation(seeds, mutation);
      const { reply, verdict: died, detail: why } = await worker.run({ target, files }, opts.timeoutMs);
      let verdict: Verdict;
      let detail = why ?? '';
      if (reply) {
        maxMs = Math.max(maxMs, reply.ms);
        maxGrowth = Math.max(maxGrowth, reply.grewMb);
        verdict = reply.outcome;
        detail = reply.error ?? '';
        if (reply.grewMb > opts.maxGrowthMb) {
          verdict = 'memory';
          detail = `memory grew by ${reply.grewMb.toFixed(0)} MB during the parse (${reply.outcome}: ${detail})`;
        } else if (reply.tensorsLeft > 0) {
          verdict = 'leak';
          detail = `${reply.tensorsLeft} tensors left behind (${reply.outcome}: ${detail})`;
        }
      } else {
        verdict = died!;
      }
      counts[verdict]++;
      if (verdict !== 'ok' && verdict !== 'typed' && failures.filter((f) => f.verdict === verdict).length < 5) {
        failures.push({ index, verdict, seedLabel: seeds[mutation.seed]!.label, mutation, detail });
      }
    }
  } finally {
    await worker.close();
  }
  return { target, inputs: described.length, counts, maxMs, maxGrowthMb: maxGrowth, seconds: (performance.now() - t0) / 1000, failures };
}

/** The failures that fail the suite: anything but a result or a typed error within the bounds. */
export const badCount = (r: TargetReport): number => r.counts.other + r.counts.hang + r.counts.memory + r.counts.leak;

/** A Markdown table: one row per parser. */
export function formatTable(reports: readonly TargetReport[]): string {
  const head = '| parser | inputs | ok | typed errors | other | hangs | memory | leaks | max ms | max MB | s |';
  const rule = '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|';
  const rows = reports.map((r) => {
    const c = r.counts;
    return `| ${r.target} | ${r.inputs} | ${c.ok} | ${c.typed} | ${c.other} | ${c.hang} | ${c.memory} | ${c.leak} | ${r.maxMs.toFixed(0)} | ${r.maxGrowthMb.toFixed(1)} | ${r.seconds.toFixed(1)} |`;
  });
  return [head, rule, ...rows].join('\n');
}

/** The failures, one paragraph each, with what reproduces them. */
export function formatFailures(reports: readonly TargetReport[], seed: number): string {
  return reports
    .flatMap((r) => r.failures.map((f) => `- ${r.target} #${f.index} (seed ${seed}) [${f.verdict}] from ${f.seedLabel}: ${JSON.stringify(f.mutation)}\n  ${f.detail.replace(/\n/g, '\n  ')}`))
    .join('\n');
}

/** Fuzzes several parsers, `jobs` at a time (each in its own worker thread). */
export async function fuzzTargets(
  targets: readonly TargetName[],
  runsOf: (target: TargetName) => number,
  options: Partial<Omit<FuzzOptions, 'runs'>> & { readonly jobs?: number; readonly onReport?: (report: TargetReport) => void } = {},
): Promise<TargetReport[]> {
  const reports = new Map<TargetName, TargetReport>();
  const queue = [...targets];
  const lane = async () => {
    for (let target = queue.shift(); target; target = queue.shift()) {
      const report = await fuzzTarget(target, { ...options, runs: runsOf(target) });
      reports.set(target, report);
      options.onReport?.(report);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.jobs ?? 1) }, lane));
  return targets.map((t) => reports.get(t)!);
}
