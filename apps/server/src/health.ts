/** Errors that mean the data directory cannot take more writes (disk or SQLite full, I/O failing). */
export function isStorageError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code === 'ENOSPC' || code === 'EDQUOT' || code === 'EROFS' || code === 'SQLITE_FULL' || code.startsWith('SQLITE_IOERR') || code === 'SQLITE_READONLY');
}

/**
 * What `GET /health` reports beyond liveness: the last storage failure (disk full, SQLite unable
 * to write) until a later write succeeds. The server keeps serving reads while degraded.
 */
export class Health {
  private storage: { readonly message: string; readonly since: string } | null = null;
  /** The job backend (Redis, with XAI_REDIS_URL) out of reach: jobs wait until it is back. */
  private backend: { readonly message: string; readonly since: string } | null = null;

  backendFailed(message: string): void {
    this.backend = { message, since: this.backend?.since ?? new Date().toISOString() };
  }

  backendOk(): void {
    this.backend = null;
  }

  storageFailed(err: unknown): void {
    const message = err instanceof Error ? `${(err as { code?: string }).code ?? err.name}: ${err.message}` : String(err);
    // keep the first failure's time: "since" is when the trouble began
    this.storage = { message, since: this.storage?.since ?? new Date().toISOString() };
  }

  storageOk(): void {
    this.storage = null;
  }

  get status(): { status: 'ok' } | { status: 'degraded'; reason: string; since: string } {
    if (this.storage) return { status: 'degraded', reason: `storage: ${this.storage.message}`, since: this.storage.since };
    if (this.backend) return { status: 'degraded', reason: `job backend unavailable (jobs wait for it): ${this.backend.message}`, since: this.backend.since };
    return { status: 'ok' };
  }
}
