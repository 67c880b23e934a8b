/**
 * Tasks name files by absolute paths under the server's data directory; a worker on another
 * machine mounts the same shared directory elsewhere. On the queue, paths under the root are
 * written `${DATA}/…` and each worker puts its own root back.
 */
const MARK = '${DATA}';

function mapStrings(value: unknown, map: (s: string) => string): unknown {
  if (typeof value === 'string') return map(value);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, map));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapStrings(v, map)]));
  return value;
}

export function toPortable<T>(value: T, root: string): T {
  const base = root.replace(/\/+$/, '');
  return mapStrings(value, (s) => (s === base ? MARK : s.startsWith(`${base}/`) ? MARK + s.slice(base.length) : s)) as T;
}

export function fromPortable<T>(value: T, root: string): T {
  const base = root.replace(/\/+$/, '');
  return mapStrings(value, (s) => (s === MARK || s.startsWith(`${MARK}/`) ? base + s.slice(MARK.length) : s)) as T;
}
