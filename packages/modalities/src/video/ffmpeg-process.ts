/**
 * Running Debian's ffmpeg/ffprobe as child processes: the binaries to use, a spawn that turns
 * "not installed" into an FfmpegUnavailableError naming the binary and the file, and a check
 * whether ffmpeg runs at all (cached per path).
 */
import { spawn, spawnSync, type ChildProcessByStdio } from 'node:child_process';
import { basename, dirname, join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { FfmpegUnavailableError } from './errors.js';

export interface FfmpegBinaries {
  readonly ffmpeg: string;
  readonly ffprobe: string;
}

/**
 * The ffmpeg to run: the option `ffmpeg` (a path or a name on PATH), else $XAI_FFMPEG, else
 * 'ffmpeg'; ffprobe is the option `ffprobe`, else the ffprobe next to that ffmpeg.
 */
export function ffmpegBinaries(options: Readonly<Record<string, unknown>> = {}): FfmpegBinaries {
  const ffmpeg = (options.ffmpeg as string | undefined) ?? process.env.XAI_FFMPEG ?? 'ffmpeg';
  const sibling = ffmpeg.includes('/') ? join(dirname(ffmpeg), basename(ffmpeg).replace(/ffmpeg/, 'ffprobe')) : 'ffprobe';
  return { ffmpeg, ffprobe: (options.ffprobe as string | undefined) ?? sibling };
}

const available = new Map<string, string | null>();

/** null when `binary -version` runs, else why not (cached: the answer does not change while we run). */
export function ffmpegProblem(binary: string): string | null {
  if (!available.has(binary)) {
    const run = spawnSync(binary, ['-version'], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 10_000 });
    available.set(binary, run.error ? describeSpawnError(binary, run.error) : run.status === 0 ? null : `'${binary} -version' exited with status ${run.status}`);
  }
  return available.get(binary)!;
}

function describeSpawnError(binary: string, error: Error): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return `'${binary}' was not found`;
  if (code === 'EACCES') return `'${binary}' is not executable`;
  return `'${binary}' does not run (${error.message})`;
}

export type FfmpegChild = ChildProcessByStdio<Writable, Readable, Readable>;

export interface RunningProcess {
  readonly child: FfmpegChild;
  /** Resolves when the process has exited: its status (null if killed by a signal) and stderr text. */
  readonly done: Promise<{ status: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

/** Spawns `binary args`; a missing binary rejects `done` with an FfmpegUnavailableError naming `file`. */
export function startProcess(binary: string, args: readonly string[], file: string): RunningProcess {
  const child = spawn(binary, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  const stderr: Buffer[] = [];
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  // Writing to a process that has exited must not crash us; its status reports the problem.
  child.stdin.on('error', () => {});
  const done = new Promise<{ status: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve, reject) => {
    child.once('error', (error) => reject(new FfmpegUnavailableError(basename(binary), file, describeSpawnError(binary, error))));
    child.once('close', (status, signal) => resolve({ status, signal, stderr: Buffer.concat(stderr).toString('utf8') }));
  });
  return { child, done };
}

/** Runs a process to completion, collecting stdout. */
export async function runProcess(binary: string, args: readonly string[], file: string, stdin?: Uint8Array): Promise<{ status: number | null; stdout: Buffer; stderr: string }> {
  const { child, done } = startProcess(binary, args, file);
  const stdout: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stdin.end(stdin);
  const { status, stderr } = await done;
  return { status, stdout: Buffer.concat(stdout), stderr };
}

/** The last meaningful line of ffmpeg's stderr, for error messages. */
export function lastLine(stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.trim()).filter(Boolean);
  return lines[lines.length - 1] ?? 'no message';
}
