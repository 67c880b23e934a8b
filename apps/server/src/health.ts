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

  storageFailed(err: unknown): void {
    const message = err instanceof Error ? `${(err as { code?: string }).code ?? err.name}: ${err.message}` : String(err);
    // keep the first failure's time: "since" is when the trouble began
    this.storage = { message, since: this.storage?.since ?? new Date().toISOString() };
  }

  storageOk(): void {
    this.storage = null;
  }

  get status(): { status: 'ok' } | { status: 'degraded'; reason: string; since: string } {
    return this.storage ? { status: 'degraded', reason: `storage: ${this.storage.message}`, since: this.storage.since } : { status: 'ok' };
  }
}
