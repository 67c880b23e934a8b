/** What the ORT executor cannot compile yet (a node kind, a rule, an option): the caller falls back to tfjs and says so. */
export class NotCompilableError extends Error {
  override readonly name = 'NotCompilableError';
}

export function notCompilable(what: string): never {
  throw new NotCompilableError(what);
}
