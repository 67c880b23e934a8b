import { getJson, jobErrorMessage, postJson, request, withToken } from './api';
import type { Job } from './types';

const FINISHED = ['succeeded', 'failed', 'cancelled'];

/**
 * Follows a job over Server-Sent Events (`state`, `progress`, `end`), calling `onUpdate` with each
 * job view; resolves with the finished job. Falls back to polling when the stream breaks.
 */
export function followJob(job: Job, onUpdate: (job: Job) => void = () => undefined): Promise<Job> {
  return new Promise((resolve) => {
    let done = false;
    const finish = (j: Job) => {
      if (done) return;
      done = true;
      onUpdate(j);
      resolve(j);
    };
    const poll = async () => {
      while (!done) {
        try {
          const j = await getJson<Job>(`/jobs/${job.id}`);
          if (FINISHED.includes(j.state)) return finish(j);
          onUpdate(j);
        } catch {
          /* keep trying */
        }
        await new Promise((r) => setTimeout(r, 400));
      }
    };
    if (typeof EventSource === 'undefined') return void poll();
    const source = new EventSource(withToken(`/api/v1/jobs/${job.id}/events`));
    const handle = (event: MessageEvent) => {
      const j = JSON.parse(event.data) as Job;
      if (FINISHED.includes(j.state)) {
        source.close();
        finish(j);
      } else onUpdate(j);
    };
    source.addEventListener('state', handle);
    source.addEventListener('progress', handle);
    source.addEventListener('end', handle);
    source.onerror = () => {
      source.close();
      if (!done) void poll();
    };
  });
}

/** A job the user cancelled: views show its state, not an error. */
export class JobCancelledError extends Error {
  constructor() {
    super('The job was cancelled.');
    this.name = 'JobCancelledError';
  }
}

export function assertSucceeded(job: Job): void {
  if (job.state === 'failed') throw new Error(jobErrorMessage(job.error));
  if (job.state === 'cancelled') throw new JobCancelledError();
}

/** Asks the server to cancel a job (a queued one stops at once, a running one at its next batch). */
export async function cancelJob(id: string): Promise<void> {
  await request(`/jobs/${encodeURIComponent(id)}`, { method: 'DELETE' });
}

/**
 * The whole life of a job: create it (`POST path`), follow it (`onUpdate` sees every state), and
 * fetch its result; a failed or cancelled job becomes an error with a readable message.
 */
export async function runJob<R>(path: string, body: unknown, onUpdate: (job: Job) => void = () => undefined): Promise<R> {
  const created = await postJson<Job>(path, body);
  onUpdate(created);
  const finished = await followJob(created, onUpdate);
  assertSucceeded(finished);
  return getJson<R>(`/jobs/${finished.id}/result`);
}
