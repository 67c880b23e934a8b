/**
 * Compiled explanation sessions per model graph, keyed by the explanation plan's key (input shape
 * with batch, explained output, every node's rule). A second explanation with the same key runs
 * the session built by the first; a model's sessions are released with the model.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { XaiError } from '../../errors.js';
import type { ModelGraph } from '../../graph/graph.js';
import type { Ort } from './load-ort.js';
import type { SavedModel, SaveOptions, SharedKernel } from './onnx-writer.js';
import { ownMemoryView } from './tensor-values.js';

type Session = import('onnxruntime-node').InferenceSession;

export interface CompiledSession {
  readonly session: Session;
  /** The execution provider the session runs on ('cuda' or 'cpu'). */
  readonly provider: string;
  /** Why a faster provider was not used, if one was tried. */
  readonly providerNote?: string;
  /** Milliseconds to compile the graph and create the session. */
  readonly buildMs: number;
  /** Model kernels the session reads from tfjs memory, fed on every run (`runCompiled`). */
  readonly shared: readonly SharedKernel[];
}

interface GraphSessions {
  readonly sessions: Map<string, Promise<CompiledSession>>;
  builds: number;
}

/** Sessions kept per model (different batch sizes or composites); the oldest is released beyond. */
const MAX_SESSIONS_PER_MODEL = 4;
const byGraph = new WeakMap<ModelGraph, GraphSessions>();
/** Why CUDA cannot be used on this installation, once found out. */
let cudaFailure: string | null = null;

/**
 * Whether the installed onnxruntime-node offers CUDA (XAI_ORT_PROVIDER=cpu disables it): the
 * binding lists it on Linux x64 whether or not its install script fetched the provider library,
 * so the library is looked for too (trying without it logs an error from inside ORT).
 */
function cudaOffered(ort: Ort): boolean {
  if (process.env.XAI_ORT_PROVIDER === 'cpu') return false;
  try {
    if (!ort.listSupportedBackends().some((b) => b.name === 'cuda')) return false;
    const root = dirname(dirname(createRequire(import.meta.url).resolve('onnxruntime-node')));
    const binDir = join(root, 'bin', 'napi-v6', process.platform, process.arch);
    if (existsSync(join(binDir, 'libonnxruntime_providers_cuda.so'))) return true;
    cudaFailure = 'CUDA provider not installed (onnxruntime-node fetches it at install time unless ONNXRUNTIME_NODE_INSTALL=skip)';
    return false;
  } catch {
    return false;
  }
}

/**
 * Options of every compiled session. The CPU arena stays on: without it, batches whose activations
 * exceed glibc's mmap threshold (32 MiB) map and fault fresh pages every run — ResNet-18 LRP at
 * batch 16 took 4.0 s instead of 2.0 s. The memory pattern is off: it allocates one block for all
 * planned activations at once and cost VGG-16's LRP 190 MB of peak RSS (ResNet-18 at batch 16:
 * 840 MB) for no measurable speed (bench, quiet 2-core machine).
 * Prepacking is off: the packed copy of a Gemm/MatMul weight is made per consumer (forward and
 * backward both read it), and at our batch sizes the unpacked product is as fast.
 */
export function sessionOptions(): import('onnxruntime-node').InferenceSession.SessionOptions {
  return {
    graphOptimizationLevel: 'all',
    enableCpuMemArena: true,
    enableMemPattern: false,
    extra: { session: { disable_prepacking: '1' } },
  };
}

async function createSession(ort: Ort, model: string, offered: boolean): Promise<Omit<CompiledSession, 'buildMs' | 'shared'>> {
  const base = sessionOptions();
  let providerNote = cudaFailure ?? undefined;
  if (offered) {
    try {
      // Severity 4 (fatal only): a missing CUDA library is expected on CPU-only installations.
      return { session: await ort.InferenceSession.create(model, { ...base, executionProviders: ['cuda'], logSeverityLevel: 4 }), provider: 'cuda' };
    } catch (err) {
      providerNote = cudaFailure = `CUDA provider unavailable: ${(err as Error).message.split('\n')[0]!.slice(0, 200)}`;
    }
  }
  return { session: await ort.InferenceSession.create(model, { ...base, executionProviders: ['cpu'] }), provider: 'cpu', providerNote };
}

/** What a session is built from: a compiled plan that writes its model into a directory. */
export interface SavableModel {
  save(dir: string, options: SaveOptions): SavedModel;
}

/**
 * Where models are saved for ORT: memory-backed /dev/shm where there is one (writing 0.5 GB of
 * kernels to disk took 5 s on the bench machine, to /dev/shm 0.5 s), else the temp directory.
 */
const saveRoots = () => (existsSync('/dev/shm') ? ['/dev/shm', tmpdir()] : [tmpdir()]);

/**
 * A session from the model `plan` saves into a temporary directory, removed once the session
 * exists (ORT keeps its mapping of the weights file; nothing of the encoded model stays in JS).
 * A root without room for the kernels (a small /dev/shm) passes to the next.
 */
async function sessionFromFiles(ort: Ort, plan: SavableModel): Promise<Omit<CompiledSession, 'buildMs'>> {
  const roots = saveRoots();
  const cuda = cudaFailure === null && cudaOffered(ort);
  for (const [i, root] of roots.entries()) {
    const dir = mkdtempSync(join(root, 'xai-ort-'));
    try {
      let saved: SavedModel;
      try {
        // Kernels are shared with tfjs on the CPU provider only: CUDA would copy them to the GPU every run.
        saved = plan.save(dir, { shareKernels: !cuda });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOSPC' && i < roots.length - 1) continue;
        throw err;
      }
      return { ...(await createSession(ort, saved.path, cuda)), shared: saved.shared };
    } finally {
      try {
        rmSync(dir, { recursive: true, force: true });
      } catch {
        // A mapped file cannot be removed on Windows until the session is released: the OS's temp cleaning takes it.
      }
    }
  }
  throw new Error('unreachable');
}

/** A view of a shared kernel's memory as it is now. */
function kernelView(k: SharedKernel): Float32Array {
  const view = ownMemoryView(k.source);
  if (!view) throw new XaiError(`the model kernel the compiled ORT session reads as '${k.name}' is ${k.source.isDisposed ? 'disposed' : 'no longer readable in place'}; dispose the model's sessions (model.dispose()) and load it again`);
  return view;
}

/**
 * Runs a compiled session on `feeds` plus its shared kernels, viewed in tfjs memory as it is now.
 * A wasm heap that grew before the run (the run waits for the next turn of the event loop) detaches
 * the views: ORT then refuses them ("not enough space") and the run is retried on fresh ones.
 */
export async function runCompiled(ort: Ort, compiled: CompiledSession, feeds: Record<string, import('onnxruntime-node').Tensor>): Promise<import('onnxruntime-node').InferenceSession.OnnxValueMapType> {
  for (let attempt = 1; ; attempt++) {
    const views = compiled.shared.map((k) => ({ k, view: kernelView(k) }));
    const all = { ...feeds };
    for (const { k, view } of views) all[k.name] = new ort.Tensor('float32', view, [...k.dims]);
    try {
      return await compiled.session.run(all);
    } catch (err) {
      if (attempt < 3 && views.some(({ view }) => view.length === 0)) continue;
      throw err;
    }
  }
}

/** The graph whose sessions a graph's explanations use: the whole model's for a view made by `graphFrom`. */
export const owner = (graph: ModelGraph) => (graph.viewOf && graph.viewOf.nodes === graph.nodes ? graph.viewOf.graph : graph);

/** The session for `key`, built from `plan` on a miss. */
export function compiledSession(ort: Ort, view: ModelGraph, planKey: string, plan: SavableModel): Promise<CompiledSession> {
  // A view (explaining from an inner node, such as a transformer's encoder input) is made anew per
  // explanation: its sessions belong to the whole model, keyed by where the view starts.
  const graph = owner(view);
  const key = graph !== view ? `from node ${view.viewOf!.from}\n${planKey}` : planKey;
  let entry = byGraph.get(graph);
  if (!entry) byGraph.set(graph, (entry = { sessions: new Map(), builds: 0 }));
  const cached = entry.sessions.get(key);
  if (cached) {
    entry.sessions.delete(key); // most recently used last
    entry.sessions.set(key, cached);
    return cached;
  }
  entry.builds++;
  const started = performance.now();
  const made = (async () => ({ ...(await sessionFromFiles(ort, plan)), buildMs: performance.now() - started }))();
  entry.sessions.set(key, made);
  made.catch(() => entry!.sessions.delete(key));
  while (entry.sessions.size > MAX_SESSIONS_PER_MODEL) {
    const [oldest, session] = entry.sessions.entries().next().value as [string, Promise<CompiledSession>];
    entry.sessions.delete(oldest);
    void session.then((s) => s.session.release(), () => undefined);
  }
  return made;
}

/** How many sessions a model holds and how many were built for it (tests: a second call does not rebuild). */
export function ortSessionStats(graph: ModelGraph): { sessions: number; builds: number } {
  const entry = byGraph.get(owner(graph));
  return { sessions: entry?.sessions.size ?? 0, builds: entry?.builds ?? 0 };
}

/** Releases a model's sessions (called when the model is disposed). */
export function releaseOrtSessions(graph: ModelGraph): void {
  const entry = byGraph.get(graph);
  if (!entry) return;
  for (const s of entry.sessions.values()) void s.then((c) => c.session.release(), () => undefined);
  entry.sessions.clear();
}
